"""The values each document shows, computed once from a Position as plain data.

Contexts are plain dicts of text and numbers: renderers only lay them out, and the
build fingerprints them to tell which documents changed.
"""

from __future__ import annotations

import datetime as dt

from ..history import IndicatorPosition, Position, Summary
from ..model import Code

ILLUSTRATIVE_NOTE = (
    "Illustrative: values marked (illustrative) come from data whose source is labelled "
    "illustrative, not from a real paper."
)
ILLUSTRATIVE_MARK = " (illustrative)"


def marked(text: str, illustrative: bool) -> str:
    """A value as a document prints it: marked when it comes from an illustrative source."""
    return f"{text}{ILLUSTRATIVE_MARK}" if text and illustrative else text


def marker(position: Position):
    """mark(text, record_or_source): the one way every document marks an illustrative value."""
    data = position.data

    def mark(text: str, record) -> str:
        return marked(text, data.is_illustrative(getattr(record, "source", record)))

    return mark


def heading(group: Code) -> str:
    """A theme's or set's heading row in the submission: its own `heading`, else its label in capitals."""
    return group.get("heading", group.label.upper())


def summary_cells(table: Summary) -> list[tuple[str, str]]:
    """The position summary as (label, count) cells: other sets' counts in brackets, as
    the county report prints them; a count that includes illustrative rows marked."""
    return [(row.label, marked(f"({row.count})" if row.kind == "set" else str(row.count), row.illustrative)) for row in table.rows]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day:%d/%m/%y}"


def money(amount: float) -> str:
    """£340m, £6.8m, £1.2bn: the way the reports write sums."""
    if amount >= 1e9:
        return f"£{amount / 1e9:.1f}bn".replace(".0bn", "bn")
    return f"£{amount / 1e6:.1f}m".replace(".0m", "m")


def partners_text(position: Position, indicator: IndicatorPosition) -> str:
    """'Lead: X* / Statutory Partners: ... / Non Statutory Partners: ...' as the template shows it."""
    lines = []
    for role in position.agreement.roles:
        if role.get("signed", True) is False:
            continue
        signed = indicator.partners(role.code)
        names = [s.partner + (f" ({s.detail})" if s.detail else "") + ("*" if role.code == "lead" else "") for s in signed]
        heading = role.get("heading", role.label + ":")
        if names or role.code == "lead":
            lines.append(f"{heading} {', '.join(names)}".rstrip())
    return "\n".join(lines)


def value_rows(position: Position, indicator: IndicatorPosition, mark) -> list[dict]:
    """One row per measure: baseline, one target per year, and any whole-period target."""
    years = position.agreement.years
    measures = indicator.measures or [""]
    rows = []
    for measure in measures:
        def cell(year: str, measure: str = measure) -> str:
            record = indicator.values.get((measure, year))
            return mark(record.value, record) if record else ""

        rows.append({
            "measure": measure,
            "baseline": cell("baseline"),
            "targets": [cell(y) for y in years],
            "period": cell("all"),
            "designated": "*" if any(v.designated for (m, _), v in indicator.values.items() if m == measure) else "",
        })
    return rows


def submission(position: Position, part2: bool = False) -> dict:
    """The draft submission template as GOSE receives it, grouped by theme, DCSF last."""
    agreement = position.agreement

    mark = marker(position)

    def indicator_rows(indicator: IndicatorPosition) -> list[dict]:
        rows = []
        status = indicator.status
        commentary = ""
        if status and (part2 or not status.restricted):
            commentary = mark(status.commentary, status) if status.commentary else ""
        status_text = mark(agreement.entry("statuses", status.status).get("short", status.status), status) if status else ""
        for n, values in enumerate(value_rows(position, indicator, mark)):
            first = n == 0
            rows.append({
                "ni": indicator.ni,
                "indicator": f"NI {indicator.ni} {indicator.title}" + (f" (replaces NI {indicator.replaces})" if indicator.replaces else ""),
                **values,
                "partners": partners_text(position, indicator) if first else "",
                "status": status_text if first else "",
                "commentary": commentary if first else "",
                "illustrative": position.illustrative(indicator.records()),
            })
        return rows

    def rows_for(indicators: list[IndicatorPosition]) -> list[dict]:
        # An indicator's rows depend on its own rows and the data set only: worked out once for
        # every date it is the same on (bulletins repeat most), copied so no two contexts share a list.
        rows, key = [], ("submission rows", part2)
        for indicator in indicators:
            if key not in indicator.worked_out:
                indicator.worked_out[key] = indicator_rows(indicator)
            rows += [{**row, "targets": list(row["targets"])} for row in indicator.worked_out[key]]
        return rows

    groups = [{"heading": heading(group), "rows": rows_for(inds)} for group, inds in position.groups()]
    illustrative = any(r["illustrative"] for g in groups for r in g["rows"])
    facts = agreement.facts
    return {
        "title": f"{agreement.name}: draft submission template",
        "subtitle": f"{facts.get('area', '')} Local Area Agreement {facts.get('period', '')} - position as at {long_date(position.as_at)}".strip(),
        "as_at": position.as_at.isoformat(),
        "author": agreement.office,
        "years": agreement.years,
        "groups": groups,
        "illustrative_note": ILLUSTRATIVE_NOTE if illustrative else "",
        "part2": part2,
    }


def figures(position: Position) -> dict:
    """Every figure a narrative may quote, computed from the data; names are the narrative's vocabulary."""
    agreement = position.agreement
    facts = agreement.facts
    counts = position.status_counts()
    negotiated = position.negotiated
    other_sets = [i for s in agreement.sets[1:] for i in position.in_set(s.code)]
    reward = agreement.reward_grant
    pot = float(reward.get("national_pot") or 0)
    share = float(reward.get("area_share") or 0)
    deadline = facts.get("submission_deadline")
    return {
        "agreement": agreement.name,
        "short_name": facts.get("short_name", agreement.name),
        "area": facts.get("area", ""),
        "government_office": str(facts.get("government_office", "")),
        "government_office_short": str(facts.get("government_office_short", "")),
        "indicators": len(negotiated),
        "limit": agreement.sets[0].get("limit", len(negotiated)),
        # Each set by its code: {{ sets['CODE'].count }}, {{ sets['CODE'].label }}.
        "sets": {s.code: {"count": len(position.in_set(s.code)), "label": s.label} for s in agreement.sets},
        "other_sets": len(other_sets),  # every indicator outside the negotiated (first) set
        "counts": counts,
        "total": sum(1 for i in negotiated if i.status),  # the section 7 table's Total
        "partners_signed": len(position.signed_partners()),
        "signups": sum(len(i.signups) for i in position.indicators),
        "as_at": short_date(position.as_at),
        "as_at_long": long_date(position.as_at),
        "deadline": f"{deadline.day} {deadline:%B}" if deadline else "",
        "deadline_short": short_date(deadline) if deadline else "",
        "reward": {
            "national_pot": money(pot),
            "share": f"{share * 100:g}%",
            "estimate": money(pot * share),
            "previous_total": money(float(reward.get("previous_agreement_total") or 0)),
        },
        "themes": len(position.by_theme()),
        # For the committee reports' prose: '01 May', 'the national list of 198', '2008-11', '3 year targets'.
        "as_at_day": f"{position.as_at:%d %B}",
        "national_indicators": agreement.last_ni - agreement.first_ni + 1,
        "period": str(facts.get("period", "")),
        "years": len(agreement.years),
    }
