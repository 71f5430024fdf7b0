"""The six-monthly monitoring report for the Kent Public Service Board, and its workbook.

Built for each ended period once a return for it is in, as at the build's date: RAG by
theme, the exceptions (Red) with the officer's commentary and remedial action, every
returned indicator against its trajectory with a chart, and the returns still awaited.
The consolidated workbook holds the same rows, one per indicator measure.
"""

from __future__ import annotations

from .. import model
from ..data.returns import number_text
from ..history import Position
from ..history.monitoring import RAG_WORDS, Assessment, Round, ended, figures, monitoring_round, trajectory
from ..layout import docx, xlsx
from . import context
from .context import ILLUSTRATIVE_NOTE, long_date
from .document import Document

KIND = "monitoring-report"
FOLDER = "monitoring"
NOT_RATED = "Not rated"


def documents(now: Position) -> list[Document]:
    out = []
    for period in ended(now.data, now.as_at):
        found = monitoring_round(now.data, period, now.as_at)
        if len(found.missing) == len(found.due):
            continue  # nothing returned yet: nothing to report
        ctx = report_context(now.data, found)
        doc_id = f"{FOLDER}/{period.code}/monitoring-report"
        out += [
            Document(doc_id, KIND, "docx/monitoring-report.docx", ctx, docx.render),
            Document(doc_id, KIND, "xlsx/monitoring.xlsx", ctx, xlsx.monitoring),
        ]
    return out


def report_context(data: model.DataSet, found: Round) -> dict:
    agreement, period = data.agreement, found.period
    facts, monitoring = agreement.facts, agreement.monitoring
    sender = facts.get("partnership_office") or facts.get("responsible_authority", "")

    def mark(text: str, source: str) -> str:
        return f"{text} (illustrative)" if text and data.is_illustrative(source) else text

    title = f"{agreement.name}: six-monthly monitoring report, {period.label}"
    audience = " and the ".join(x for x in (monitoring.get("report_to"), monitoring.get("also_to")) if x)
    received = len(found.due) - len(found.missing)
    subtitle = (
        f"Report to the {audience}" + (f" from the {sender}" if sender else "")
        + f". Position as at {long_date(found.as_at)}: {received} of {len(found.due)} returns received "
        f"(due by {long_date(period.deadline)})."
    )
    by_theme = _by_theme(agreement, found.assessments)
    rows = {id(a): _row(a, mark) for a in found.assessments}
    used = _sources(found, monitoring.get("source", "")) | {o.source for o, _ in found.due}
    illustrative = any(data.is_illustrative(s) for s in used)
    rules = monitoring["rag"]
    ctx = {
        "title": title,
        "subtitle": subtitle,
        "as_at": found.as_at.isoformat(),
        "author": sender,
        "illustrative_note": ILLUSTRATIVE_NOTE if illustrative else "",
        "rules": (f"Green: {rules['green'].lower()}. Amber: {rules['amber'].lower()} (within {rules['amber_tolerance']:g}% of the "
                  f"trajectory point). Red: {rules['red'].lower()}. Direction of travel compares the actual with the previous "
                  "period's (the baseline in the first period)."),
        "summary": _summary(agreement, found, by_theme),
        "exceptions": [_exception(a, rows[id(a)], mark) for a in found.assessments if a.rag == "red"],
        "groups": [{"heading": theme.get("heading", theme.label.upper()), "name": theme.label, "rows": [rows[id(a)] for a in members],
                    "charts": [_chart(data, found, a) for a in members if a.rag]} for theme, members in by_theme],
        "missing": [[mark(o.officer, o.source), o.organisation, ", ".join(f"NI {ni}" for ni in dict.fromkeys(x.ni for x in lines)), long_date(period.deadline)]
                    for o, lines in found.missing],
        "late": [f"{mark(o.officer, o.source)} ({o.organisation}): returned {long_date(r.date)}" for o, r in found.late],
        "sources": [f"{s}: {data.sources[s].title}" for s in sorted(used) if s in data.sources],
        "classification_label": "Unrestricted",
        "footer": f"{title}, as at {long_date(found.as_at)}",
    }
    ctx["body"] = _body(ctx)
    ctx["properties"] = {"title": title, "author": sender, "subject": f"Monitoring report to the {audience}", "date": found.as_at.isoformat()}
    return ctx


