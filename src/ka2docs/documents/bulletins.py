"""The fortnightly bulletin: each one due by the as-at date, built as at its own date.

A bulletin shows its number and date, the position on target-setting and how it moved
since the previous bulletin, what changed (history.changes, Part 1 only), the key
events ahead, a chart of the position at every bulletin so far, and the draft
submission of that date, which travels beside it as a spreadsheet.
"""

from __future__ import annotations

import datetime as dt

from .. import history
from ..history import Change, Position
from ..layout import docx, html, xlsx
from ..model import Bulletin, DataSet
from . import context
from .document import Document

DEADLINES_SHOWN = 3  # a bulletin looks a few steps ahead, not at the whole calendar
FIRST_GAP = dt.timedelta(days=14)  # the first bulletin looks back a fortnight when the schedule cannot say


def documents(now: Position) -> list[Document]:
    """Every bulletin dated on or before as_at: Word, HTML and its draft submission."""
    data, _as_at = now.data, now.as_at
    schedule = sorted(data.bulletins, key=lambda b: (b.date, b.number))
    at = now.at
    out = []
    for n, bulletin in enumerate(schedule):
        if not now.has_come(bulletin.date):
            break
        doc_id = f"bulletins/bulletin-{bulletin.number:02d}"
        attachment = f"{doc_id.rsplit('/', 1)[-1]}-submission.xlsx"
        ctx = bulletin_context(data, schedule, n, at, attachment)
        out += [
            Document(doc_id, "bulletin", "docx/bulletin.docx", ctx, docx.render),
            Document(doc_id, "bulletin", "html/bulletin.html.j2", ctx, html.render),
            Document(f"{doc_id}-submission", "submission", "xlsx/submission.xlsx", context.submission(at(bulletin.date)), xlsx.submission),
        ]
    return out


def previous_date(schedule: list[Bulletin], n: int) -> dt.date:
    """The previous bulletin's date; before the first, one schedule interval earlier."""
    if n > 0:
        return schedule[n - 1].date
    gap = schedule[1].date - schedule[0].date if len(schedule) > 1 else FIRST_GAP
    return schedule[0].date - gap


def bulletin_context(data: DataSet, schedule: list[Bulletin], n: int, at, attachment: str) -> dict:
    bulletin = schedule[n]
    agreement = data.agreement
    day, since = bulletin.date, previous_date(schedule, n)
    now, before = at(day), at(since)
    mark = context.marker(now)
    numbering_illustrative = data.is_illustrative(bulletin.source)
    title = f"{agreement.name} bulletin {bulletin.number}"
    since_text = f"bulletin {schedule[n - 1].number} of {context.long_date(since)}" if n > 0 else f"{context.long_date(since)} (a bulletin interval before this, the first bulletin)"
    summary = _summary(now, before)
    changes = _change_rows(before, now, history.public(history.changes(data, since, day)), mark)
    chart, alt, caption = _chart(data, [b for b in schedule[: n + 1]], at)
    ahead = now.events_ahead()
    deadlines = [f"{context.long_date(e.date)}: {e.event}" for e in ahead][:DEADLINES_SHOWN]
    sender = agreement.office
    illustrative = numbering_illustrative or summary["illustrative"] or any(r["illustrative"] for r in changes["rows"] + changes["first_rows"]) or any(chart["hatched"])
    notes = []
    if numbering_illustrative:
        notes.append(f"Illustrative: this bulletin's number and date come from an illustrative schedule (source: {bulletin.source}).")
    if illustrative:
        notes.append(context.ILLUSTRATIVE_NOTE)
    used = sorted({bulletin.source, *changes["sources"], *(e.source for e in ahead)} - {""})
    ctx = {
        "title": title,
        "number": bulletin.number,
        "number_text": context.marked(str(bulletin.number), numbering_illustrative),
        "date": context.long_date(day),
        "date_iso": day.isoformat(),
        "sender": sender,
        "subtitle": f"From the {sender}, {context.long_date(day)}" if sender else context.long_date(day),
        "since": since_text,
        "summary": {"columns": summary["columns"], "rows": summary["rows"]},
        "summary_total_row": summary["total_row"],
        "chart": chart,
        "chart_alt": alt,
        "chart_caption": caption,
        "changes_intro": changes["intro"],
        "changes": {"columns": changes["columns"], "rows": [r["cells"] for r in changes["rows"]]},
        "first_intro": changes["first_intro"],
        "first_entries": {"columns": changes["first_columns"], "rows": [r["cells"] for r in changes["first_rows"]]},
        "deadlines": deadlines,
        "attachment": attachment,
        "attachment_text": f"The current draft submission template, with the position as at {context.long_date(day)}, is attached: {attachment}.",
        "illustrative_notes": notes,
        "sources": [f"{s}: {_source_title(data, s)}" for s in used],
        "classification_label": agreement.marking("part1"),
        "footer": f"{title}, {context.long_date(day)}",
    }
    ctx["body"] = _body(ctx)
    ctx["properties"] = {"title": f"{title}, {context.long_date(day)}", "author": sender, "subject": f"{agreement.name}: what changed since {since_text}", "date": day.isoformat()}
    return ctx


