"""Read data/ into a DataSet, collecting every problem before giving up.

Each table is declared once in schema.py: its columns, which are required and what each
may hold. Vocabularies (statuses, roles, themes, years...) come from agreement.yaml, so
another area's data works with no change here.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import model
from ..errors import DataError, Problem, problem
from .agreement import EMAIL, load_agreement
from .names import check_unique
from .schema import OPTIONAL_TABLES, TABLES, Column
from .tables import Row, find_table, read_table
from .values import MAX_DIGITS, parse_date, shown

# Tables keyed by a name: (the name's column, what it names).
KEYED = {"sources": ("source", "source"), "partners": ("partner", "partner"), "districts": ("district", "district")}
ACTIONS = ("add", "remove")
BETTER = ("higher", "lower")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
YES = {"yes": True, "no": False}


def load(data_dir: Path, problems: list[Problem] | None = None) -> model.DataSet:
    """Load and type-check every file; raise DataError listing all problems found.

    Given a `problems` list instead, rows with problems are left out and their problems
    appended, so that cross-row rules can still run over the rest (validate.check).
    """
    collect = problems is not None
    problems = problems if collect else []
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError([problem(str(data_dir), 0, "", "no such data folder (allowed: a folder holding agreement.yaml and the data tables)")])
    agreement = load_agreement(data_dir, problems)
    if agreement is None:
        raise DataError(problems)  # nothing else can be checked without the vocabularies
    vocab = _Vocabularies(agreement)
    raw: dict[str, list[Row]] = {}
    # Order matters: sources, partners and districts are vocabularies for later tables.
    for name in ("sources", "partners", "districts", "indicators", "signups", "targets", "statuses", "events", "bulletins", "bulletin_news", "relevance", "local_action_plans", "officers"):
        raw[name] = _read(data_dir, name, problems)
        if name in KEYED:
            check_unique(raw[name], *KEYED[name], problems, file_names=name == "districts")
        if name == "sources":
            vocab.add("source", (r.get("source") for r in raw[name]))
        elif name == "partners":
            vocab.add("partner", (r.get("partner") for r in raw[name]))
        elif name == "districts":
            vocab.add("district", (r.get("district") for r in raw[name]))
    typed = {name: [t for t in (_typed(row, TABLES[name], vocab, problems) for row in rows) if t] for name, rows in raw.items()}
    if raw["bulletins"] and not agreement.contact:
        problems.append(problem(str(data_dir / "agreement.yaml"), 1, "contact", "section is missing: each bulletin is an e-mail from the office "
                                "(allowed: contact: with the office's email, and optionally office, phone, post, distribution)"))

    from .narrative import load_reports
    from .returns import read_returns

    reports = load_reports(data_dir, problems)
    raw_returns = read_returns(data_dir, agreement, problems)
    if problems and not collect:
        raise DataError(problems)
    data = _build(agreement, typed, reports)
    data.raw_returns = raw_returns
    return data


class _Vocabularies:
    def __init__(self, agreement: model.Agreement):
        self.allowed: dict[str, list[str]] = {
            "set": [c.code for c in agreement.sets],
            "theme": [c.code for c in agreement.themes],
            "status": [c.code for c in agreement.statuses],
            "role": [c.code for c in agreement.roles],
            "relevance": [c.code for c in agreement.relevance_levels],
            "year": ["baseline", *agreement.years, "all", *(p.code for p in agreement.periods)],  # a period: a profiled trajectory point
            "action": list(ACTIONS),
            "better": list(BETTER),
        }
        self.first_ni, self.last_ni = agreement.first_ni, agreement.last_ni
        self.ni_set = agreement.facts["indicator_set"]["name"]

    def add(self, name: str, values) -> None:
        self.allowed[name] = [v for v in values if v]


def _read(data_dir: Path, name: str, problems: list[Problem]) -> list[Row]:
    display = str(data_dir / f"{name}.csv")
    try:
        path = find_table(data_dir, name)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    if path is None:
        if name not in OPTIONAL_TABLES:
            problems.append(problem(display, 0, "", f"file is missing (allowed: {name}.csv or {name}.xlsx in the data folder)"))
        return []
    display = str(path)
    try:
        table = read_table(path, display)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    spec = TABLES[name]
    known = {c.name for c in spec}
    missing = [c.name for c in spec if c.required and c.name not in table.columns]
    for column in missing:
        problems.append(problem(display, 1, column, f"required column is missing from the header (allowed header: {', '.join(c.name for c in spec)})"))
    for column in table.columns:
        if column and column not in known:
            problems.append(problem(display, 1, column, f"unknown column (allowed: {', '.join(c.name for c in spec)})"))
    if missing:
        return []
    if not table.rows and name not in OPTIONAL_TABLES:
        problems.append(problem(display, 2, "", "the table has a header but no rows (allowed: at least one row)"))
    return table.rows


def _typed(row: Row, spec: tuple[Column, ...], vocab: _Vocabularies, problems: list[Problem]) -> dict | None:
    """The row's values converted to their types; None when any value is wrong."""
    before = len(problems)
    out: dict = {"where": model.Where(row.file, row.line)}
    for column in spec:
        text = row.get(column.name)
        if not text:
            if not column.blank:
                problems.append(problem(row.file, row.line, column.name, f"is empty (allowed: {_describe(column, vocab)})"))
            out[column.name] = None if column.kind in ("date", "int", "ni", "number", "nis") else (False if column.kind == "yesno" else "")
            continue
        value, error = _convert(text, column.kind, vocab)
        if error:
            problems.append(problem(row.file, row.line, column.name, error))
        out[column.name] = value
    return out if len(problems) == before else None


