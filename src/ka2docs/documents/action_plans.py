"""Local Action Plans: the indicators each district's LSP chose, with local targets.

`annex_blocks` is a plan's body as plain blocks. The Local Action Plan document and a
district committee report's annex (seed 002's Annex 1) lay out the same blocks, so the
plan and the report that endorses it can never disagree.
"""

from __future__ import annotations

from collections import Counter

from .. import model
from ..errors import DataError, problem
from ..history import IndicatorPosition, Position
from ..layout import docx
from .context import ILLUSTRATIVE_NOTE, long_date, marker, short_date
from .document import Document

KIND = "local-action-plan"
TEMPLATE = "docx/local-action-plan.docx"
FOLDER = "local-action-plans"
# Portrait A4 with 2 cm margins leaves 17 cm: the annex sits in portrait reports too.
WIDTHS = (4.0, 3.2, 3.2, 3.8, 2.8)


def slug(name: str) -> str:
    """'Tonbridge and Malling' -> 'tonbridge-and-malling': the plan's file name."""
    from ..data.names import file_stem  # load refuses two districts with one file name by the same rule

    return file_stem(name)


def districts(now: Position) -> list[model.District]:
    """The districts known as at the date, in districts.csv order."""
    return now.districts


def find_district(data: model.DataSet, name: str) -> model.District:
    for district in data.districts:
        if district.district == name:
            return district
    allowed = ", ".join(d.district for d in data.districts) or "none: districts.csv lists no district"
    raise DataError([problem("districts.csv", 0, "district", f"unknown district '{name}' (allowed: {allowed})")])


def entries(now: Position, district: str) -> list[tuple[IndicatorPosition, model.PlanEntry]]:
    """The plan's rows as at the date, in the agreement's order; the newest row per NI wins."""
    rows = now.plan_rows(district)
    return [(indicator, rows[indicator.ni]) for indicator in now.indicators if indicator.ni in rows]


def countywide_target(now: Position, indicator: IndicatorPosition, mark) -> str:
    """The end-of-agreement target per measure, else the whole-period text, else why not yet."""
    final = now.agreement.years[-1]
    parts = []
    for measure in indicator.measures or [""]:
        record = indicator.values.get((measure, final)) or indicator.values.get((measure, "all"))
        if record:
            text = mark(record.value, record)
            parts.append(f"{measure}: {text}" if measure else text)
    if parts:
        return "\n".join(parts)
    status = indicator.status
    if status:
        words = now.agreement.words("statuses", status.status, now.as_at)[1]  # in the words of the plan's date
        return mark(f"Not yet set ({words})", status)
    return "Not yet set"


def answered_on(now: Position, indicator: IndicatorPosition, entry: model.PlanEntry):
    """The date the countywide baseline was set, for a plan row that waits on it; else None:
    a reason the data has since answered is not shown as pending."""
    return now.baseline_set_on(indicator.ni) if entry.pending else None


def local_target(entry: model.PlanEntry, mark, answered=None) -> str:
    """The local target, or why there is none; `answered`: the date the countywide figure it waited on came."""
    if entry.local_target:
        return mark(entry.local_target, entry)
    if answered:
        return mark(f"No local target yet: the countywide baseline was set on {short_date(answered)}; the local target is to be agreed", entry)
    if entry.no_target_reason:
        return mark(f"No local target: {entry.no_target_reason}", entry)
    return mark("No local target yet", entry)


def _groups(now: Position, chosen: list[tuple[IndicatorPosition, model.PlanEntry]]):
    """(heading, rows) by theme in the agreement's order, then the other sets."""
    by_ni = {i.ni: e for i, e in chosen}
    indicators = [i for i, _ in chosen]
    return [(group.label, [(i, by_ni[i.ni]) for i in inds]) for group, inds in now.groups(indicators)]


def annex_blocks(position: Position, district: str) -> list[dict]:
    """One district's Local Action Plan as body blocks (no title): what the plan and a report's annex show."""
    now = position
    data = now.data
    row = find_district(data, district)
    mark = marker(now)
    chosen = entries(now, district)
    lsp = mark(row.lsp, row)
    blocks: list[dict] = [
        {"kind": "paragraph", "text": f"**Local Strategic Partnership:** {lsp}"},
        {"kind": "paragraph", "text": f"**District council:** {row.council}"},  # a public fact; only the LSP name may be illustrative
        {"kind": "paragraph", "text": f"**Position as at:** {long_date(now.as_at)}"},
    ]
    illustrative = data.is_illustrative(row.source) or any(
        data.is_illustrative(e.source) or now.illustrative(i.records()) for i, e in chosen
    )
    if illustrative:
        blocks.append({"kind": "paragraph", "text": ILLUSTRATIVE_NOTE, "style": "Caption"})
    if not chosen:
        blocks.append({"kind": "paragraph", "text": f"As at {long_date(now.as_at)} the Local Strategic Partnership has not yet chosen any indicators for its Local Action Plan."})
        return blocks
    blocks.append({"kind": "paragraph", "text": _summary(now, chosen)})
    final = now.agreement.years[-1]
    columns = ["Indicator", f"Countywide target (by {final})", "Local target, or why there is none", "Local actions", "Local partners"]
    for heading, rows in _groups(now, chosen):
        blocks.append({"kind": "heading", "level": 2, "text": heading})
        blocks.append({
            "kind": "table",
            "columns": columns,
            "widths": list(WIDTHS),
            "rows": [
                [
                    f"NI {i.ni} {i.title}",
                    countywide_target(now, i, mark),
                    local_target(e, mark, answered_on(now, i, e)),
                    mark(e.actions, e) or "None recorded yet",
                    mark(e.local_partners, e) or "None recorded yet",
                ]
                for i, e in rows
            ],
        })
    return blocks


def _summary(now: Position, chosen) -> str:
    with_target = sum(1 for _, e in chosen if e.local_target)
    reasons = Counter(
        "countywide baseline now set, local target to be agreed" if answered_on(now, i, e) else (e.no_target_reason or "reason not yet recorded")
        for i, e in chosen if not e.local_target
    )
    text = (
        f"The Local Strategic Partnership has chosen {len(chosen)} of the {len(now.indicators)} indicators "
        f"in {now.agreement.name}: {with_target} with a local target"
    )
    if reasons:
        listed = "; ".join(f"{reason}: {count}" for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        text += f" and {sum(reasons.values())} without one ({listed})"
    return text + "."


def context(now: Position, district: model.District) -> dict:
    agreement = now.agreement
    title = f"{agreement.name}: Local Action Plan for {district.district}"
    return {
        "title": title,
        "classification_label": agreement.marking("part1"),  # a plan is public: the Part 1 marking
        "footer": f"{title} - position as at {long_date(now.as_at)}",
        "body": [{"kind": "heading", "level": 1, "text": title}, *annex_blocks(now, district.district)],
        "properties": {
            "title": title,
            "author": district.council,
            "subject": f"Local Action Plan for {district.district}",
            "date": now.as_at.isoformat(),
        },
    }


def documents(now: Position) -> list:
    """One Local Action Plan per district whose LSP has chosen indicators by the date, each in
    its own file: a plan with nothing chosen yet is not a plan anyone would send."""
    return [
        Document(f"{FOLDER}/{slug(d.district)}", KIND, TEMPLATE, context(now, d), docx.render)
        for d in districts(now) if now.plan_rows(d.district)
    ]
