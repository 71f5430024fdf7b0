"""What changed between two dates: every baseline, target, status, designation and sign-up."""

from __future__ import annotations

import datetime as dt

from .. import model
from .change import Change
from .position import latest, position


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
    old_text = agreement.words("statuses", o.status, o.date)[1] if o else ""  # each in the words of its own date
    new_text = agreement.words("statuses", n.status, n.date)[1]
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
        old_source = old.value_sources.get(key, o.source) if o else ""  # where the old value itself came from
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
