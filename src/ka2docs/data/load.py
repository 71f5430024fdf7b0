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
from .names import MAX_NAME, check_unique
from .schema import AGREEMENT_KEYS, AGREEMENT_SECTIONS, CONTACT_KEYS, FACT_KEYS, OPTIONAL_TABLES, REFRESH_KEYS, REQUIRED_FACTS, REWARD_KEYS, TABLES, VOCABULARIES, WORDING_KEYS, Column
from .tables import Row, find_table, read_table
from .values import parse_date, shown
from .yamlfile import LineDict, LineList, line_of, read_yaml

# Tables keyed by a name: (the name's column, what it names).
KEYED = {"sources": ("source", "source"), "partners": ("partner", "partner"), "districts": ("district", "district")}
ACTIONS = ("add", "remove")
MAX_DIGITS = 9  # an NI number is at most 3 digits, an order or bulletin number a few
BETTER = ("higher", "lower")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
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
    agreement = _load_agreement(data_dir, problems)
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


# --- agreement.yaml -------------------------------------------------------------

def _load_agreement(data_dir: Path, problems: list[Problem]) -> model.Agreement | None:
    path = data_dir / "agreement.yaml"
    display = str(path)
    if not path.exists():
        near = [p.name for p in sorted(data_dir.iterdir()) if p.stem.lower() == "agreement" and p.suffix.lower() in (".yml", ".yaml")]
        hint = f"; {near[0]} is here: rename it agreement.yaml" if near else ""
        problems.append(problem(display, 0, "", f"file is missing (allowed: agreement.yaml naming the agreement, its years and vocabularies{hint})"))
        return None
    try:
        doc = read_yaml(path, display)
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(doc, LineDict):
        problems.append(problem(display, 1, "", "expected a mapping of sections (allowed: " + ", ".join(sorted(AGREEMENT_KEYS)) + ")"))
        return None
    before = len(problems)
    _unknown_keys(doc, AGREEMENT_KEYS, display, "", problems)
    facts = doc.get("agreement")
    if not isinstance(facts, LineDict):
        problems.append(problem(display, line_of(doc, "agreement"), "agreement", "section is missing or not a mapping (allowed: name, area, years, ...)"))
        return None
    _unknown_keys(facts, FACT_KEYS, display, "agreement", problems)
    _text_values(facts, FACTS_NOT_TEXT, display, "agreement", problems)
    for key, value in facts.items():  # names go into every title and document property
        if isinstance(value, str) and len(value) > MAX_NAME:
            problems.append(problem(display, line_of(facts, key), f"agreement.{key}", f"is {len(value)} characters long (allowed: at most {MAX_NAME})"))
    for key in sorted(REQUIRED_FACTS - set(facts)):
        problems.append(problem(display, line_of(doc, "agreement"), f"agreement.{key}", "is missing (allowed: " + ", ".join(sorted(REQUIRED_FACTS)) + " are required)"))
    years = facts.get("years")
    if not (isinstance(years, list) and years and all(isinstance(y, str) and y for y in years)):
        problems.append(problem(display, line_of(facts, "years"), "agreement.years", "must be a list of year labels (allowed: e.g. [08/09, 09/10, 10/11])"))
        years = []
    deadline = facts.get("submission_deadline")
    if deadline is not None:
        value, error = parse_date(str(deadline))
        if error:
            problems.append(problem(display, line_of(facts, "submission_deadline"), "agreement.submission_deadline", error))
        facts["submission_deadline"] = value
    if "refresh" in facts:
        facts["refresh"] = _refresh(facts, display, problems)
    markings = facts.get("markings", {})
    if not (isinstance(markings, dict) and set(markings) <= {"part1", "part2"} and all(isinstance(v, str) and v.strip() for v in markings.values())):
        problems.append(problem(display, line_of(facts, "markings"), "agreement.markings",
                                "must map part1 and part2 to the protective marking each prints (allowed: e.g. part1: Unrestricted, part2: Restricted (Part 2))"))
        facts["markings"] = {}
    ni_set = facts.get("indicator_set")
    first, last = (ni_set.get("first"), ni_set.get("last")) if isinstance(ni_set, dict) else (None, None)
    if not (isinstance(ni_set, dict) and str(first).isdigit() and str(last).isdigit() and len(str(last)) <= MAX_DIGITS and int(first) <= int(last) and ni_set.get("name")):
        problems.append(problem(display, line_of(facts, "indicator_set"), "agreement.indicator_set", "must give name, first and last, first no more than last (allowed: e.g. name: National Indicator Set, first: 1, last: 198)"))
        first, last = 1, 0
    vocabularies = {}
    for key in ("sets", "statuses", "roles", "themes", "relevance_levels"):
        vocabularies[key] = _codes(doc, key, display, problems)
    if vocabularies["roles"] and "lead" not in [r.code for r in vocabularies["roles"]]:  # (a missing section is said already)
        problems.append(problem(display, line_of(doc, "roles") if "roles" in doc else 0, "roles", "has no 'lead' role (allowed: roles must include lead; every indicator needs one)"))
    reward = doc.get("reward_grant") or LineDict()
    if not isinstance(reward, LineDict):
        problems.append(problem(display, line_of(doc, "reward_grant"), "reward_grant", "must be a mapping (allowed: " + ", ".join(sorted(REWARD_KEYS)) + ")"))
    else:
        _unknown_keys(reward, REWARD_KEYS, display, "reward_grant", problems)
        _text_values(reward, {"estimate_range"}, display, "reward_grant", problems)
        for key in sorted(REWARD_NUMBERS & set(reward)):
            try:
                float(reward[key])
            except ValueError:
                problems.append(problem(display, line_of(reward, key), f"reward_grant.{key}", f"'{shown(reward[key])}' is not a number (allowed: digits, e.g. 0.5 or 20000000)"))
    contact = _contact(doc, display, problems)
    from .periods import read_monitoring

    monitoring = read_monitoring(doc, display, list(years), problems) if "monitoring" in doc else {}
    if len(problems) > before:
        return None
    return model.Agreement(
        facts=dict(facts), years=list(years), reward_grant=dict(reward), first_ni=int(first), last_ni=int(last), contact=contact, monitoring=monitoring, **vocabularies,
    )


EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def _contact(doc: LineDict, display: str, problems: list[Problem]) -> dict:
    """Who the bulletin comes from (the office's name, e-mail, phone) and the list it goes to."""
    node = doc.get("contact")
    if node is None:
        return {}
    allowed = ", ".join(sorted(CONTACT_KEYS))
    if not isinstance(node, LineDict):
        problems.append(problem(display, line_of(doc, "contact"), "contact", f"must be a mapping (allowed: {allowed})"))
        return {}
    _unknown_keys(node, CONTACT_KEYS, display, "contact", problems)
    out = {k: str(v).strip() for k, v in node.items() if k in CONTACT_KEYS and v is not None}
    for key in ("email", "distribution_address"):
        if key in out and not EMAIL.fullmatch(out[key]):
            problems.append(problem(display, line_of(node, key), f"contact.{key}", f"'{out[key]}' is not an e-mail address (allowed: e.g. office@example.gov.uk)"))
    if "email" not in out:
        problems.append(problem(display, node.line, "contact.email", f"is missing (allowed: the office's e-mail address; keys: {allowed})"))
    return out


def _refresh(facts: LineDict, display: str, problems: list[Problem]) -> dict:
    """The annual refresh: the date of the submission it compares with, and its own date."""
    node = facts["refresh"]
    allowed = "label, submitted: YYYY-MM-DD, date: YYYY-MM-DD, source"
    if not isinstance(node, LineDict):
        problems.append(problem(display, line_of(facts, "refresh"), "agreement.refresh", f"must be a mapping (allowed: {allowed})"))
        return {}
    before = len(problems)
    _unknown_keys(node, REFRESH_KEYS, display, "agreement.refresh", problems)
    out = {"label": str(node.get("label") or ""), "source": str(node.get("source") or "")}
    for key in ("submitted", "date"):
        if key not in node:
            problems.append(problem(display, node.line, f"agreement.refresh.{key}", f"is missing (allowed: {allowed})"))
            continue
        out[key], error = parse_date(str(node[key]))
        if error:
            problems.append(problem(display, line_of(node, key), f"agreement.refresh.{key}", error))
    if len(problems) == before and out["submitted"] > out["date"]:
        problems.append(problem(display, line_of(node, "date"), "agreement.refresh.date", f"{out['date']} is before the submission {out['submitted']} (allowed: a refresh after the submission)"))
    return out


