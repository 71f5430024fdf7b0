"""The fortnightly bulletin: each one due by the as-at date, built as at its own date.

The bulletin is an e-mail the partnership office sends (a greeting, the editor's news,
the position and how it moved, what changed in sentences, the deadlines ahead, the
contact and a sign-off) with the chart inline and the draft submission of its date
attached. The same words are laid out three ways: the .eml message, the .html page
(to paste into a mail client) and the .docx for print; the submission travels beside
them as a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import history
from ..history import Position
from ..layout import docx, eml, html, xlsx
from ..model import Bulletin, DataSet
from . import bulletin_words as words
from . import context
from .document import Document

DEADLINES_SHOWN = 3  # a bulletin looks a few steps ahead, not at the whole calendar
FIRST_GAP = dt.timedelta(days=14)  # the first bulletin looks back a fortnight when the schedule cannot say
HTML_TEMPLATE, SUBMISSION_TEMPLATE = "html/bulletin.html.j2", "xlsx/submission.xlsx"


def documents(now: Position) -> list[Document]:
    """Every bulletin dated on or before as_at: Word, HTML, the e-mail and its draft submission."""
    return [document for batch in batches(now) for document in batch]


def batches(now: Position) -> Iterator[list[Document]]:
    """documents(now), one bulletin at a time: a build renders each while the next is planned."""
    data = now.data
    schedule = sorted(data.bulletins, key=lambda b: (b.date, b.number))
    for n, bulletin in enumerate(schedule):
        if not now.has_come(bulletin.date):
            break
        doc_id = f"bulletins/bulletin-{bulletin.number:02d}"
        submission = context.submission(now.at(bulletin.date))
        ctx = bulletin_context(data, schedule, n, now.at)
        yield [
            Document(doc_id, "bulletin", "docx/bulletin.docx", ctx, docx.render),
            Document(doc_id, "bulletin", HTML_TEMPLATE, ctx, html.render),
            # The e-mail lays out the same words from the HTML template and attaches the
            # submission it renders from the same context: both templates are its inputs.
            Document(doc_id, "bulletin", HTML_TEMPLATE, {**ctx, "submission": submission, "submission_template": SUBMISSION_TEMPLATE}, eml.bulletin, file_format="eml", uses=(SUBMISSION_TEMPLATE,)),
            Document(f"{doc_id}-submission", "submission", SUBMISSION_TEMPLATE, submission, xlsx.submission, together=doc_id),
        ]


def previous_date(schedule: list[Bulletin], n: int) -> dt.date:
    """The previous bulletin's date; before the first, one schedule interval earlier."""
    if n > 0:
        return schedule[n - 1].date
    gap = schedule[1].date - schedule[0].date if len(schedule) > 1 else FIRST_GAP
    return schedule[0].date - gap


