"""The refresh schedule: everything that differs from the submission, one line each.

agreement.yaml's `refresh` gives the date of the submission and of the refresh; from
the refresh date on, a build writes the schedule comparing the submission with the
position as at the build's date (so rows agreed during the refresh weeks all count).
A Part 2 copy is written only when a restricted row changed.
"""

from __future__ import annotations

import datetime as dt

from .. import history
from ..history import Change, Position
from ..layout import docx, xlsx
from ..model import DataSet
from . import context
from .document import Document

KIND_ORDER = ("indicator", "status", "baseline", "target", "designation", "sign-up")


def documents(now: Position) -> list[Document]:
    data, as_at = now.data, now.as_at
    refresh = data.agreement.facts.get("refresh")
    if not refresh or as_at < refresh["date"]:
        return []
    all_changes = history.changes(data, refresh["submitted"], as_at)
    docs = []
    for classification, changes in (("part1", history.public(all_changes)), ("part2", all_changes)):
        if classification == "part2" and not any(c.restricted for c in all_changes):
            break
        ctx = schedule_context(data, refresh, as_at, changes, classification)
        docs += [
            Document("refresh/refresh-schedule", "refresh-schedule", "xlsx/refresh-schedule.xlsx", ctx, xlsx.refresh_schedule, classification),
            Document("refresh/refresh-schedule", "refresh-schedule", "docx/refresh-schedule.docx", ctx, docx.render, classification),
        ]
    return docs


def schedule_context(data: DataSet, refresh: dict, as_at: dt.date, changes: list[Change], classification: str) -> dict:
    agreement = data.agreement
    groups = change_groups(data, refresh["submitted"], as_at, changes)
    illustrative = any(r["illustrative"] for g in groups for r in g["rows"])
    label = refresh.get("label") or "Refresh"
    title = f"{agreement.name}: refresh schedule"
    subtitle = (
        f"{label}: every baseline, target, designation, status and sign-up that differs between the submission of "
        f"{context.long_date(refresh['submitted'])} and the position as at {context.long_date(as_at)}"
    )
    used = sorted(({c.source for c in changes} | {c.old_source for c in changes}) - {""})
    sender = agreement.office
    ctx = {
        "title": title,
        "subtitle": subtitle,
        "as_at": as_at.isoformat(),
        "author": sender,
        "old_heading": f"At submission ({context.short_date(refresh['submitted'])})",
        "new_heading": f"As at {context.short_date(as_at)}",
        "groups": groups,
        "count": sum(len(g["rows"]) for g in groups),
        "illustrative_note": context.ILLUSTRATIVE_NOTE if illustrative else "",
        "sources": [f"{s}: {data.sources[s].title if s in data.sources else s}" for s in used],
        "classification_label": agreement.marking(classification),
        "footer": f"{title}, as at {context.long_date(as_at)}",
    }
    ctx["body"] = _body(ctx)
    ctx["properties"] = {"title": title, "author": sender, "subject": subtitle, "date": as_at.isoformat()}
    return ctx


def change_groups(data: DataSet, since: dt.date, as_at: dt.date, changes: list[Change]) -> list[dict]:
    """The changes as the schedule lists them: under the submission's headings, one row each, marked.

    A committee report's changes table (narrative_tables.py) shows the same rows.
    """
    before, after = history.position(data, since), history.position(data, as_at)

    mark = context.marker(after)

    groups = []
    for heading, members in _groups(before, after, changes):
        rows = []
        for change in members:
            indicator = after.by_ni(change.ni) or before.by_ni(change.ni)
            rows.append({
                "indicator": f"NI {change.ni} {indicator.title}" if indicator else f"NI {change.ni}",
                "change": change.what,
                "old": mark(change.old, change.old_source),
                "new": mark(change.new, change.source) or context.marked("(removed)", data.is_illustrative(change.source)),
                "date": context.short_date(change.date),
                "reason": change.reason,
                "source": change.source,
                "illustrative": data.is_illustrative(change.source) or data.is_illustrative(change.old_source),
            })
        groups.append({"heading": heading, "rows": rows})
    return groups


def _groups(before: Position, after: Position, changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes under the submission's headings (themes, then the other sets), in its order."""
    order, headings = {}, {}
    for position in (before, after):
        for n, (group, members) in enumerate(position.groups()):
            for i in members:
                order.setdefault(i.ni, (n, i.order, i.ni))
                headings.setdefault(i.ni, context.heading(group))
    ranked = sorted(changes, key=lambda c: (order.get(c.ni, (999, 0, c.ni)), KIND_ORDER.index(c.kind), c.item, c.date))
    groups: list[tuple[str, list[Change]]] = []
    for change in ranked:
        heading = headings.get(change.ni, "")
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(change)
    return groups


def _body(ctx: dict) -> list[dict]:
    body = [
        {"kind": "heading", "level": 1, "text": ctx["title"]},
        {"kind": "paragraph", "text": ctx["subtitle"] + f": {ctx['count']} line{'' if ctx['count'] == 1 else 's'}."},
    ]
    if ctx["illustrative_note"]:
        body.append({"kind": "paragraph", "text": f"**{ctx['illustrative_note']}**"})
    rows, headings = [], []
    for group in ctx["groups"]:
        headings.append(len(rows))
        rows.append([group["heading"], "", "", "", "", "", ""])
        rows += [[r["indicator"], r["change"], r["old"], r["new"], r["date"], r["reason"], r["source"]] for r in group["rows"]]
    if rows:
        columns = ["Indicator", "What changed", ctx["old_heading"], ctx["new_heading"], "Date", "Reason", "Source"]
        body.append({"kind": "table", "columns": columns, "rows": rows, "widths": [5.0, 3.0, 4.6, 4.6, 1.8, 4.6, 2.1], "emphasis_rows": headings})
    else:
        body.append({"kind": "paragraph", "text": "Nothing differs from the submission."})
    if ctx["sources"]:
        body += [{"kind": "heading", "level": 2, "text": "Sources"}, {"kind": "bullets", "items": ctx["sources"]}]
    return body
