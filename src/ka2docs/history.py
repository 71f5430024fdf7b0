"""As-at resolution: the position on any date, and what changed between two dates.

A later row for the same thing supersedes an earlier one from its date on; a row dated
after the as-at date does not exist yet. Nothing here reads files or knows formats.
"""

from __future__ import annotations

import datetime as dt
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

    @property
    def negotiated(self) -> list[IndicatorPosition]:
        return self.in_set(self.main_set)

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


def position(data: model.DataSet, as_at: dt.date) -> Position:
    signed_roles = {r.code for r in data.agreement.roles if r.get("signed", True) is not False}
    changes = latest(data.indicators, as_at, lambda r: r.ni)
    set_order = {s.code: n for n, s in enumerate(data.agreement.sets)}
    indicators = {
        c.ni: IndicatorPosition(c.ni, c.title, c.set, c.theme, c.order or 0, c.replaces, c)
        for c in changes.values()
        if c.action == "add"
    }
    for (ni, measure, year), value in latest(data.targets, as_at, lambda r: (r.ni, r.measure, r.year)).items():
        if ni in indicators and value.value:
            indicators[ni].values[(measure, year)] = value
    for ni, status in latest(data.statuses, as_at, lambda r: r.ni).items():
        if ni in indicators:
            indicators[ni].status = status
    role_order = {r.code: n for n, r in enumerate(data.agreement.roles)}
    for (ni, _), signup in latest(data.signups, as_at, lambda r: (r.ni, r.partner)).items():
        if ni in indicators and signup.role in signed_roles:
            indicators[ni].signups.append(signup)
    for indicator in indicators.values():
        # Lead first, then statutory, then non-statutory, each in the order the file lists them.
        indicator.signups.sort(key=lambda s: (role_order[s.role], s.where.file, s.where.line))
        indicator.values = dict(sorted(indicator.values.items(), key=lambda kv: (kv[1].where.file, kv[1].where.line)))
    ordered = sorted(indicators.values(), key=lambda i: (set_order.get(i.set, 99), i.order, i.ni))
    return Position(data, as_at, ordered)


# --- changes between two dates ----------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that differs between two dates, with its old and new value."""

    date: dt.date
    ni: int
    kind: str  # indicator | status | baseline | target | designation | sign-up
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
    # The newest raw rows, withdrawals and cleared values included, date a removal.
    raw_values = latest(data.targets, as_at, lambda r: (r.ni, r.measure, r.year))
    raw_signups = latest(data.signups, as_at, lambda r: (r.ni, r.partner))
    old_by_ni = {i.ni: i for i in before.indicators}
    new_by_ni = {i.ni: i for i in after.indicators}
    for ni in sorted(set(old_by_ni) | set(new_by_ni)):
        old, new = old_by_ni.get(ni), new_by_ni.get(ni)
        if old is None or new is None:
            out.append(_indicator_change(data, ni, old, new, as_at))
            if new is None:
                continue
        _status_change(out, agreement, old, new)
        _value_changes(out, old, new, raw_values)
        _signup_changes(out, agreement, old, new, raw_signups)
    return sorted(out, key=lambda c: (c.date, _kind_order(c.kind), c.ni, c.item))


def _kind_order(kind: str) -> int:
    return ["indicator", "status", "baseline", "target", "designation", "sign-up"].index(kind)


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


def _value_changes(out, old, new, raw) -> None:
    old_values = old.values if old else {}
    for key in dict.fromkeys([*old_values, *new.values]):
        o, n = old_values.get(key), new.values.get(key)
        measure, year = key
        item = f"{measure}, {year}" if measure else year
        kind = "baseline" if year == "baseline" else "target"
        old_source = o.source if o else ""
        if (o.value if o else "") != (n.value if n else ""):
            record = n or raw[(new.ni, *key)]
            out.append(Change(record.date, new.ni, kind, item, o.value if o else "", n.value if n else "", record.reason, record.source, old_source=old_source))
        # A new value may arrive designated; a withdrawn value's change already says it went.
        if n and n.designated != bool(o and o.designated):
            out.append(Change(n.date, new.ni, "designation", item, _yes(bool(o and o.designated)), _yes(n.designated), n.reason, n.source, old_source=old_source))


def _yes(flag: bool) -> str:
    return "designated" if flag else "not designated"


def _signup_changes(out, agreement, old, new, raw) -> None:
    old_roles = {s.partner: s for s in old.signups} if old else {}
    new_roles = {s.partner: s for s in new.signups}
    for partner in dict.fromkeys([*old_roles, *new_roles]):
        o, n = old_roles.get(partner), new_roles.get(partner)
        if o and n and o.role == n.role:
            continue
        record = n or raw[(new.ni, partner)]
        out.append(Change(
            record.date, new.ni, "sign-up", partner,
            agreement.label("roles", o.role) if o else "", agreement.label("roles", n.role) if n else "",
            record.reason, record.source, old_source=o.source if o else "",
        ))