def bulletin_context(data: DataSet, schedule: list[Bulletin], n: int, at) -> dict:
    bulletin = schedule[n]
    agreement = data.agreement
    contact = agreement.contact
    day, since = bulletin.date, previous_date(schedule, n)
    now, before = at(day), at(since)
    mark = context.marker(now)
    first = words.nothing_recorded(before)
    numbering_illustrative = data.is_illustrative(bulletin.source)
    office = contact.get("office") or agreement.office
    title = f"{agreement.name} bulletin {bulletin.number}"
    since_text = f"bulletin {schedule[n - 1].number} of {context.long_date(since)}" if n > 0 else context.long_date(since)
    table, old = history.summary(now), history.summary(before)
    changes = history.public(history.changes(data, since, day, monitoring=True))  # the bulletin reports RAG moving too
    news = [item for item in data.news if item.bulletin == bulletin.number]
    chart, alt, caption = _chart(data, schedule[: n + 1], at)
    ahead = now.events_ahead()[:DEADLINES_SHOWN]

    if first:
        groups = words.first_record(now, changes, mark)
        changes_heading = "The position as first recorded"
        changes_intro = f"This is the first bulletin with the agreement's records, so it sets out the position as first recorded, as at {context.long_date(day)}, rather than a list of changes."
        position_intro = f"The position on target-setting as first recorded, as at {context.long_date(day)}:"
        covers = "the position as first recorded"
    else:
        groups = words.change_groups(changes, now, mark)
        changes_heading = f"What changed since {since_text}"
        changes_intro = (f"{words.count(len(changes), 'change')} since {since_text}, by kind:" if changes
                         else f"Nothing has changed since {since_text}.")
        position_intro = words.movement(table, old, since_text, lambda code: _short(agreement, code))
        covers = f"what has changed since {since_text}"
    illustrative_values = (
        table.illustrative or any(chart["hatched"]) or any(data.is_illustrative(i.source) for i in news)
        or any(data.is_illustrative(c.source) or data.is_illustrative(c.old_source) for c in changes)
    )
    notes = []
    if illustrative_values:
        notes.append(context.ILLUSTRATIVE_NOTE)
    if numbering_illustrative:
        notes.append("This bulletin's number and date come from an illustrative schedule, not a real one.")
    used = [bulletin.source, *(i.source for i in news), *(s for c in changes for s in (c.source, c.old_source)), *(e.source for e in ahead)]
    attachment = f"{agreement.name} draft submission {day.isoformat()}.xlsx"
    number_text = context.marked(str(bulletin.number), numbering_illustrative)
    ctx = {
        "title": title,
        "number": bulletin.number,
        "number_text": number_text,
        "date": context.long_date(day),
        "date_iso": day.isoformat(),
        "sender": office,
        "heading": f"{agreement.name} bulletin {number_text}: {context.long_date(day)}",
        "greeting": contact.get("greeting", ""),
        "intro": f"This is bulletin {number_text} of {agreement.name} from the {office}. It brings you the news, {covers}, the deadlines ahead and the current draft submission template.",
        "news": [{"headline": mark(item.headline, item.source), "text": item.text} for item in news],
        "position_intro": position_intro,
        "summary": _summary_table(table, old, first),
        "summary_total_row": next(k for k, row in enumerate(table.rows) if row.kind == "total"),
        "chart": chart,
        "chart_alt": alt,
        "chart_caption": caption,
        "changes_heading": changes_heading,
        "changes_intro": changes_intro,
        "change_groups": groups,
        "deadlines": [f"{context.long_date(e.date)}: {e.event}" for e in ahead],
        "attachment": attachment,
        "attachment_text": f"The current draft submission template, with the position as at {context.long_date(day)}, is attached.",
        "contact_text": _contact_text(contact, office),
        "sign_off": [line for line in (contact.get("sign_off", ""), contact.get("name", ""), contact.get("post", ""), office) if line],
        "illustrative_notes": notes,
        "sources": _source_titles(data, used),
        "classification_label": agreement.marking("part1"),
        "footer": f"{title}, {context.long_date(day)}",
        "mail": _mail(agreement, contact, office, bulletin, day),
    }
    ctx["body"] = _body(ctx)
    ctx["properties"] = {"title": f"{title}, {context.long_date(day)}", "author": office, "subject": f"{agreement.name}: {covers}", "date": day.isoformat()}
    return ctx


def _short(agreement, code: str) -> str:
    entry = agreement.entry("statuses", code)
    return (entry.get("short") or entry.label) if entry else code


def _summary_table(table, old, first: bool) -> dict:
    """The position summary every document shows, with each row's change since the last bulletin."""
    cells = context.summary_cells(table)
    columns = ["Position on target-setting", f"As at {context.short_date(table.as_at)}"]
    if first:
        return {"columns": columns, "rows": [[label, value] for label, value in cells]}
    rows = []
    for row, (label, value) in zip(table.rows, cells):
        was = old.row(row.kind, row.code)
        change = row.count - (was.count if was else 0)
        rows.append([label, value, "no change" if not change else f"{change:+d}"])
    return {"columns": [*columns, f"Change since {context.short_date(old.as_at)}"], "rows": rows}


def _contact_text(contact: dict, office: str) -> str:
    ways = [w for w in (contact.get("email", ""), f"on {contact['phone']}" if contact.get("phone") else "") if w]
    reach = f" at {' or '.join(ways)}" if ways else ""
    return f"Questions about this bulletin, or news for the next one: please contact the {office}{reach}."


