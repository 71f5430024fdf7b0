"""agreement.yaml `monitoring`: the six-monthly periods, their return deadlines and the RAG rules.

Read here, apart from the rest of agreement.yaml, so that an agreement without monitoring
needs none of it and every problem still names its line.
"""

from __future__ import annotations

from itertools import pairwise

from ..errors import Problem, problem
from ..model import Period
from .values import parse_date
from .yamlfile import LineDict, LineList, line_of, unknown_keys

KEYS = {"report_to", "also_to", "source", "rag", "data_quality", "periods"}
PERIOD_KEYS = {"end", "label", "year", "deadline", "returns_source"}
RAG_KEYS = {"amber_tolerance", "green", "amber", "red"}
DEFAULT_RAG = {
    "amber_tolerance": 5.0,
    "green": "On or better than the trajectory",
    "amber": "Behind the trajectory, within the tolerance",
    "red": "Behind the trajectory, beyond the tolerance",
}
DEFAULT_QUALITY = ["Validated", "Provisional", "Estimated"]


def read_monitoring(doc: LineDict, display: str, years: list[str], problems: list[Problem]) -> dict:
    """The monitoring section as plain values: periods (in date order), rag, data_quality, names."""
    node = doc["monitoring"]
    if not isinstance(node, LineDict):
        problems.append(problem(display, line_of(doc, "monitoring"), "monitoring", "must be a mapping (allowed: report_to, source, rag, data_quality, periods)"))
        return {}
    unknown_keys(node, KEYS, display, "monitoring", problems)
    rag = dict(DEFAULT_RAG)
    rules = node.get("rag") or LineDict()
    if isinstance(rules, LineDict):
        unknown_keys(rules, RAG_KEYS, display, "monitoring.rag", problems)
        for key in ("green", "amber", "red"):
            rag[key] = str(rules.get(key) or rag[key])
        if "amber_tolerance" in rules:
            try:
                rag["amber_tolerance"] = float(rules["amber_tolerance"])
                if rag["amber_tolerance"] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(problem(display, line_of(rules, "amber_tolerance"), "monitoring.rag.amber_tolerance", f"'{rules['amber_tolerance']}' is not a percentage (allowed: a number 0 or more, e.g. 5)"))
    quality = node.get("data_quality") or DEFAULT_QUALITY
    if not (isinstance(quality, list) and all(isinstance(q, str) and q for q in quality)):
        problems.append(problem(display, line_of(node, "data_quality"), "monitoring.data_quality", "must be a list of words (allowed: e.g. [Validated, Provisional, Estimated])"))
        quality = DEFAULT_QUALITY
    return {
        "report_to": str(node.get("report_to") or ""),
        "also_to": str(node.get("also_to") or ""),
        "source": str(node.get("source") or ""),
        "rag": rag,
        "data_quality": list(quality),
        "periods": _periods(node, display, years, problems),
    }


def _periods(node: LineDict, display: str, years: list[str], problems: list[Problem]) -> list[Period]:
    items = node.get("periods")
    allowed = "end: YYYY-MM-DD, label, year, deadline: YYYY-MM-DD, returns_source"
    if not isinstance(items, LineList) or not items:
        problems.append(problem(display, line_of(node, "periods"), "monitoring.periods", f"is missing or empty (allowed: a list of periods with {allowed})"))
        return []
    periods = []
    for index, item in enumerate(items):
        line = line_of(items, index)
        if not isinstance(item, LineDict):
            problems.append(problem(display, line, "monitoring.periods", f"entry is not a mapping (allowed: {allowed})"))
            continue
        before = len(problems)
        unknown_keys(item, PERIOD_KEYS, display, "monitoring.periods", problems)
        dates = {}
        for key in ("end", "deadline"):
            if key not in item:
                problems.append(problem(display, item.line, f"monitoring.periods.{key}", f"is missing (allowed: {allowed})"))
                continue
            dates[key], error = parse_date(str(item[key]))
            if error:
                problems.append(problem(display, line_of(item, key), f"monitoring.periods.{key}", error))
        year = str(item.get("year") or "")
        if year not in years:
            problems.append(problem(display, line_of(item, "year"), "monitoring.periods.year", f"'{year}' is not one of the agreement's years (allowed: {', '.join(years)})"))
        if len(problems) > before:
            continue
        if dates["deadline"] < dates["end"]:
            problems.append(problem(display, line_of(item, "deadline"), "monitoring.periods.deadline", f"{dates['deadline']} is before the period ends on {dates['end']} (allowed: a deadline after the period)"))
        label = str(item.get("label") or f"to {dates['end'].day} {dates['end']:%B %Y}")
        periods.append(Period(dates["end"], label, year, dates["deadline"], str(item.get("returns_source") or "")))
    periods.sort(key=lambda p: p.end)
    for earlier, later in pairwise(periods):
        if earlier.end == later.end:
            problems.append(problem(display, items.line, "monitoring.periods.end", f"{later.end} is listed twice (allowed: each period once)"))
    return periods