def _convert(text: str, kind: str, vocab: _Vocabularies):
    if kind == "text":
        return text, None
    if kind == "date":
        return parse_date(text)
    if kind in ("int", "ni"):
        if not re.fullmatch(r"\d+", text):
            return None, f"'{shown(text)}' is not a whole number (allowed: {'an NI number, ' if kind == 'ni' else ''}digits only)"
        if len(text) > MAX_DIGITS:
            return None, f"'{shown(text)}' is {len(text)} digits long (allowed: {'an NI number ' + str(vocab.first_ni) + ' to ' + str(vocab.last_ni) if kind == 'ni' else f'at most {MAX_DIGITS} digits'})"
        number = int(text)
        if kind == "ni" and not vocab.first_ni <= number <= vocab.last_ni:
            return None, f"NI {number} is outside the {vocab.ni_set} (allowed: {vocab.first_ni} to {vocab.last_ni})"
        return number, None
    if kind == "number":
        if not NUMBER.match(text.replace(",", "")):
            return None, f"'{text}' is not a number (allowed: digits with an optional minus sign and decimal point, e.g. 762 or 9.4)"
        return float(text.replace(",", "")), None
    if kind == "email":
        if not EMAIL.match(text):
            return None, f"'{text}' is not an e-mail address (allowed: name@organisation.domain)"
        return text, None
    if kind == "nis":
        numbers = []
        for part in re.split(r"[;\s]+", text.strip()):
            value, error = _convert(part, "ni", vocab)
            if error:
                return None, f"{error} in '{text}' (allowed: NI numbers separated by semicolons, e.g. 191; 197)"
            numbers.append(value)
        return tuple(numbers), None
    if kind == "yesno":
        if text.lower() not in YES:
            return False, f"'{shown(text)}' is not yes or no (allowed: yes, no)"
        return YES[text.lower()], None
    allowed = vocab.allowed[kind]
    if text not in allowed:
        return None, f"unknown {kind} '{shown(text)}' (allowed: {_list(allowed) or _none_listed(kind)})"
    return text, None




def _none_listed(kind: str) -> str:
    """What to say when a vocabulary is empty: where its entries would be listed."""
    where = {"relevance": "agreement.yaml lists no relevance_levels", "district": "districts.csv lists no district", "partner": "partners.csv lists no partner", "source": "sources.csv lists no source"}
    return "none: " + where.get(kind, f"agreement.yaml lists no {kind}")


def _describe(column: Column, vocab: _Vocabularies) -> str:
    return {
        "text": "any text",
        "date": "a date YYYY-MM-DD",
        "int": "a whole number",
        "ni": f"an NI number {vocab.first_ni} to {vocab.last_ni}",
        "yesno": "yes, no",
        "number": "a number, e.g. 762 or 9.4",
        "email": "an e-mail address",
        "nis": "NI numbers separated by semicolons",
    }.get(column.kind) or _list(vocab.allowed.get(column.kind, [])) or _none_listed(column.kind)


def _list(values: list[str], most: int = 12) -> str:
    shown = ", ".join(values[:most])
    return shown + (f", ... ({len(values)} in all)" if len(values) > most else "")


# --- typed rows -> model --------------------------------------------------------


def _build(agreement: model.Agreement, typed: dict[str, list[dict]], reports: list) -> model.DataSet:
    def records(name: str, cls):
        fields = cls.__dataclass_fields__
        return [cls(**{k: v for k, v in row.items() if k in fields}) for row in typed[name]]

    def with_defaults(name: str, defaults: dict) -> None:
        for row in typed[name]:
            for key, value in defaults.items():
                row.setdefault(key, value)

    with_defaults("indicators", {"replaces": None, "reason": ""})
    with_defaults("signups", {"detail": "", "reason": ""})
    with_defaults("targets", {"designated": False, "reason": "", "number": None, "unit": "", "better": ""})
    with_defaults("statuses", {"commentary": "", "restricted": False, "reason": ""})
    with_defaults("relevance", {"note": ""})
    with_defaults("partners", {"expected": None})
    with_defaults("local_action_plans", {"local_target": "", "no_target_reason": "", "pending": False, "actions": "", "local_partners": ""})
    sources = {s.source: s for s in (model.Source(r["source"], r["title"], r["date"], r["illustrative"]) for r in typed["sources"])}
    return model.DataSet(
        agreement=agreement,
        sources=sources,
        indicators=records("indicators", model.IndicatorChange),
        partners={p.partner: p for p in records("partners", model.Partner)},
        districts=records("districts", model.District),
        signups=records("signups", model.Signup),
        targets=records("targets", model.TargetValue),
        statuses=records("statuses", model.StatusRecord),
        events=records("events", model.Event),
        bulletins=records("bulletins", model.Bulletin),
        relevance=records("relevance", model.Relevance),
        plans=records("local_action_plans", model.PlanEntry),
        reports=reports,
        officers=records("officers", model.Officer),
        news=records("bulletin_news", model.NewsItem),
    )