def _codes(doc: LineDict, key: str, display: str, problems: list[Problem]) -> list[model.Code]:
    items = doc.get(key)
    if not AGREEMENT_SECTIONS[key].required and (items is None or items == []):
        return []  # a vocabulary only some areas use (relevance ratings of district councils)
    if not isinstance(items, LineList) or not items:
        # A missing section has no line of its own: the file as a whole is named, not its first key.
        line = line_of(doc, key) if key in doc else 0
        problems.append(problem(display, line, key, "section is missing or empty (allowed: a list of entries with code and label)"))
        return []
    out, seen = [], set()
    for index, item in enumerate(items):
        line = line_of(items, index)
        if not isinstance(item, LineDict):
            problems.append(problem(display, line, key, "entry is not a mapping (allowed: code, label, ...)"))
            continue
        _unknown_keys(item, set(VOCABULARIES[key]), display, key, problems)
        code, label = item.get("code"), item.get("label") or item.get("name")
        if not code or not label:
            problems.append(problem(display, line, key, "entry needs a code and a label (allowed: code: ..., label: ...)"))
            continue
        if code in seen:
            problems.append(problem(display, line, f"{key}.code", f"'{code}' appears twice (allowed: each code once)"))
        seen.add(code)
        limit = item.get("limit")
        if limit is not None and not (isinstance(limit, int) and not isinstance(limit, bool) and 0 <= limit < 10**MAX_DIGITS):
            problems.append(problem(display, line_of(item, "limit"), f"{key}.limit", f"'{shown(str(limit))}' is not a whole number (allowed: the most indicators the set may hold, e.g. 35)"))
            continue
        if not _text_values(item, CODE_NOT_TEXT, display, key, problems):
            continue
        extra = {k: v for k, v in item.items() if k not in ("code", "label")}
        if "wording" in item:
            extra["wording"] = _wording(item, f"{key}.wording", display, problems)
        out.append(model.Code(str(code), str(label), extra))
    return out


def _wording(item: LineDict, name: str, display: str, problems: list[Problem]) -> list[dict]:
    """An entry's later wordings, each from its date on (a status that speaks of a deadline
    reads differently once the deadline has passed), sorted by date."""
    allowed = "a list of mappings with from: YYYY-MM-DD and label and/or short"
    items = item["wording"]
    if not isinstance(items, LineList):
        problems.append(problem(display, line_of(item, "wording"), name, f"must be a list (allowed: {allowed})"))
        return []
    out = []
    for index, entry in enumerate(items):
        line = line_of(items, index)
        if not isinstance(entry, LineDict) or "from" not in entry or not ({"label", "short"} & set(entry)):
            problems.append(problem(display, line, name, f"entry needs from and a label or short (allowed: {allowed})"))
            continue
        _unknown_keys(entry, WORDING_KEYS, display, name, problems)
        day, error = parse_date(str(entry["from"]))
        if error:
            problems.append(problem(display, line_of(entry, "from"), f"{name}.from", error))
            continue
        out.append({"from": day, **{k: str(v) for k, v in entry.items() if k in ("label", "short")}})
    return sorted(out, key=lambda w: w["from"])


# Keys of agreement.yaml that hold something other than text; every other value is text.
FACTS_NOT_TEXT = {"years", "indicator_set", "refresh", "markings", "submission_deadline"}
CODE_NOT_TEXT = {"limit", "signed", "outcomes", "wording"}
REWARD_NUMBERS = {"national_pot", "area_share", "previous_agreement_total"}


def _text_values(node: LineDict, not_text: set[str], display: str, prefix: str, problems: list[Problem]) -> bool:
    """Text keys as text: `office: 5` becomes '5'; an empty or list value is a problem (a
    template would otherwise meet None). `signed` is true/false (yes/no accepted). False
    when anything was wrong."""
    before = len(problems)
    for key, value in list(node.items()):
        where = f"{prefix}.{key}" if prefix else str(key)
        if key == "signed":
            flag = {"yes": True, "no": False, "true": True, "false": False}.get(str(value).lower())
            if flag is None:
                problems.append(problem(display, line_of(node, key), where, f"'{shown(str(value))}' is not true or false (allowed: true, false)"))
            node[key] = flag
        elif key in not_text:
            continue
        elif value is None or isinstance(value, dict | list):
            problems.append(problem(display, line_of(node, key), where, f"is {'empty' if value is None else 'not a single value'} (allowed: text)"))
        elif not isinstance(value, str):
            node[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return len(problems) == before


def _unknown_keys(node: LineDict, allowed: set[str], display: str, prefix: str, problems: list[Problem]) -> None:
    for key in node:
        if key not in allowed:
            name = f"{prefix}.{key}" if prefix else str(key)
            problems.append(problem(display, line_of(node, key), name, "unknown key (allowed: " + ", ".join(sorted(allowed)) + ")"))


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
