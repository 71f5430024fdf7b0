"""As-at resolution: the position on any date, and what changed between two dates.

A later row for the same thing supersedes an earlier one from its date on; a row dated
after the as-at date does not exist yet. Nothing here reads files or knows formats.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field

from .. import model


@dataclass
class IndicatorPosition:
    ni: int
    title: str
    set: str
    theme: str
    order: int
    replaces: int | None
    added: model.IndicatorChange
    values: dict[tuple[str, str], model.TargetValue] = field(default_factory=dict)
    status: model.StatusRecord | None = None
    signups: list[model.Signup] = field(default_factory=list)
    # What documents work out from this indicator alone (context.submission's rows), kept with it:
    # all the dates on which it has the same rows share this object (see _position).
    worked_out: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"NI {self.ni}"

    @property
    def measures(self) -> list[str]:
        seen: dict[str, None] = {}
        for measure, _ in self.values:
            seen.setdefault(measure, None)
        return list(seen)

    def value(self, measure: str, year: str) -> str:
        record = self.values.get((measure, year))
        return record.value if record else ""

    def partners(self, role: str) -> list[model.Signup]:
        return [s for s in self.signups if s.role == role]

    @property
    def leads(self) -> list[model.Signup]:
        return self.partners("lead")

    @property
    def designated(self) -> bool:
        return any(v.designated for v in self.values.values())

    def records(self) -> list:
        """Every dated record this indicator shows, to tell whether any is illustrative."""
        return [self.added, *self.values.values(), *([self.status] if self.status else []), *self.signups]


@dataclass
class Position:
    """The agreement as it stood on one date."""

    data: model.DataSet
    as_at: dt.date
    indicators: list[IndicatorPosition]

    @property
    def agreement(self) -> model.Agreement:
        return self.data.agreement

    def by_ni(self, ni: int) -> IndicatorPosition | None:
        return next((i for i in self.indicators if i.ni == ni), None)

    def in_set(self, code: str) -> list[IndicatorPosition]:
        return [i for i in self.indicators if i.set == code]

    @property
    def main_set(self) -> str:
        """The negotiated 'up to 35' block: the first set agreement.yaml lists."""
        return self.agreement.sets[0].code

    @functools.cached_property
    def negotiated(self) -> list[IndicatorPosition]:
        return self.in_set(self.main_set)  # once per position: bulletins count it at every date so far

    def status_counts(self, indicators: list[IndicatorPosition] | None = None) -> dict[str, int]:
        counts = Counter(i.status.status for i in (indicators if indicators is not None else self.negotiated) if i.status)
        return {s.code: counts.get(s.code, 0) for s in self.agreement.statuses}

    def by_theme(self, indicators: list[IndicatorPosition] | None = None) -> list[tuple[model.Code, list[IndicatorPosition]]]:
        indicators = self.negotiated if indicators is None else indicators
        return [(t, [i for i in indicators if i.theme == t.code]) for t in self.agreement.themes if any(i.theme == t.code for i in indicators)]

    def groups(self, indicators: list[IndicatorPosition] | None = None) -> list[tuple[model.Code, list[IndicatorPosition]]]:
        """The submission's order: the negotiated set by theme, then each other set as one group."""
        indicators = self.indicators if indicators is None else indicators
        out = self.by_theme([i for i in indicators if i.set == self.main_set])
        for other in self.agreement.sets[1:]:
            members = [i for i in indicators if i.set == other.code]
            if members:
                out.append((other, members))
        return out

    def signed_partners(self) -> list[str]:
        """Partners signed up to at least one indicator, in partners.csv order."""
        signed = {s.partner for i in self.indicators for s in i.signups}
        return [p for p in self.data.partners if p in signed]

    def illustrative(self, records) -> bool:
        return any(self.data.is_illustrative(r.source) for r in records)

    # Every as-at question a document asks: nothing outside history filters rows by date.

    def at(self, day: dt.date) -> Position:
        """The position on another date (a bulletin's, a report's), from the same data."""
        return position(self.data, day)

    def has_come(self, day: dt.date) -> bool:
        return day <= self.as_at

    @functools.cached_property
    def districts(self) -> list[model.District]:
        return [d for d in self.data.districts if d.date <= self.as_at]

    def listed_partners(self) -> list[model.Partner]:
        """Partners listed by this date, and any signed up already (a sign-up may predate the listing)."""
        signed = {s.partner for i in self.indicators for s in i.signups}
        return [p for p in self.data.partners.values() if p.date <= self.as_at or p.partner in signed]

    def plan_rows(self, district: str) -> dict[int, model.PlanEntry]:
        """A district's Local Action Plan rows by NI, as its LSP had chosen them by this date."""
        return latest((r for r in self.data.plans if r.district == district), self.as_at, lambda r: r.ni)

    def relevance(self, district: str) -> dict[int, model.Relevance]:
        return latest((r for r in self.data.relevance if r.district == district), self.as_at, lambda r: r.ni)

    def events_ahead(self) -> list[model.Event]:
        """Key dates after this one, soonest first."""
        return sorted((e for e in self.data.events if e.date > self.as_at), key=lambda e: e.date)