def _sources(found: Round, own: str) -> set[str]:
    """The returns' sources and the monitoring's own (its periods and deadlines)."""
    return ({a.returned.source for a in found.assessments} | {own}) - {""}


def _by_theme(agreement: model.Agreement, assessments: list[Assessment]) -> list[tuple[model.Code, list[Assessment]]]:
    return [(t, [a for a in assessments if a.line.theme == t.code]) for t in agreement.themes if any(a.line.theme == t.code for a in assessments)]


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    text = number_text(value)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def _row(a: Assessment, mark) -> dict:
    line = a.line
    return {
        "indicator": f"NI {line.ni} {line.title}",
        "ni": f"NI {line.ni}",
        "measure": line.measure,
        "baseline": line.baseline,
        "target": line.target,
        "trajectory": _figure(line.trajectory, line.unit) or NOT_RATED,
        "actual": mark(_figure(a.actual, line.unit), a.returned.source) or "(none)",
        "rag": RAG_WORDS.get(a.rag, NOT_RATED),
        "rag_text": RAG_WORDS[a.rag] if a.rag else f"{NOT_RATED}: {a.why}",
        "direction": a.direction,
        "commentary": mark(a.commentary, a.returned.source),
        "remedial": mark(a.remedial, a.returned.source),
        "quality": a.quality,
        "officer": mark(a.officer.officer, a.officer.source),
        "returned": context.short_date(a.returned.date),
    }


def _summary(agreement: model.Agreement, found: Round, by_theme) -> dict:
    awaited = {}
    for officer, lines in found.missing:
        for line in lines:
            awaited[line.theme] = awaited.get(line.theme, 0) + 1
    rows, totals = [], [0] * 5
    themes = [t for t in agreement.themes if t.code in awaited or any(t.code == th.code for th, _ in by_theme)]
    for theme in themes:
        members = [a for a in found.assessments if a.line.theme == theme.code]
        counts = [sum(1 for a in members if a.rag == code) for code in ("green", "amber", "red")]
        counts += [sum(1 for a in members if not a.rag), awaited.get(theme.code, 0)]
        totals = [t + c for t, c in zip(totals, counts)]
        rows.append([theme.label, *map(str, counts)])
    rows.append(["Total", *map(str, totals)])
    return {"columns": ["Theme", "Green", "Amber", "Red", NOT_RATED, "Awaiting a return"], "rows": rows, "total_row": len(rows) - 1}


def _exception(a: Assessment, row: dict, mark) -> dict:
    line = a.line
    what = f"NI {line.ni} {line.name}"
    facts = (f"Actual {row['actual']} against a trajectory of {row['trajectory']} (baseline {line.baseline or 'not set'}; "
             f"target {line.target or 'not set'}). Direction of travel: {a.direction or 'not known'}. "
             f"Accountable officer: {mark(a.officer.officer, a.officer.source)}, {a.officer.organisation}.")
    return {"heading": what, "facts": facts,
            "commentary": row["commentary"] or "No commentary was given.",
            "remedial": row["remedial"] or "No remedial action was given."}


