"""Every name and table a report narrative may use, with what each prints as at a date.

`ka2docs names` prints this list at the terminal and docs/writing-reports.md carries it
(narrative_guide.py), both from the very figures a build fills narratives from, so the
list cannot drift from the code: a name without a description here fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.narrative import Filler, Report, Text
from ..history import Position, position
from ..model import DataSet

# What each figure is, in the words of someone writing a report.
DESCRIPTIONS = {
    "agreement": "the agreement's name",
    "short_name": "its short name",
    "area": "the area it covers",
    "indicators": "how many indicators the negotiated set holds",
    "limit": "how many the negotiated set may hold",
    "government_office": "the Government Office the agreement is negotiated with",
    "government_office_short": "its short name",
    "sets": "each indicator set by its code: how many indicators it holds, and its name",
    "other_sets": "how many indicators the sets after the negotiated one hold",
    "counts": "indicators of the negotiated set with each negotiation status",
    "total": "indicators of the negotiated set with any status (the position table's Total)",
    "partners_signed": "partners signed up to at least one indicator",
    "signups": "sign-ups in all (one per partner and indicator)",
    "as_at": "the report's date, short",
    "as_at_long": "the report's date",
    "as_at_day": "the report's date without the year",
    "deadline": "the submission deadline",
    "deadline_short": "the submission deadline, short",
    "reward": "the Performance Reward Grant",
    "themes": "how many themes the negotiated set covers",
    "national_indicators": "how many indicators the national set holds",
    "period": "the agreement's period",
    "years": "how many years the agreement runs",
    "meeting_day": "the meeting's date without the year",
    "meeting_date": "the meeting's date",
    "indicator": "one indicator as the submission shows it: indicator(N), indicator(N).baseline, ...",
    "table": "a table from the data, in a paragraph of its own (see the tables below)",
    "refresh": "the refresh: its dates and how many lines of each kind its schedule has",
    "previous": "the date a changes table compares with by default (the council's previous report, or the submission)",
}
PARTS = {
    "reward": {"national_pot": "the national pot", "share": "the area's share of it", "estimate": "the area's likely grant", "previous_total": "what the previous agreement paid"},
    "refresh": {
        "label": "its name", "date": "when it began", "submitted": "the submission it compares with",
        "changes": "lines in the refresh schedule as at the report's date", "indicators": "indicators added or removed",
        "statuses": "status changes", "baselines": "baseline changes", "targets": "target changes",
        "designations": "designation changes", "signups": "sign-up changes", "counts": "the position on target-setting at the submission",
    },
    "sets": {"count": "how many indicators the set holds", "label": "the set's name"},
    "indicator": {
        "ni": "its number", "title": "its title", "name": "'NI N title' (what indicator(N) alone prints)",
        "baseline": "its baseline (each measure's, split by '; ')", "targets": "its target for a year",
        "period": "its target for the whole period", "lead": "its lead partner(s)", "partners": "its other partners",
        "status": "its negotiation status", "commentary": "the submission's commentary",
    },
}


@dataclass
class Name:
    name: str  # as written in {{ }}
    what: str
    value: str  # what it prints as at the date


def sample_report(data: DataSet, day, report_id: str = "") -> Report:
    """The report whose figures to show: the one asked for, else the latest dated on or before `day`, else a blank one."""
    if report_id:
        found = next((r for r in data.reports if r.id == report_id), None)
        if found is None:
            from ..errors import DataError, problem

            raise DataError([problem("--report", 0, "", f"no report named '{report_id}' (allowed: {', '.join(r.id for r in data.reports) or 'none'})")])
        return found
    dated = [r for r in data.reports if r.as_at <= day]
    if dated:
        return max(dated, key=lambda r: (r.as_at, r.id))
    return Report("", "", "", day, day, "part1", "headings", {}, {}, [], [], "", "", 0)


def names(data: DataSet, report: Report) -> tuple[Position, list[Name]]:
    """Every name a narrative may write, expanded to keys and attributes, with its value for `report`."""
    from .reports import report_figures

    now = position(data, report.as_at)
    figures = report_figures(report, now)
    fill = Filler(figures)
    sample = _sample_indicator(now)
    out: list[Name] = []

    def show(expression: str, what: str) -> None:
        value = fill(Text("{{ " + expression + " }}", "", 0, ""))
        out.append(Name(expression, what, value))

    for key, value in figures.items():
        what = DESCRIPTIONS[key]  # a KeyError here is a new figure without a description: the tests catch it
        if key == "table":
            out.append(Name("table('name', option='value')", what, "(a table)"))
        elif key == "indicator":
            if sample is None:
                continue
            show(f"indicator({sample})", what)
            for part, words in PARTS["indicator"].items():
                if part == "targets":
                    for year in now.agreement.years:
                        show(f"indicator({sample}).targets['{year}']", words.replace("a year", year))
                else:
                    show(f"indicator({sample}).{part}", words)
        elif key == "sets":
            for code, fields in value.items():
                for part in fields:
                    show(f"sets['{code}'].{part}", f"{PARTS['sets'][part]}: {code}")
        elif key == "counts":
            for status in now.agreement.statuses:
                show(f"counts['{status.code}']", f"{what}: {status.label}")
        elif isinstance(value, dict):
            for part in value:
                words = PARTS.get(key, {}).get(part)
                if words is None:
                    raise KeyError(f"{key}.{part}")
                if part == "counts":
                    for status in now.agreement.statuses:
                        show(f"{key}.counts['{status.code}']", f"{words}: {status.label}")
                else:
                    show(f"{key}.{part}", words)
        else:
            show(key, what)
    if fill.problems:  # the list shows only names that work
        from ..errors import DataError

        raise DataError(fill.problems)
    return now, out


def _sample_indicator(now: Position) -> int | None:
    """An indicator with a baseline and targets to show indicator(N) with: the first of the negotiated set that has most."""
    ranked = sorted(now.negotiated, key=lambda i: (-len(i.values), i.order))
    return ranked[0].ni if ranked else None


def tables(data: DataSet, report: Report) -> list[dict]:
    """Each table with its options and what it prints for `report`: its columns, rows, and first row."""
    from ..data.narrative import Filler
    from .narrative_tables import TABLES
    from .reports import PORTRAIT_CM, _Layout, report_figures

    now = position(data, report.as_at)
    district = report.district or next((r.district for r in data.relevance), "") or next((d.district for d in data.districts), "")
    partner = next(iter(now.signed_partners()), "")
    samples = {"signups": {"partner": partner}}
    out = []
    for table in TABLES.values():
        options = samples.get(table.name, {})
        problems: list = []
        layout = _Layout(report, now, Filler(report_figures(report, now)), district, problems)
        blocks = layout.table(table.name, Text("", "", 0, ""), "", PORTRAIT_CM, options)
        grids = [b for b in blocks if b["kind"] == "table"]
        rows = sum(1 for g in grids for r in g["rows"] if any(r[1:]))  # not the heading rows within a table
        shown = "; ".join(f"{k}: {v}" for k, v in options.items())
        out.append({
            "name": table.name, "what": table.what, "options": table.options, "sample": shown,
            "columns": grids[0]["columns"] if grids else [], "rows": rows, "tables": len(grids),
            "first": next((r for g in grids for r in g["rows"] if any(r[1:])), []),
            "text": next((b["text"] for b in blocks if b["kind"] == "paragraph"), "") if not grids else "",
            "district": district if table.name in ("relevance", "local_action_plan") else "",
        })
    return out


def terminal(data: DataSet, report: Report) -> list[str]:
    """`ka2docs names`: one line a name, then the tables."""
    now, found = names(data, report)
    whose = f"as report {report.id} sees them" if report.id else "for a report"
    lines = [f"Names a report narrative may write as {{{{ name }}}}, {whose}, as at {now.as_at.isoformat()}:"]
    width = max(len(n.name) for n in found)
    for n in found:
        lines.append(f"  {n.name:<{width}}  {n.value!s:<24}  {n.what}")
    lines.append("Filters: {{ n | words }} writes 0-20 in words ('eight'); the template engine's own (capitalize, lower, upper) also work.")
    lines.append("Tables, as '- table: NAME' (YAML) or '{{p table('NAME', option='value') }}' alone in a paragraph (Word):")
    for t in tables(data, report):
        options = ", ".join(t["options"]) or "none"
        lines.append(f"  {t['name']}: {t['what']}; options: {options}, caption")
        lines.append(f"      prints: {_prints(t)}")
    return lines


def _prints(t: dict) -> str:
    where = f" (with {t['sample']})" if t["sample"] else (f" (for {t['district']})" if t["district"] else "")
    if not t["tables"]:
        return f"{t['text'] or 'nothing'}{where}"
    many = f" in {t['tables']} tables" if t["tables"] > 1 else ""
    return f"{t['rows']} rows{many}{where}, columns: {' | '.join(t['columns'])}"