def latest(rows, as_at: dt.date, key):
    """The newest row on or before as_at for each key (file order breaks ties: last wins)."""
    current: dict = {}
    for row in sorted((r for r in rows if r.date <= as_at), key=lambda r: r.date):
        current[key(row)] = row
    return current


TABLES = ("indicators", "targets", "statuses", "signups")  # the dated rows of an indicator
NO_ROWS: tuple[list, list] = ([], [])  # the dates and rows of an indicator a table has none for


def position(data: model.DataSet, as_at: dt.date) -> Position:
    """The agreement as it stood on a date (worked out once per data set and date)."""
    return data.kept(("position", as_at), lambda: _position(data, as_at))


def _position(data: model.DataSet, as_at: dt.date) -> Position:
    tables = {name: data.kept(("by NI", name), lambda name=name: _by_ni(getattr(data, name))) for name in TABLES}
    # An indicator's position depends on its own rows dated on or before as_at and on nothing
    # else, so it is worked out once for all the dates with the same rows (a bulletin schedule's
    # dates share most) and shared by them, with what is worked out from it (worked_out).
    shared = data.kept("indicators", dict)
    indicators = []
    for ni in tables["indicators"]:
        own = [tables[name].get(ni, NO_ROWS) for name in TABLES]
        counts = tuple(bisect.bisect_right(dates, as_at) for dates, _ in own)
        if (ni, counts) not in shared:
            shared[(ni, counts)] = _indicator(data, as_at, *(rows[:n] for (_, rows), n in zip(own, counts)))
        if shared[(ni, counts)] is not None:
            indicators.append(shared[(ni, counts)])
    set_order = {s.code: n for n, s in enumerate(data.agreement.sets)}
    ordered = sorted(indicators, key=lambda i: (set_order.get(i.set, 99), i.order, i.ni))
    return Position(data, as_at, ordered)


def _by_ni(rows: list) -> dict[int, tuple[list[dt.date], list]]:
    """One table's rows by NI, each NI's sorted by date (file order within a date), with their dates."""
    grouped: dict[int, list] = {}
    for row in sorted(rows, key=lambda r: r.date):
        grouped.setdefault(row.ni, []).append(row)
    return {ni: ([r.date for r in group], group) for ni, group in grouped.items()}


def _indicator(data: model.DataSet, as_at: dt.date, changes: list, targets: list, statuses: list, signups: list) -> IndicatorPosition | None:
    """One indicator as at a date from its rows up to then, each list sorted by date; None when it is not in the agreement."""
    if not changes or changes[-1].action != "add":
        return None
    c = changes[-1]
    indicator = IndicatorPosition(c.ni, c.title, c.set, c.theme, c.order or 0, c.replaces, c)
    values = latest(targets, as_at, lambda r: (r.measure, r.year))
    indicator.values = dict(sorted(((k, v) for k, v in values.items() if v.value), key=lambda kv: (kv[1].where.file, kv[1].where.line)))
    indicator.status = statuses[-1] if statuses else None
    signed_roles = {r.code for r in data.agreement.roles if r.get("signed", True) is not False}
    role_order = {r.code: n for n, r in enumerate(data.agreement.roles)}
    # Lead first, then statutory, then non-statutory, each in the order the file lists them.
    signed = [s for s in latest(signups, as_at, lambda r: r.partner).values() if s.role in signed_roles]
    indicator.signups = sorted(signed, key=lambda s: (role_order[s.role], s.where.file, s.where.line))
    return indicator
