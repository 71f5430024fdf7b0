"""What changed between two dates: every baseline, target, status, designation and sign-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .. import model
from .position import latest, position


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
    restricted: bool = False  # the old or the new row is restricted: a Part 2 document shows it in full
    old_source: str = ""  # the source of the old value, so a document can mark it too
    old_restricted: bool = False  # only the old row is (the new row, and its reason, are public)

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
        restricted row's reason is not; restricted commentary is never public. When only
        the row before was restricted, the new row is public, its reason with it.
        """
        if not self.restricted:
            return self
        if self.kind == "status" and self.item == "status":
            return replace(self, reason=self.reason if self.old_restricted else "", restricted=False, old_restricted=False)
        if self.old_restricted:  # new commentary, public, replacing notes that were not
            return replace(self, old="", restricted=False, old_restricted=False)
        return None


def public(changes: list[Change]) -> list[Change]:
    """The changes a Part 1 document may show."""
    return [c for c in (change.public() for change in changes) if c is not None]


def changes(data: model.DataSet, since: dt.date, as_at: dt.date, monitoring: bool = False) -> list[Change]:
    """Everything that differs between the position on `since` and on `as_at`; with
    `monitoring`, RAG moving as the monitoring returns came in too (kind 'rag')."""
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
    if monitoring:
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
    old_restricted = bool(o and o.restricted) and not n.restricted
    out.append(Change(n.date, new.ni, "status", "status" if not o or o.status != n.status else "commentary", old_text, new_text, n.reason, n.source,
                      n.restricted or old_restricted, o.source if o else "", old_restricted))


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