def _source_titles(data: DataSet, used: list[str]) -> list[str]:
    """Each real source once, by its title; an illustrative one is said in plain words instead."""
    seen = dict.fromkeys(s for s in used if s and s in data.sources and not data.is_illustrative(s))
    return [data.sources[s].title for s in seen]


def _mail(agreement, contact: dict, office: str, bulletin: Bulletin, day: dt.date) -> dict:
    """The message's headers, fixed by the bulletin's number and date so a rebuild gives the same bytes."""
    address = contact.get("email", "")
    domain = address.rpartition("@")[2] or "localhost"
    short = str(agreement.facts.get("short_name") or agreement.name).lower().replace(" ", "-")
    return {
        "from_name": office,
        "from_address": address,
        "to_name": contact.get("distribution", ""),
        "to_address": contact.get("distribution_address", ""),
        "subject": f"{agreement.name} bulletin {bulletin.number}, {context.long_date(day)}",
        "date": day.isoformat(),
        "message_id": f"<{short}-bulletin-{bulletin.number:02d}-{day:%Y%m%d}@{domain}>",
    }


# --- the chart ----------------------------------------------------------------------


def _chart(data: DataSet, bulletins: list[Bulletin], at) -> tuple[dict, str, str]:
    """Counts per status at every bulletin so far: a chart spec, its alt text and caption."""
    tables = [history.summary(at(b.date)) for b in bulletins]
    agreement = data.agreement
    codes = [s.code for s in agreement.statuses if any(t.counts.get(s.code) for t in tables)]
    labels = {c: _short(agreement, c) for c in codes}
    counts = [t.counts for t in tables]
    hatched = [any(r.illustrative for r in t.rows if r.kind == "status") for t in tables]
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
        caption += " Hatched bars include illustrative status rows."
    return spec, alt, caption


# --- the Word body ----------------------------------------------------------------


def _body(ctx: dict) -> list[dict]:
    """The bulletin in the Word template's styles; the plain-text e-mail part reads it too."""
    body = [{"kind": "heading", "level": 1, "text": ctx["heading"]}]
    if ctx["greeting"]:
        body.append({"kind": "paragraph", "text": ctx["greeting"]})
    body.append({"kind": "paragraph", "text": ctx["intro"]})
    if ctx["news"]:
        body.append({"kind": "heading", "level": 2, "text": "News"})
        for item in ctx["news"]:
            body.append({"kind": "paragraph", "text": f"**{item['headline']}.** {item['text']}"})
    body += [
        {"kind": "heading", "level": 2, "text": "Position on target-setting"},
        {"kind": "paragraph", "text": ctx["position_intro"]},
        {"kind": "table", **ctx["summary"], "widths": [11.0, 3.0, 3.0][: len(ctx["summary"]["columns"])], "emphasis_rows": [ctx["summary_total_row"]]},
        {"kind": "chart", "chart": ctx["chart"], "alt": ctx["chart_alt"], "caption": ctx["chart_caption"], "width_cm": 16.5},
        {"kind": "heading", "level": 2, "text": ctx["changes_heading"]},
        {"kind": "paragraph", "text": ctx["changes_intro"]},
    ]
    for group in ctx["change_groups"]:
        body += [{"kind": "heading", "level": 3, "text": group["heading"]}, {"kind": "bullets", "items": group["sentences"]}]
    body.append({"kind": "heading", "level": 2, "text": "Deadlines ahead"})
    if ctx["deadlines"]:
        body.append({"kind": "bullets", "items": ctx["deadlines"]})
    else:
        body.append({"kind": "paragraph", "text": "No key dates ahead are recorded."})
    body += [
        {"kind": "heading", "level": 2, "text": "The draft submission"},
        {"kind": "paragraph", "text": ctx["attachment_text"]},
        {"kind": "heading", "level": 2, "text": "Contact"},
        {"kind": "paragraph", "text": ctx["contact_text"]},
        {"kind": "paragraph", "text": "\n".join(ctx["sign_off"])},
    ]
    if ctx["illustrative_notes"]:
        body.append({"kind": "paragraph", "text": "**" + " ".join(ctx["illustrative_notes"]) + "**"})
    if ctx["sources"]:
        body += [{"kind": "heading", "level": 3, "text": "Sources"}, {"kind": "bullets", "items": ctx["sources"]}]
    return body
