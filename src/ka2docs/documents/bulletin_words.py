"""What a bulletin says in sentences: the movement of the position, what changed grouped
by kind, and the position as first recorded when the previous bulletin predates the data.

Every figure comes from history (the position, its summary, its changes); this module
only words them, so the same change reads the same in the Word, HTML and e-mail copies.
"""

from __future__ import annotations

from ..history import Change, Position, Summary
from . import context

# The order a reader wants the news in, and the heading each kind of change goes under.
KIND_HEADINGS = (
    ("indicator", "Indicators added or removed"),
    ("status", "Negotiation status"),
    ("baseline", "Baselines"),
    ("target", "Targets"),
    ("designation", "Designated targets"),
    ("sign-up", "Partners signing up"),
    ("rag", "Monitoring: RAG against the trajectory"),
)


def nothing_recorded(before: Position) -> bool:
    """True when the data holds no status, value or sign-up on the date: it starts later."""
    return not any(i.status or i.values or i.signups for i in before.indicators)


def count(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


# --- the position and how it moved -------------------------------------------------


def movement(now: Summary, before: Summary, since_text: str, short) -> str:
    """'Since bulletin 8 of 8 August 2008: Agreed with GOSE 7 (illustrative), up 1; ...' from the summary rows."""
    cells = dict(zip(((r.kind, r.code) for r in now.rows), (c for _, c in context.summary_cells(now))))
    moved = []
    for row in now.rows:
        if row.kind != "status":
            continue
        was = before.row(row.kind, row.code)
        delta = row.count - (was.count if was else 0)
        if delta:
            moved.append(f"{short(row.code)} {cells[(row.kind, row.code)]}, {'up' if delta > 0 else 'down'} {abs(delta)}")
    if not moved:
        return f"No indicator has moved since {since_text}."
    return f"Since {since_text}: " + "; ".join(moved) + "."


# --- what changed, grouped by kind ------------------------------------------------------


def change_groups(changes: list[Change], after: Position, mark) -> list[dict]:
    """One group per kind of change, each change one sentence; sign-ups one sentence per indicator."""
    groups = []
    for kind, heading in KIND_HEADINGS:
        of_kind = [c for c in changes if c.kind == kind]
        if not of_kind:
            continue
        if kind == "sign-up":
            items = _signup_sentences(of_kind, after, mark)
        else:
            items = [_sentence_for(c, after, mark) for c in of_kind]
        groups.append({"heading": heading, "sentences": items})
    return groups


def _name(after: Position, ni: int) -> str:
    indicator = after.by_ni(ni)
    return f"NI {ni} {indicator.title}" if indicator else f"NI {ni}"


def _why(change: Change) -> str:
    return f" {_sentence(change.reason)}" if change.reason else ""


def _sentence_for(change: Change, after: Position, mark) -> str:
    """'NI 191 Residual household waste per household – 10/11 target: 704 kg (was: 720 kg). Reason.'"""
    new = mark(_clip(change.new), change.source)
    old = mark(_clip(change.old), change.old_source)
    was = f" (was: {old})" if change.old else ""
    if change.kind == "indicator":
        if change.item == "added":
            return _sentence(f"{new} added to the agreement") + _why(change)
        return _sentence(f"{old} removed from the agreement") + _why(change)
    name = _name(after, change.ni)
    if change.kind == "status":
        if change.item == "commentary":
            return _sentence(f"{name} – the note now reads: {new}" if change.new else f"{name} – the note is withdrawn") + _why(change)
        return _sentence(f"{name} – {new}{was}") + _why(change)
    if change.kind == "rag":  # item: the measure of a split indicator
        return _sentence(f"{name}{f' ({change.item})' if change.item else ''} – {new}{was}") + _why(change)
    measure, _, year = change.item.rpartition(", ")
    what = "baseline" if change.kind == "baseline" else ("target for the whole period" if year == "all" else f"{year} target")
    what += f" ({measure})" if measure else ""
    if change.kind == "designation":
        return _sentence(f"{name} – the {what} is now {new}") + _why(change)
    if not change.new:
        return _sentence(f"{name} – the {what} is withdrawn{was}") + _why(change)
    return _sentence(f"{name} – {what}: {new}{was}") + _why(change)


def _clip(text: str) -> str:
    """A value quoted inside a sentence, without its own full stop."""
    return text.strip().rstrip(".").strip()


def _signup_sentences(changes: list[Change], after: Position, mark) -> list[str]:
    by_ni: dict[int, list[Change]] = {}
    for change in changes:
        by_ni.setdefault(change.ni, []).append(change)
    out = []
    for ni, group in by_ni.items():
        parts = []
        for c in group:
            if not c.new:
                parts.append(f"{c.item} no longer signed up (was {c.old.lower()})")
            elif c.old:
                parts.append(f"{c.item} now {mark(c.new.lower(), c.source)} (was {c.old.lower()})")
            else:
                parts.append(f"{c.item} signed up as {mark(c.new.lower(), c.source)} partner")
        reasons = sorted({c.reason for c in group if c.reason})
        out.append(_sentence(f"{_name(after, ni)} – " + "; ".join(parts)) + "".join(f" {_sentence(r)}" for r in reasons))
    return out


# --- the position as first recorded ------------------------------------------------------


def first_record(now: Position, changes: list[Change], mark) -> list[dict]:
    """What the data held when it starts: the indicators, their values and sign-ups in figures,
    and any change to the list of indicators made as it starts (a late switch)."""
    agreement = now.agreement
    negotiated = now.negotiated
    others = [(s, now.in_set(s.code)) for s in agreement.sets[1:]]
    listing = [f"{len(negotiated)} {agreement.sets[0].label}" + (f" in {count(len(now.by_theme()), 'theme')}" if now.by_theme() else "")]
    listing += [f"{len(inds)} {s.label}" for s, inds in others if inds]
    everything = now.indicators
    with_baseline = sum(1 for i in everything if any(year == "baseline" for _, year in i.values))
    with_target = sum(1 for i in everything if any(year != "baseline" for _, year in i.values))
    roles = {}
    for indicator in everything:
        for signup in indicator.signups:
            roles[signup.role] = roles.get(signup.role, 0) + 1
    role_words = ", ".join(f"{n} {agreement.label('roles', code).lower()}" for code, n in roles.items())
    no_lead = [i for i in negotiated if not i.leads]
    figures = [
        _sentence("The agreement holds " + " and ".join(listing)),
        _sentence(f"A baseline is recorded for {with_baseline} of the {len(everything)} indicators and at least one target for {with_target}"),
        _sentence(f"{count(len(now.signed_partners()), 'partner')} have signed up to at least one indicator: "
                  f"{count(sum(roles.values()), 'sign-up')} in all ({role_words})"),
    ]
    if no_lead:
        figures.append(_sentence(f"{count(len(no_lead), 'indicator')} of the {agreement.sets[0].label} still need a lead partner: "
                                 + ", ".join(f"NI {i.ni}" for i in no_lead)))
    groups = [{"heading": "In figures", "sentences": figures}]
    switches = [c for c in changes if c.kind == "indicator"]
    if switches:
        groups.append({"heading": "Indicators added or removed", "sentences": [_sentence_for(c, now, mark) for c in switches]})
    return groups