def _source_title(data: DataSet, source: str) -> str:
    entry = data.sources.get(source)
    return entry.title if entry else source


# --- the position and how it moved -------------------------------------------------


def _summary(now: Position, before: Position) -> dict:
    """The position summary every document shows, with each row's change since the last bulletin."""
    table, old = history.summary(now), history.summary(before)
    rows = []
    for row, (label, count) in zip(table.rows, context.summary_cells(table)):
        was = old.row(row.kind, row.code)
        rows.append([label, count, _delta(row.count, was.count if was else 0)])
    columns = ["Position on target-setting", f"As at {context.short_date(now.as_at)}", f"Change since {context.short_date(before.as_at)}"]
    total_row = next(n for n, row in enumerate(table.rows) if row.kind == "total")
    return {"columns": columns, "rows": rows, "total_row": total_row, "illustrative": table.illustrative}


def _delta(new: int, old: int) -> str:
    return "no change" if new == old else f"{new - old:+d}"


# --- what changed ---------------------------------------------------------------------


def _change_rows(before: Position, after: Position, changes: list[Change], mark) -> dict:
    """One row per change; an indicator with nothing recorded before gets one summary row instead."""
    first = {c.ni for c in changes if c.kind != "indicator" and _nothing_before(before, c.ni)}
    rows, grouped = [], {}
    for change in changes:
        if change.ni in first and change.kind != "indicator":
            grouped.setdefault(change.ni, []).append(change)
        else:
            rows.append(_row(change, mark))
    order = {i.ni: n for n, i in enumerate(after.indicators)}
    firsts = [_first_entry(after, ni, grouped[ni], mark) for ni in sorted(grouped, key=lambda ni: order.get(ni, len(order)))]
    if changes:
        kinds: dict[str, int] = {}
        for change in changes:
            kinds[change.kind] = kinds.get(change.kind, 0) + 1
        parts = [_count(count, KIND_WORDS.get(kind, kind)) for kind, count in kinds.items()]
        intro = f"{_count(len(changes), 'change')} since {context.long_date(before.as_at)}: {', '.join(parts)}."
    else:
        intro = f"No changes have been recorded since {context.long_date(before.as_at)}."
    first_intro = ""
    if firsts:
        first_intro = (
            f"{_count(len(firsts), 'indicator')} had nothing recorded on {context.long_date(before.as_at)}; "
            "each is summarised in one row below, and the attached submission has their values."
        )
    return {
        "columns": ["Date", "Indicator", "What changed", "Was", "Now", "Reason"],
        "rows": rows,
        "intro": intro,
        "first_columns": ["Indicator", "Status", "Baseline and targets", "Partners signed up"],
        "first_rows": firsts,
        "first_intro": first_intro,
        "sources": {c.source for c in changes} | {c.old_source for c in changes},
    }


KIND_WORDS = {"status": "status change", "indicator": "indicator change", "designation": "designation change"}


def _nothing_before(before: Position, ni: int) -> bool:
    old = before.by_ni(ni)
    return old is None or not (old.status or old.values or old.signups)


def _row(change: Change, mark) -> dict:
    illustrative = any(_is(mark, s) for s in (change.source, change.old_source))
    cells = [
        context.short_date(change.date),
        f"NI {change.ni}",
        change.what,
        mark(change.old, change.old_source) or "(none)",
        mark(change.new, change.source) if change.new else context.marked("(none)", _is(mark, change.source)),
        change.reason,
    ]
    return {"cells": cells, "illustrative": illustrative}


def _is(mark, source: str) -> bool:
    return bool(source) and mark("x", source) != "x"


