"""As-at resolution: the position on any date, and what changed between two dates.

A later row for the same thing supersedes an earlier one from its date on; a row dated
after the as-at date does not exist yet. Nothing here reads files or knows formats.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field, replace

from . import model


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

    def signed_partners(self) -> list[str]:
        """Partners signed up to at least one indicator, in partners.csv order."""
        signed = {s.partner for i in self.indicators for s in i.signups}
        return [p for p in self.data.partners if p in signed]

    def illustrative(self, records) -> bool:
        return any(self.data.is_illustrative(r.source) for r in records)


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


# --- changes between two dates ----------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that differs between two dates, with its old and new value."""

    date: dt.date
    ni: int
    kind: str  # indicator | status | baseline | target | designation | sign-up | rag
    item: str  # what, within the indicator: measure/year, partner...
    old: str
    new: str
    reason: str
    source: str
    restricted: bool = False
    old_source: str = ""  # the source of the old value, so a document can mark it too

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(), "ni": self.ni, "kind": self.kind, "item": self.item,
            "old": self.old, "new": self.new, "reason": self.reason, "source": self.source,
        }

    @property
    def what(self) -> str:
        """What changed, in words: 'status', 'target 10/11 (All persons)', 'sign-up: Natural England'."""
        if self.kind == "indicator":
            return f"indicator {self.item}"
        if self.kind == "status":
            return self.item
        if self.kind == "sign-up":
            return f"sign-up: {self.item}"
        if self.kind == "rag":
            return "RAG against the trajectory" + (f" ({self.item})" if self.item else "")
        measure, _, year = self.item.rpartition(", ")
        when = "" if year == "baseline" else (" for the whole period" if year == "all" else f" {year}")
        return f"{self.kind}{when}" + (f" ({measure})" if measure else "")

    def public(self) -> Change | None:
        """This change as a Part 1 document may show it, or None.

        A status move is public (the Part 1 submission shows every status) but a
        restricted row's reason is not; restricted commentary is never public.
        """
        if not self.restricted:
            return self
        if self.kind == "status" and self.item == "status":
            return replace(self, reason="", restricted=False)
        return None


def public(changes: list[Change]) -> list[Change]:
    """The changes a Part 1 document may show."""
    return [c for c in (change.public() for change in changes) if c is not None]


def changes(data: model.DataSet, since: dt.date, as_at: dt.date) -> list[Change]:
    """Everything that differs between the position on `since` and on `as_at`."""
    before, after = position(data, since), position(data, as_at)
    agreement = data.agreement
    out: list[Change] = []
    old_by_ni = {i.ni: i for i in before.indicators}
    new_by_ni = {i.ni: i for i in after.indicators}
    for ni in sorted(set(old_by_ni) | set(new_by_ni)):
        old, new = old_by_ni.get(ni), new_by_ni.get(ni)
        if old is new:
            continue  # the same rows on both dates (see _position)
        if old is None or new is None:
            out.append(_indicator_change(data, ni, old, new, as_at))
            if new is None:
                continue
        _status_change(out, agreement, old, new)
        _value_changes(out, old, new, data, as_at)
        _signup_changes(out, agreement, old, new, data, as_at)
    from .monitoring import rag_changes  # RAG comes from the returns, dated like any row

    out += rag_changes(data, since, as_at)
    return sorted(out, key=lambda c: (c.date, _kind_order(c.kind), c.ni, c.item))


def _kind_order(kind: str) -> int:
    return ["indicator", "status", "baseline", "target", "designation", "sign-up", "rag"].index(kind)


def _indicator_change(data, ni, old, new, as_at) -> Change:
    if new is not None:
        record = new.added
        text = f"NI {ni} {new.title}" + (f" (replaces NI {new.replaces})" if new.replaces else "")
        return Change(record.date, ni, "indicator", "added", "", text, record.reason, record.source)
    removal = latest([c for c in data.indicators if c.ni == ni], as_at, lambda r: r.ni)[ni]
    return Change(removal.date, ni, "indicator", "removed", f"NI {ni} {old.title}", "", removal.reason, removal.source)


def _status_change(out, agreement, old, new) -> None:
    o, n = (old.status if old else None), new.status
    if n is None or (o and (o.status, o.commentary) == (n.status, n.commentary)):
        return
    old_text = agreement.entry("statuses", o.status).get("short", o.status) if o else ""
    new_text = agreement.entry("statuses", n.status).get("short", n.status)
    if o and o.status == n.status:
        old_text, new_text = o.commentary, n.commentary
    out.append(Change(n.date, new.ni, "status", "status" if not o or o.status != n.status else "commentary", old_text, new_text, n.reason, n.source, n.restricted or bool(o and o.restricted), o.source if o else ""))


def _value_changes(out, old, new, data, as_at) -> None:
    old_values = old.values if old else {}
    for key in dict.fromkeys([*old_values, *new.values]):
        o, n = old_values.get(key), new.values.get(key)
        measure, year = key
        item = f"{measure}, {year}" if measure else year
        kind = "baseline" if year == "baseline" else "target"
        old_source = o.source if o else ""
        if (o.value if o else "") != (n.value if n else ""):
            record = n or latest(data.targets, as_at, lambda r: (r.ni, r.measure, r.year))[(new.ni, *key)]  # the withdrawal
            out.append(Change(record.date, new.ni, kind, item, o.value if o else "", n.value if n else "", record.reason, record.source, old_source=old_source))
        # A new value may arrive designated; a withdrawn value's change already says it went.
        if n and n.designated != bool(o and o.designated):
            out.append(Change(n.date, new.ni, "designation", item, _yes(bool(o and o.designated)), _yes(n.designated), n.reason, n.source, old_source=old_source))


def _yes(flag: bool) -> str:
    return "designated" if flag else "not designated"


def _signup_changes(out, agreement, old, new, data, as_at) -> None:
    old_roles = {s.partner: s for s in old.signups} if old else {}
    new_roles = {s.partner: s for s in new.signups}
    for partner in dict.fromkeys([*old_roles, *new_roles]):
        o, n = old_roles.get(partner), new_roles.get(partner)
        if o and n and o.role == n.role:
            continue
        record = n or latest(data.signups, as_at, lambda r: (r.ni, r.partner))[(new.ni, partner)]  # the withdrawal
        out.append(Change(
            record.date, new.ni, "sign-up", partner,
            agreement.label("roles", o.role) if o else "", agreement.label("roles", n.role) if n else "",
            record.reason, record.source, old_source=o.source if o else "",
        ))
