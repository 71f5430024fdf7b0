"""Rules that need more than one row: duplicates, references, and the as-at rules.

Row-level typing happens while loading; here every cross-check runs and every problem
is collected, so a user fixes the whole file in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

from . import model
from .errors import Problem, problem, settle, warning
from .history import position


def check(data_dir, as_at: dt.date, *, strict: bool = False, warnings: list[Problem] | None = None) -> model.DataSet:
    """Load and validate together: every command reads the data this way.

    Errors from loading and from the cross-row rules are raised together (DataError).
    Warnings (the gaps of an agreement still under negotiation, such as an indicator with
    no lead yet) go into `warnings`: a build must still produce the sign-up matrix that
    shows them, so the office can chase them. strict turns every warning into an error.
    """
    from .data.load import load

    problems: list[Problem] = []
    data = load(data_dir, problems)
    found = validate(data, as_at, problems, strict=strict)
    if warnings is not None:
        warnings.extend(found)
    return data


def validate(data: model.DataSet, as_at: dt.date, problems: list[Problem] | None = None, *, strict: bool = False) -> list[Problem]:
    """Raise DataError with every cross-row error (and any already in `problems`); return the warnings."""
    problems = problems if problems is not None else []
    _duplicates(data, problems)
    _indicator_rows(data, problems)
    _references(data, problems)
    _as_at_rules(data, as_at, problems)
    _monitoring_rows(data, problems)
    from .validate_returns import check_returns

    check_returns(data, problems)
    problems.extend(negotiation_gaps(data, as_at))
    return settle(problems, strict)


def _at(record, column: str, message: str) -> Problem:
    return problem(record.where.file, record.where.line, column, message)


def _duplicates(data: model.DataSet, problems: list[Problem]) -> None:
    checks = [
        (data.indicators, lambda r: (r.date, r.ni), "ni", "the same NI is listed twice on {date}", "one row per NI per date; a later date supersedes"),
        (data.signups, lambda r: (r.date, r.ni, r.partner), "partner", "{partner} is signed to NI {ni} twice on {date}", "one row per partner and NI per date"),
        (data.targets, lambda r: (r.date, r.ni, r.measure, r.year), "year", "NI {ni} has two {year} values on {date}", "one row per NI, measure and year per date"),
        (data.statuses, lambda r: (r.date, r.ni), "ni", "NI {ni} has two statuses on {date}", "one status per NI per date"),
        (data.relevance, lambda r: (r.date, r.district, r.ni), "ni", "NI {ni} is rated twice for {district} on {date}", "one row per district and NI per date"),
        (data.plans, lambda r: (r.date, r.district, r.ni), "ni", "NI {ni} is in {district}'s plan twice on {date}", "one row per district and NI per date"),
        (data.bulletins, lambda r: r.number, "number", "bulletin {number} is listed twice", "each bulletin number once"),
        (data.districts, lambda r: r.district, "district", "{district} is listed twice", "each district once"),
    ]
    for rows, key, column, message, allowed in checks:
        seen: dict = {}
        for row in rows:
            k = key(row)
            if k in seen:
                fields = {name: getattr(row, name, "") for name in ("date", "ni", "partner", "year", "district", "number")}
                problems.append(_at(row, column, f"duplicate: {message.format(**fields)}, first at line {seen[k].where.line} (allowed: {allowed})"))
            else:
                seen[k] = row


def _indicator_rows(data: model.DataSet, problems: list[Problem]) -> None:
    main_set = data.agreement.sets[0].code
    known = {c.ni for c in data.indicators}
    for change in data.indicators:
        if change.action != "add":
            continue
        for column, value in (("title", change.title), ("set", change.set), ("order", change.order)):
            if not value:
                problems.append(_at(change, column, f"is empty on an 'add' row (allowed: the indicator's {column})"))
        if change.set == main_set and not change.theme:
            problems.append(_at(change, "theme", "is empty (allowed: " + ", ".join(t.code for t in data.agreement.themes) + ")"))
        if change.replaces is not None and change.replaces not in known:
            problems.append(_at(change, "replaces", f"NI {change.replaces} is not in indicators.csv (allowed: an NI this agreement had)"))


def _membership(data: model.DataSet) -> dict[int, list[tuple[dt.date, bool]]]:
    events: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for change in sorted(data.indicators, key=lambda c: c.date):
        events[change.ni].append((change.date, change.action == "add"))
    return events


def _in_agreement(events: list[tuple[dt.date, bool]], date: dt.date) -> bool:
    state = False
    for when, added in events:
        if when > date:
            break
        state = added
    return state


def _references(data: model.DataSet, problems: list[Problem]) -> None:
    membership = _membership(data)
    rows = [*data.signups, *data.targets, *data.statuses, *data.relevance, *data.plans]
    for row in rows:
        if row.ni is None:
            continue
        if row.ni not in membership:
            problems.append(_at(row, "ni", f"NI {row.ni} is not in the agreement (allowed: an NI listed in indicators.csv)"))
        elif not _in_agreement(membership[row.ni], row.date):
            problems.append(_at(row, "date", f"NI {row.ni} is not in the agreement on {row.date} (allowed: a date when indicators.csv has it added and not removed)"))
    numbers = sorted(data.bulletins, key=lambda b: b.number)
    for earlier, later in pairwise(numbers):
        if later.date <= earlier.date:
            problems.append(_at(later, "date", f"bulletin {later.number} is dated {later.date}, not after bulletin {earlier.number} ({earlier.date}) (allowed: later numbers on later dates)"))
    _news(data, problems)


def _news(data: model.DataSet, problems: list[Problem]) -> None:
    """Each news item belongs to a bulletin in the schedule and is written by its date."""
    dates = {b.number: b.date for b in data.bulletins}
    for item in data.news:
        if item.bulletin not in dates:
            allowed = ", ".join(str(n) for n in sorted(dates)) or "none: bulletins.csv lists no bulletin"
            problems.append(_at(item, "bulletin", f"bulletin {item.bulletin} is not in the schedule (allowed: {allowed})"))
        elif item.date > dates[item.bulletin]:
            problems.append(_at(item, "date", f"{item.date} is after bulletin {item.bulletin}'s date {dates[item.bulletin]} (allowed: on or before the bulletin's date)"))


def _monitoring_rows(data: model.DataSet, problems: list[Problem]) -> None:
    """Figures the monitoring compares need a direction; officers hold indicators the agreement has."""
    for row in data.targets:
        if row.number is not None and not row.better:
            problems.append(_at(row, "better", "is empty on a row with a number (allowed: higher, lower: which way is an improvement)"))
        if row.number is None and (row.unit or row.better):
            problems.append(_at(row, "number", "is empty on a row with a unit or direction (allowed: the figure the value gives, e.g. 762)"))
    known = {c.ni for c in data.indicators}
    seen: dict = {}
    for officer in data.officers:
        for ni in officer.indicators:
            if ni not in known:
                problems.append(_at(officer, "indicators", f"NI {ni} is not in the agreement (allowed: an NI listed in indicators.csv)"))
        if (officer.officer, officer.date) in seen:
            problems.append(_at(officer, "officer", f"duplicate: {officer.officer} is listed twice on {officer.date}, first at line {seen[(officer.officer, officer.date)]} (allowed: one row per officer per date)"))
        seen[(officer.officer, officer.date)] = officer.where.line
    monitoring = data.agreement.monitoring
    sources = [monitoring.get("source", ""), *(p.returns_source for p in data.agreement.periods)]
    for source in sources:
        if source and source not in data.sources:
            problems.append(problem("agreement.yaml", 0, "monitoring", f"source '{source}' is not in sources.csv (allowed: {', '.join(data.sources)})"))


def negotiation_gaps(data: model.DataSet, as_at: dt.date) -> list[Problem]:
    """What the agreement still lacks as at the date: every negotiated indicator needs a lead."""
    return [
        warning(indicator.added.where.file, indicator.added.where.line, "ni", f"NI {indicator.ni} has no lead partner as at {as_at} (allowed: at least one signups.csv row with role lead on or before that date)")
        for indicator in position(data, as_at).negotiated
        if not indicator.leads
    ]


def _as_at_rules(data: model.DataSet, as_at: dt.date, problems: list[Problem]) -> None:
    main = data.agreement.sets[0]
    negotiated = position(data, as_at).negotiated
    limit = main.get("limit")
    if limit and len(negotiated) > int(limit):
        last = negotiated[-1].added
        problems.append(_at(last, "set", f"{len(negotiated)} indicators are in '{main.code}' as at {as_at} (allowed: at most {limit})"))
