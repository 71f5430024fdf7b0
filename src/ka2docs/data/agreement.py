"""Read agreement.yaml: the area's names, years, vocabularies and rules, every problem located.

Everything the code must not know about an area lives in this file; schema.py declares
its keys and what each feeds.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import model
from ..errors import DataError, Problem, problem
from .names import MAX_NAME
from .schema import AGREEMENT_KEYS, AGREEMENT_SECTIONS, CONTACT_KEYS, FACT_KEYS, REFRESH_KEYS, REQUIRED_FACTS, REWARD_KEYS, VOCABULARIES, WORDING_KEYS
from .values import MAX_DIGITS, parse_date, shown
from .yamlfile import LineDict, LineList, line_of, read_yaml, unknown_keys


def load_agreement(data_dir: Path, problems: list[Problem]) -> model.Agreement | None:
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
    unknown_keys(doc, AGREEMENT_KEYS, display, "", problems)
    facts = doc.get("agreement")
    if not isinstance(facts, LineDict):
        problems.append(problem(display, line_of(doc, "agreement"), "agreement", "section is missing or not a mapping (allowed: name, area, years, ...)"))
        return None
    unknown_keys(facts, FACT_KEYS, display, "agreement", problems)
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
        unknown_keys(reward, REWARD_KEYS, display, "reward_grant", problems)
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
    unknown_keys(node, CONTACT_KEYS, display, "contact", problems)
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
    unknown_keys(node, REFRESH_KEYS, display, "agreement.refresh", problems)
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
        unknown_keys(item, set(VOCABULARIES[key]), display, key, problems)
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
        unknown_keys(entry, WORDING_KEYS, display, name, problems)
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
