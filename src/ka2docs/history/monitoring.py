"""The six-monthly monitoring: the trajectory, what each return asks, and RAG as at a date.

The trajectory runs from the baseline to the annual targets, profiled per period: a
straight line in periods between the figures the data gives (a target row for a period
code is a profile point). A return's figures take effect on the day the officer returned
it, like any dated row, so RAG as at a date uses the returns received by then and
`changes` can report RAG moving. Nothing here reads files or knows formats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import model
from .changes import Change
from .position import IndicatorPosition, Position, position

RAG_ORDER = ("green", "amber", "red")
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}


@dataclass(frozen=True)
class Line:
    """One indicator (measure) as its return goes out: the prefilled cells and what they compare."""

    ni: int
    measure: str
    title: str
    theme: str
    unit: str
    better: str  # higher | lower | '' (not rated)
    baseline: str
    target: str
    trajectory: float | None
    previous: float | None
    why_not_rated: str  # '' when the line has a trajectory to compare with

    @property
    def name(self) -> str:
        """What the return's Measure column says: the title, and the measure of a split indicator."""
        return f"{self.title} ({self.measure})" if self.measure else self.title

    @property
    def key(self) -> tuple[int, str]:
        return (self.ni, self.measure)


@dataclass(frozen=True)
class Assessment:
    """One returned line, compared with its trajectory."""

    period: model.Period
    line: Line
    officer: model.Officer
    returned: model.Return
    actual: float | None
    rag: str  # green | amber | red | '' (not rated: see why)
    why: str
    direction: str  # Improving | Worse | No change | ''
    commentary: str
    remedial: str
    quality: str

    @property
    def late(self) -> bool:
        return self.returned.date > self.period.deadline