def _chart(data: model.DataSet, found: Round, a: Assessment) -> dict:
    """The trajectory over every period and the actuals returned so far, for one line."""
    from ..history import position

    agreement, line = data.agreement, a.line
    indicator = position(data, found.period.end).by_ni(line.ni)
    periods = agreement.periods
    trajectory_points = [figures(agreement, indicator, line.measure).get(0)] + [trajectory(agreement, indicator, line.measure, p)[0] for p in periods]
    actuals: list[float | None] = [None]
    for p in periods:
        hit = None
        if p.end <= found.period.end:
            hit = next((x.actual for x in monitoring_round(data, p, found.as_at).assessments if x.line.key == line.key), None)
        actuals.append(hit)
    categories = ["Baseline"] + [f"{p.end:%b %y}" for p in periods]
    unit = f" ({line.unit})" if line.unit else ""
    spec = {
        "kind": "line", "title": f"NI {line.ni}" + (f" ({line.measure})" if line.measure else "") + ": actual against the trajectory", "categories": categories,
        "x_label": "Period ending", "y_label": line.unit or "Value",
        "series": [{"label": "Trajectory", "values": trajectory_points}, {"label": "Actual", "values": actuals}],
        "width_in": 6.0, "height_in": 2.0,
    }
    steps = "; ".join(f"{c}: {number_text(v)}" for c, v in zip(categories, trajectory_points) if v is not None)
    got = "; ".join(f"{c}: {number_text(v)}" for c, v in zip(categories, actuals) if v is not None)
    alt = f"Line chart of NI {line.ni} {line.name}{unit}. Trajectory {steps}. Actual {got or 'none yet'}. {RAG_WORDS[a.rag]} this period."
    return {"chart": spec, "alt": alt, "caption": f"NI {line.ni} {line.name}: actual against the trajectory ({RAG_WORDS[a.rag]})."}


def _body(ctx: dict) -> list[dict]:
    body = [
        {"kind": "heading", "level": 1, "text": ctx["title"]},
        {"kind": "paragraph", "text": ctx["subtitle"]},
    ]
    if ctx["illustrative_note"]:
        body.append({"kind": "paragraph", "text": f"**{ctx['illustrative_note']}**"})
    body += [
        {"kind": "heading", "level": 2, "text": "Summary by theme"},
        {"kind": "table", "columns": ctx["summary"]["columns"], "rows": ctx["summary"]["rows"], "widths": [6.5, 1.8, 1.8, 1.8, 2.2, 2.9], "emphasis_rows": [ctx["summary"]["total_row"]]},
        {"kind": "paragraph", "text": ctx["rules"]},
        {"kind": "heading", "level": 2, "text": "Exceptions: indicators rated Red"},
    ]
    if not ctx["exceptions"]:
        body.append({"kind": "paragraph", "text": "No returned indicator is rated Red this period."})
    for e in ctx["exceptions"]:
        body += [
            {"kind": "heading", "level": 3, "text": e["heading"]},
            {"kind": "paragraph", "text": e["facts"]},
            {"kind": "paragraph", "text": f"**Commentary:** {e['commentary']}"},
            {"kind": "paragraph", "text": f"**Remedial action:** {e['remedial']}"},
        ]
    body.append({"kind": "heading", "level": 2, "text": "Every returned indicator against its trajectory"})
    for group in ctx["groups"]:
        body.append({"kind": "heading", "level": 3, "text": group["name"]})
        rows = [[r["indicator"] + (f" ({r['measure']})" if r["measure"] else ""), r["trajectory"], r["actual"], r["rag_text"], r["direction"], r["commentary"]] for r in group["rows"]]
        body.append({"kind": "table", "columns": ["Indicator", "Trajectory", "Actual", "RAG", "Direction of travel", "Commentary"], "rows": rows, "widths": [4.4, 2.0, 2.2, 2.6, 1.9, 3.9]})
        for chart in group["charts"]:
            body.append({"kind": "chart", "chart": chart["chart"], "alt": chart["alt"], "caption": chart["caption"], "width_cm": 14.0, "keep_with_next": True})
    body.append({"kind": "heading", "level": 2, "text": "Returns still awaited"})
    if ctx["missing"]:
        body.append({"kind": "table", "columns": ["Accountable officer", "Organisation", "Indicators", "Due by"], "rows": ctx["missing"], "widths": [4.0, 4.6, 5.4, 3.0]})
    else:
        body.append({"kind": "paragraph", "text": "Every return due for the period has been received."})
    if ctx["late"]:
        body += [{"kind": "paragraph", "text": "Returned after the deadline:"}, {"kind": "bullets", "items": ctx["late"]}]
    if ctx["sources"]:
        body += [{"kind": "heading", "level": 2, "text": "Sources"}, {"kind": "bullets", "items": ctx["sources"]}]
    return body