def _first_entry(after: Position, ni: int, group: list[Change], mark) -> dict:
    indicator = after.by_ni(ni)
    status = ""
    if indicator and indicator.status:
        entry = after.agreement.entry("statuses", indicator.status.status)
        status = mark(entry.get("short", entry.label) if entry else indicator.status.status, indicator.status.source)
    values = [c for c in group if c.kind in ("baseline", "target")]
    baselines = sum(1 for c in values if c.kind == "baseline")
    recorded = [_count(baselines, "baseline")] if baselines else []
    if len(values) > baselines:
        recorded.append(_count(len(values) - baselines, "target"))
    signups = [c for c in group if c.kind == "sign-up"]
    leads = [s.partner for s in (indicator.leads if indicator else [])]
    partners = (_count(len(signups), "partner") + (f" (lead: {', '.join(leads)})" if leads else "")) if signups else "none"
    illustrative = any(_is(mark, c.source) for c in group)
    tag = context.ILLUSTRATIVE_MARK if illustrative else ""
    cells = [f"NI {ni}" + (f" {indicator.title}" if indicator else ""), status or "(none)", (" and ".join(recorded) or "none") + tag, partners + tag]
    return {"cells": cells, "illustrative": illustrative}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- the chart ----------------------------------------------------------------------


def _chart(data: DataSet, bulletins: list[Bulletin], at) -> tuple[dict, str, str]:
    """Counts per status at every bulletin so far: a chart spec, its alt text and caption."""
    tables = [history.summary(at(b.date)) for b in bulletins]
    agreement = data.agreement
    codes = [s.code for s in agreement.statuses if any(t.counts.get(s.code) for t in tables)]
    labels = {c: (agreement.entry("statuses", c).get("short") or agreement.label("statuses", c)) for c in codes}
    bars = [(t.counts, any(r.illustrative for r in t.rows if r.kind == "status")) for t in tables]
    counts = [c for c, _ in bars]
    hatched = [h for _, h in bars]
    spec = {
        "title": f"Position on target-setting at each bulletin ({agreement.sets[0].label})",
        "categories": [f"{b.number}\n{b.date:%d/%m}" for b in bulletins],
        "x_label": "Bulletin number and date",
        "y_label": "Indicators",
        "series": [{"label": labels[c], "values": [row[c] for row in counts]} for c in codes],
        "hatched": hatched,
        "hatch_label": "Counts include illustrative rows",
    }
    steps = []
    for b, row, hatch in zip(bulletins, counts, hatched):
        parts = ", ".join(f"{row[c]} {labels[c]}" for c in codes)
        steps.append(f"bulletin {b.number} ({context.long_date(b.date)}): {parts}" + (context.ILLUSTRATIVE_MARK if hatch else ""))
    alt = f"Stacked bar chart of the {agreement.sets[0].label} by negotiation status at each bulletin. " + "; ".join(steps) + "."
    caption = "Position on target-setting at each bulletin so far."
    if any(hatched):
        caption += " Hatched bars include illustrative status rows (not from a real paper)."
    return spec, alt, caption


# --- the Word body ----------------------------------------------------------------


def _body(ctx: dict) -> list[dict]:
    body = [
        {"kind": "heading", "level": 1, "text": f"{ctx['title']}: {ctx['date']}"},
        {"kind": "paragraph", "text": f"{ctx['subtitle']}. Bulletin number {ctx['number_text']}. What changed since {ctx['since']}."},
        {"kind": "heading", "level": 2, "text": "Position on target-setting"},
        {"kind": "table", **ctx["summary"], "widths": [11.0, 3.0, 3.0], "emphasis_rows": [ctx["summary_total_row"]]},
        {"kind": "chart", "chart": ctx["chart"], "alt": ctx["chart_alt"], "caption": ctx["chart_caption"], "width_cm": 16.5},
        {"kind": "heading", "level": 2, "text": "What changed since the last bulletin"},
        {"kind": "paragraph", "text": ctx["changes_intro"]},
    ]
    if ctx["changes"]["rows"]:
        body.append({"kind": "table", **ctx["changes"], "widths": [1.9, 1.8, 2.7, 3.7, 3.7, 3.2]})
    if ctx["first_entries"]["rows"]:
        body.append({"kind": "paragraph", "text": ctx["first_intro"]})
        body.append({"kind": "table", **ctx["first_entries"], "widths": [5.2, 3.6, 2.6, 5.6]})
    body.append({"kind": "heading", "level": 2, "text": "Deadlines ahead"})
    if ctx["deadlines"]:
        body.append({"kind": "bullets", "items": ctx["deadlines"]})
    else:
        body.append({"kind": "paragraph", "text": "No key dates ahead are recorded."})
    body += [
        {"kind": "heading", "level": 2, "text": "The draft submission"},
        {"kind": "paragraph", "text": ctx["attachment_text"]},
    ]
    for note in ctx["illustrative_notes"]:
        body.append({"kind": "paragraph", "text": f"**{note}**"})
    if ctx["sources"]:
        body += [{"kind": "heading", "level": 3, "text": "Sources"}, {"kind": "bullets", "items": ctx["sources"]}]
    return body
