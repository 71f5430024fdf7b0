"""The partner sign-up matrix: who has signed up to which indicator, and the gaps to chase.

The Kent Partnership office circulates it to chase sign-ups, so every gap is found here
once, from the position as at a date, and shown twice: shaded in the grid and in words
on the Gaps sheet. `partner_signups` answers one partner's question for the CLI.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .. import model
from ..errors import DataError, problem
from ..history import IndicatorPosition, Position
from ..layout import xlsx
from .context import ILLUSTRATIVE_NOTE, long_date, marked
from .document import Document

KIND = "matrix"
TEMPLATE = "xlsx/matrix.xlsx"

# What each kind of gap is called and why it matters (general rules, not one area's facts).
GAPS = {
    "no-lead": ("No lead", "Every indicator needs at least one lead partner to answer for its target."),
    "no-statutory": ("No statutory partner", "No partner with a statutory duty to co-operate (and to have regard to the target) has signed up to it."),
    "signed-to-nothing": ("Statutory partner signed to nothing", "A statutory partner has a duty to co-operate in delivering the agreement but has not signed up to any target."),
    "no-signups": ("No sign-ups yet", "No partner has signed up yet. For information: the lead and statutory partner checks apply to the {main} only."),
}


@dataclass(frozen=True)
class Gap:
    kind: str
    ni: int | None
    partner: str
    title: str = ""

    @property
    def label(self) -> str:
        return GAPS[self.kind][0]

    @property
    def to_chase(self) -> bool:
        """Shaded in the grid; 'no sign-ups yet' outside the negotiated set is for information."""
        return self.kind != "no-signups"


def signed_roles(agreement: model.Agreement) -> list[model.Code]:
    return [r for r in agreement.roles if r.get("signed", True) is not False]


def partners(now: Position) -> list[model.Partner]:
    """Every partner known as at the date (partners.csv order), signed up or not."""
    return now.listed_partners()


def grid(now: Position) -> dict[tuple[str, int], model.Signup]:
    return {(s.partner, i.ni): s for i in now.indicators for s in i.signups}


def _has_statutory(now: Position, indicator: IndicatorPosition) -> bool:
    known = now.data.partners
    return any(known[s.partner].statutory for s in indicator.signups if s.partner in known)


def indicator_gaps(now: Position, indicator: IndicatorPosition) -> list[Gap]:
    """The lead and statutory checks apply to the negotiated set (the first set agreement.yaml lists)."""
    title = f"NI {indicator.ni} {indicator.title}"
    if indicator.set != now.main_set:
        return [] if indicator.signups else [Gap("no-signups", indicator.ni, "", title)]
    out = []
    if not indicator.leads:
        out.append(Gap("no-lead", indicator.ni, "", title))
    if not _has_statutory(now, indicator):
        out.append(Gap("no-statutory", indicator.ni, "", title))
    return out


def gaps(now: Position) -> list[Gap]:
    """Gaps to chase (indicators in the submission's order, then partners), then those listed for information."""
    found = [g for i in now.indicators for g in indicator_gaps(now, i)]
    signed = {s.partner for i in now.indicators for s in i.signups}
    found += [Gap("signed-to-nothing", None, p.partner) for p in partners(now) if p.statutory and p.partner not in signed]
    return [g for g in found if g.to_chase] + [g for g in found if not g.to_chase]


def _why(now: Position, gap: Gap) -> str:
    main = now.agreement.sets[0].label
    return GAPS[gap.kind][1].format(main=main)


def _cell(now: Position, signup: model.Signup | None) -> str:
    if signup is None:
        return ""
    label = now.agreement.label("roles", signup.role)
    return marked(label, now.data.is_illustrative(signup.source))


def context(now: Position) -> dict:
    agreement = now.agreement
    cells = grid(now)
    all_gaps = gaps(now)
    gap_text = {}
    for gap in all_gaps:
        key = gap.ni if gap.ni is not None else gap.partner
        if gap.to_chase:
            gap_text[key] = "; ".join(filter(None, [gap_text.get(key, ""), gap.label]))
    columns = [{"ni": i.label, "title": i.title, "gap": bool(gap_text.get(i.ni))} for i in now.indicators]
    rows = []
    for partner in partners(now):
        row_cells = [_cell(now, cells.get((partner.partner, i.ni))) for i in now.indicators]
        rows.append({
            "fields": {
                "partner": partner.partner,
                "statutory": "yes" if partner.statutory else "no",
                "total": sum(1 for c in row_cells if c),
                "gap": gap_text.get(partner.partner, ""),
            },
            "cells": row_cells,
            "gap": bool(gap_text.get(partner.partner)),
        })
    total = sum(len(i.signups) for i in now.indicators)
    footer = [
        {"fields": {"footer_label": label, "footer_total": whole}, "cells": values}
        for label, values, whole in (
            ("Total partners signed", [len(i.signups) for i in now.indicators], total),
            ("Leads", [len(i.leads) for i in now.indicators], sum(len(i.leads) for i in now.indicators)),
            ("Gap (to chase)", [gap_text.get(i.ni, "") for i in now.indicators], sum(1 for g in all_gaps if g.to_chase)),
        )
    ]
    illustrative = any(now.data.is_illustrative(s.source) for s in cells.values())
    note = ILLUSTRATIVE_NOTE if illustrative else ""
    roles = ", ".join(r.label for r in signed_roles(agreement))
    subtitle = f"Partners signed up to each indicator's target - position as at {long_date(now.as_at)}"
    title = f"{agreement.name}: partner sign-up matrix"
    return {
        "title": title,
        "as_at": now.as_at.isoformat(),
        "author": now.agreement.office,
        "signups": {
            "header": {
                "title": title,
                "subtitle": subtitle,
                "key": f"Each cell shows the partner's role ({roles}) or is empty. Shaded cells are gaps to chase: see the Gaps sheet.",
                "illustrative_note": note,
            },
            "columns": columns,
            "rows": rows,
            "footer": footer,
            "legend": _legend(now),
        },
        "gaps": {
            "header": {
                "title": f"{agreement.name}: sign-up gaps to chase",
                "subtitle": f"Position as at {long_date(now.as_at)}",
                "summary": _gap_summary(all_gaps),
                "illustrative_note": "",  # this sheet shows names and rules, no sign-up values
            },
            "rows": [
                {
                    "gap": g.label,
                    "indicator": g.title,
                    "partner": g.partner,
                    "why": _why(now, g),
                }
                for g in all_gaps
            ],
        },
        # A two-tier area's districts inherit their group's sign-ups; a unitary has no such sheet.
        "districts": districts_context(now, cells) if now.data.districts else None,
    }


def _legend(now: Position) -> list[dict]:
    roles = signed_roles(now.agreement)
    lines = [{"text": "Legend", "gap": False}]
    lines += [{"text": f"{r.label}: signed up as {r.get('heading', r.label).rstrip(':').lower()}", "gap": False} for r in roles]
    lines.append({"text": "Shaded: a gap to chase (an indicator with no lead or no statutory partner, or a statutory partner signed to nothing)", "gap": True})
    return lines


def _gap_summary(all_gaps: list[Gap]) -> str:
    def counted(gaps: list[Gap]) -> str:
        counts: dict[str, int] = {}
        for gap in gaps:
            counts[gap.label] = counts.get(gap.label, 0) + 1
        return "; ".join(f"{label}: {n}" for label, n in counts.items())

    chase = [g for g in all_gaps if g.to_chase]
    info = [g for g in all_gaps if not g.to_chase]
    text = f"{len(chase)} gaps to chase ({counted(chase)})." if chase else "No gaps to chase: every indicator has a lead and a statutory partner, and every statutory partner has signed up."
    if info:
        text += f" Listed for information: {counted(info)}."
    return text


def districts_context(now: Position, cells: dict) -> dict:
    """Each district in districts.csv inherits the sign-ups of the group partner it belongs to."""
    members = now.districts
    groups = list(dict.fromkeys(d.member_of for d in members))
    shown = [i for i in now.indicators if any((g, i.ni) in cells for g in groups)]
    inherited = [cells[(g, i.ni)] for g in groups for i in shown if (g, i.ni) in cells]
    note = ILLUSTRATIVE_NOTE if any(now.data.is_illustrative(s.source) for s in inherited) else ""
    rows = []
    for district in members:
        row_cells = [_cell(now, cells.get((district.member_of, i.ni))) for i in shown]
        rows.append({
            "fields": {"district": district.district, "council": district.council, "group": district.member_of, "total": sum(1 for c in row_cells if c)},
            "cells": row_cells,
            "gap": False,
        })
    if members:
        named = ", ".join(f"'{g}'" for g in groups)
        text = (
            f"The submission names the group {named}, not the districts. Each district below inherits the group's sign-ups, "
            f"labelled as such in 'Signed up as'; only the {len(shown)} indicators the group has signed up to are shown."
        )
    else:
        text = f"No districts are listed in districts.csv as at {long_date(now.as_at)}."
    return {
        "header": {
            "title": f"{now.agreement.name}: sign-ups of the districts (inherited from their group)",
            "subtitle": f"Position as at {long_date(now.as_at)}",
            "note": text,
            "illustrative_note": note,
        },
        "columns": [{"ni": i.label, "title": i.title, "gap": False} for i in shown],
        "rows": rows,
        "footer": [],
        "legend": [],
    }


def documents(now: Position) -> list:
    return [Document("matrix", KIND, TEMPLATE, context(now), xlsx.matrix)]


# --- one partner's sign-ups, for `ka2docs signups` ----------------------------------


def find_partner(now: Position, name: str) -> tuple[str, model.District | None]:
    """The partner a user means (any case); a district resolves to the group it belongs to."""
    wanted = name.strip().lower()
    known = partners(now)
    for partner in known:
        if partner.partner.lower() == wanted:
            return partner.partner, None
    for district in now.districts:
        if district.district.lower() == wanted and district.member_of in now.data.partners:
            return district.member_of, district
    later = next((p for p in now.data.partners.values() if p.partner.lower() == wanted), None)
    if later:
        raise DataError([problem("--partner", 0, "", f"'{later.partner}' is not a partner until {later.date} (allowed: --as-at {later.date} or later)")])
    names = [p.partner for p in known] + [d.district for d in now.districts]
    lowered = {n.lower(): n for n in names}
    close = [lowered[m] for m in difflib.get_close_matches(wanted, list(lowered), n=5, cutoff=0.5)]
    if not close:  # a fragment like 'police' is a better clue than the spelling
        close = [n for n in names if wanted and wanted in n.lower()][:5]
    where = "a partner in partners.csv or a district in districts.csv" if now.data.districts else "a partner in partners.csv"
    allowed = f"{where}; closest: {'; '.join(close)}" if close else "; ".join(names)
    raise DataError([problem("--partner", 0, "", f"no partner named '{name}' as at {now.as_at} (allowed: {allowed})")])


def partner_signups(now: Position, name: str) -> dict:
    """What one partner has signed up to as at the date, by role, as plain data."""
    partner, district = find_partner(now, name)
    record = now.data.partners[partner]
    roles = []
    for role in signed_roles(now.agreement):
        items = [
            {
                "ni": i.ni,
                "title": i.title,
                "detail": s.detail,
                "illustrative": now.data.is_illustrative(s.source),
            }
            for i in now.indicators
            for s in i.signups
            if s.partner == partner and s.role == role.code
        ]
        roles.append({"role": role.code, "label": role.label, "indicators": items})
    return {
        "partner": partner,
        "asked": name,
        "district": district.district if district else "",
        "statutory": record.statutory,
        "as_at": now.as_at.isoformat(),
        "total": sum(len(r["indicators"]) for r in roles),
        "roles": roles,
    }