@dataclass
class Round:
    """One period's monitoring as at a date: the returns in, the assessments, who is still due."""

    period: model.Period
    as_at: dt.date
    due: list[tuple[model.Officer, list[Line]]]
    assessments: list[Assessment] = field(default_factory=list)
    missing: list[tuple[model.Officer, list[Line]]] = field(default_factory=list)
    late: list[tuple[model.Officer, model.Return]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {code: 0 for code in (*RAG_ORDER, "not rated")}
        for a in self.assessments:
            counts[a.rag or "not rated"] += 1
        return counts


# --- the trajectory ------------------------------------------------------------------


def steps(agreement: model.Agreement) -> tuple[dict[str, int], dict[str, int]]:
    """Each period's step (the baseline is step 0) and the step each year's target falls on (its last period)."""
    period_step = {p.code: n for n, p in enumerate(agreement.periods, start=1)}
    year_step = {p.year: period_step[p.code] for p in agreement.periods}
    return period_step, year_step


def figures(agreement: model.Agreement, indicator: IndicatorPosition, measure: str) -> dict[int, float]:
    """The figures the data gives for one measure, by step: baseline, annual targets, profile points."""
    period_step, year_step = steps(agreement)
    points: dict[int, float] = {}
    for year, step in (("baseline", 0), *year_step.items(), *period_step.items()):
        record = indicator.values.get((measure, year))
        if record is not None and record.number is not None:
            points[step] = record.number
    return points


def trajectory(agreement: model.Agreement, indicator: IndicatorPosition, measure: str, period: model.Period) -> tuple[float | None, str]:
    """The trajectory point for the period, or None and why there is none."""
    points = figures(agreement, indicator, measure)
    if not [s for s in points if s > 0]:
        has_target = any(m == measure and y != "baseline" for m, y in indicator.values)
        return None, "the target gives no figure to compare with" if has_target else "no target has been set"
    step = steps(agreement)[0][period.code]
    if step in points:
        return points[step], ""
    earlier, later = [s for s in points if s < step], [s for s in points if s > step]
    if not later:
        return None, f"no target figure for {period.year} or later"
    if not earlier:
        return points[min(later)], ""  # no baseline figure: the first target holds from the start
    a, b = max(earlier), min(later)
    return round(points[a] + (points[b] - points[a]) * (step - a) / (b - a), 2), ""  # to 2 places, as the return prints it


def direction_of(indicator: IndicatorPosition, measure: str) -> tuple[str, str]:
    """(better, unit) for a measure: from its rows that give a figure, the latest first."""
    rows = [v for (m, _), v in indicator.values.items() if m == measure and v.number is not None]
    rows.sort(key=lambda v: v.date, reverse=True)
    better = next((v.better for v in rows if v.better), "")
    unit = next((v.unit for v in rows if v.unit), "")
    return better, unit


def rag(actual: float, point: float, baseline: float | None, better: str, tolerance: float) -> str:
    """Green on or better than the point; Amber behind it by at most `tolerance` per cent of
    the point (of the baseline when the point is 0); Red beyond that."""
    shortfall = point - actual if better == "higher" else actual - point
    if round(shortfall, 9) <= 0:
        return "green"
    allowance = tolerance / 100 * abs(point if point else (baseline or 0))
    return "amber" if round(shortfall - allowance, 9) <= 0 else "red"


def direction(actual: float, before: float | None, better: str) -> str:
    """Direction of travel against the previous actual (the baseline for the first period)."""
    if before is None or not better:
        return ""
    if round(actual - before, 9) == 0:
        return "No change"
    improved = actual > before if better == "higher" else actual < before
    return "Improving" if improved else "Worse"


# --- the returns as they go out ---------------------------------------------------------


def officers_due(data: model.DataSet, period: model.Period) -> list[tuple[model.Officer, list[Line]]]:
    """Each accountable officer holding indicators in the agreement at the period's end, with their lines."""
    return data.kept(("officers due", period.code), lambda: _officers_due(data, period))


def _officers_due(data: model.DataSet, period: model.Period) -> list[tuple[model.Officer, list[Line]]]:
    now = position(data, period.end)
    current = {}
    for officer in sorted((o for o in data.officers if o.date <= period.end), key=lambda o: o.date):
        current[officer.officer] = officer  # a later row for the same officer supersedes
    out = []
    for officer in current.values():
        lines = [line for ni in officer.indicators if (i := now.by_ni(ni)) for line in lines_of(data, now, i, period)]
        if lines:
            out.append((officer, lines))
    return out


def lines_of(data: model.DataSet, now: Position, indicator: IndicatorPosition, period: model.Period) -> list[Line]:
    agreement = data.agreement
    out = []
    for measure in indicator.measures or [""]:
        point, why = trajectory(agreement, indicator, measure, period)
        better, unit = direction_of(indicator, measure)
        if point is not None and not better:
            point, why = None, "the data does not say whether higher or lower is better"
        out.append(Line(
            indicator.ni, measure, indicator.title, indicator.theme, unit, better,
            indicator.value(measure, "baseline"), _target_text(agreement, indicator, measure, period),
            point, _previous_actual(data, period, indicator, measure), why,
        ))
    return out


def _target_text(agreement: model.Agreement, indicator: IndicatorPosition, measure: str, period: model.Period) -> str:
    """The period's annual target; else the next year's that has one (named); else the whole-period target."""
    years = agreement.years
    for year in years[years.index(period.year):]:
        text = indicator.value(measure, year)
        if text:
            return text if year == period.year else f"{year}: {text}"
    whole = indicator.value(measure, "all")
    return f"Whole period: {whole}" if whole else ""


def _previous_actual(data: model.DataSet, period: model.Period, indicator: IndicatorPosition, measure: str) -> float | None:
    """The actual the previous period's return gave, as received by this period's end."""
    periods = data.agreement.periods
    n = periods.index(period)
    if n == 0:
        return None
    earlier = periods[n - 1]
    for r in data.returns:
        if r.period == earlier.code and r.date <= period.end:
            for line in r.lines:
                if (line.ni, line.measure) == (indicator.ni, measure) and line.actual is not None:
                    return line.actual
    return None


def baseline_figure(data: model.DataSet, period: model.Period, line: Line) -> float | None:
    indicator = position(data, period.end).by_ni(line.ni)
    return figures(data.agreement, indicator, line.measure).get(0) if indicator else None


# --- RAG as at a date --------------------------------------------------------------------


def ended(data: model.DataSet, as_at: dt.date) -> list[model.Period]:
    """The periods over by the date: their returns are due."""
    return [p for p in data.agreement.periods if p.end < as_at]


def monitoring_round(data: model.DataSet, period: model.Period, as_at: dt.date) -> Round:
    return data.kept(("monitoring round", period.code, as_at), lambda: _round(data, period, as_at))


def _round(data: model.DataSet, period: model.Period, as_at: dt.date) -> Round:
    tolerance = data.agreement.monitoring["rag"]["amber_tolerance"]
    due = officers_due(data, period)
    result = Round(period, as_at, due)
    received = {r.officer: r for r in data.returns if r.period == period.code and r.date <= as_at}
    for officer, lines in due:
        returned = received.get(officer.officer)
        if returned is None:
            result.missing.append((officer, lines))
            continue
        if returned.date > period.deadline:
            result.late.append((officer, returned))
        answers = {(x.ni, x.measure): x for x in returned.lines}
        for line in lines:
            answer = answers.get(line.key)
            if answer is None:
                continue
            result.assessments.append(_assess(data, period, line, officer, returned, answer, tolerance))
    return result


def _assess(data, period, line: Line, officer, returned, answer: model.ReturnLine, tolerance: float) -> Assessment:
    grade, why, travel = "", line.why_not_rated, ""
    if line.trajectory is not None and answer.actual is None:
        why = "no actual was returned"
    elif line.trajectory is not None:
        baseline = baseline_figure(data, period, line)
        grade = rag(answer.actual, line.trajectory, baseline, line.better, tolerance)
        travel = direction(answer.actual, line.previous if line.previous is not None else baseline, line.better)
    return Assessment(period, line, officer, returned, answer.actual, grade, why, travel, answer.commentary, answer.remedial, answer.quality)


def latest_rag(data: model.DataSet, as_at: dt.date) -> dict[tuple[int, str], Assessment]:
    """Each rated line's RAG from the latest period with a return in by the date."""
    out: dict[tuple[int, str], Assessment] = {}
    for period in ended(data, as_at):
        for a in monitoring_round(data, period, as_at).assessments:
            if a.rag:
                out[a.line.key] = a
    return out


def rag_counts(data: model.DataSet, as_at: dt.date) -> dict | None:
    """For `status`: the latest period with returns in, its RAG counts and who is still due; None before any return."""
    rounds = [monitoring_round(data, p, as_at) for p in ended(data, as_at)]
    rounds = [r for r in rounds if r.assessments]
    if not rounds:
        return None
    last = rounds[-1]
    return {
        "period": last.period.code, "label": last.period.label, "counts": last.counts(),
        "returns": len(last.due) - len(last.missing), "due": len(last.due), "missing": [o.officer for o, _ in last.missing],
        "illustrative": any(data.is_illustrative(a.returned.source) for a in last.assessments),
    }


def rag_changes(data: model.DataSet, since: dt.date, as_at: dt.date) -> list[Change]:
    """RAG moving between two dates, one Change per line whose RAG differs."""
    if not data.agreement.periods or not data.returns:
        return []
    before, after = latest_rag(data, since), latest_rag(data, as_at)
    out = []
    for key, now in after.items():
        old = before.get(key)
        if old is not None and old.rag == now.rag:
            continue
        out.append(Change(
            now.returned.date, key[0], "rag", key[1], rag_text(old) if old else "", rag_text(now),
            f"Monitoring return for {now.period.label}", now.returned.source, old_source=old.returned.source if old else "",
        ))
    return out


def rag_text(a: Assessment) -> str:
    return f"{RAG_WORDS[a.rag]} ({a.period.label})"


AIMS = {"higher": "Higher is better", "lower": "Lower is better"}


def prefilled(line: Line) -> dict[str, object]:
    """The cells a return goes out with, by column: the officer leaves them as they are."""
    return {
        "NI": line.ni,
        "Measure": line.name,
        "Unit": line.unit,
        "Aim": AIMS.get(line.better, ""),
        "Baseline": line.baseline,
        "Target": line.target,
        "Trajectory": line.trajectory if line.trajectory is not None else f"Not rated: {line.why_not_rated}",
        "Previous actual": line.previous,
    }
