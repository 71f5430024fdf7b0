"""What a report narrative may name besides the figures: tables from the data, indicator(N), refresh.

Both routes use these: `- table: changes` with `since:` beside it in YAML, and
`{{p table('changes', since='2008-05-30') }}` alone in a paragraph of a Word body. Every
table is laid out from what another document already works out (the submission's rows,
the refresh schedule's change rows, the sign-up matrix's partner view, the Local Action
Plan's blocks): nothing is computed a second time here.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from .. import history
from ..data.narrative import NarrativeError, Report, Text
from ..data.schema import REPORT_TABLES
from ..data.values import parse_date
from ..errors import DataError, problem
from ..history import Position
from . import context
from .context import ILLUSTRATIVE_NOTE, long_date, short_date
from .table_cells import by_indicator, fitted_widths, measures  # the submission appendix's own cells and widths


@dataclass
class Request:
    """One table a narrative asked for: who asked (the report's layout), with which options, where."""

    layout: object  # reports._Layout: now, report, district, problems
    options: dict
    where: Text
    width: float

    @property
    def now(self) -> Position:
        return self.layout.now

    def fail(self, message: str) -> list[dict]:
        self.layout.problems.append(problem(self.where.file, self.where.line, self.where.column, message))
        return []


@dataclass(frozen=True)
class NarrativeTable:
    name: str
    what: str  # one line for the guide and `ka2docs names`
    options: tuple[str, ...]
    build: Callable[[Request], list[dict]]


def _changes(request: Request) -> list[dict]:
    since = request.options.get("since")
    if since is None:
        since = default_since(request.layout.report, request.now.data)
    else:
        since, error = parse_date(str(since))
        if error:
            return request.fail(f"since: {error}")
    if since is None:
        return request.fail("the changes table needs a date to compare with (allowed: since: YYYY-MM-DD)")
    if since > request.now.as_at:
        return request.fail(f"since {since.isoformat()} is after the report's date {request.now.as_at.isoformat()} (allowed: an earlier date)")
    return change_table(request, since, f"At {short_date(since)}")


def _refresh(request: Request) -> list[dict]:
    refresh = request.now.agreement.facts.get("refresh")
    if not refresh:
        return request.fail("the agreement has no refresh (allowed: agreement.refresh in agreement.yaml)")
    if refresh["submitted"] > request.now.as_at:
        return request.fail(f"the refresh table compares with the submission of {long_date(refresh['submitted'])}, after the report's date (allowed: a report dated on or after it)")
    return change_table(request, refresh["submitted"], f"At submission ({short_date(refresh['submitted'])})")


def change_table(request: Request, since: dt.date, old_heading: str) -> list[dict]:
    """The refresh schedule's rows (refresh.change_groups) between `since` and the report's date."""
    from . import refresh

    now, report = request.now, request.layout.report
    found = history.changes(now.data, since, now.as_at)
    if report.classification != "part2":
        found = history.public(found)
    groups = refresh.change_groups(now.data, since, now.as_at, found)
    if not found:
        return [{"kind": "paragraph", "text": f"Nothing changed between {long_date(since)} and {long_date(now.as_at)}."}]
    rows, headings = [], []
    for group in groups:
        headings.append(len(rows))
        rows.append([group["heading"], "", "", "", "", ""])
        rows += [[r["indicator"], r["change"], r["old"], r["new"], r["date"], r["reason"]] for r in group["rows"]]
    columns = ["Indicator", "What changed", old_heading, f"As at {short_date(now.as_at)}", "Date", "Reason"]
    blocks = []
    if any(r["illustrative"] for g in groups for r in g["rows"]):
        blocks.append({"kind": "paragraph", "text": ILLUSTRATIVE_NOTE, "style": "Caption", "keep_with_next": True})

    widths = fitted_widths(columns, [r for r in rows if r[1]], request.width)
    blocks.append({"kind": "table", "columns": columns, "rows": rows, "widths": widths, "emphasis_rows": headings})
    return blocks


def default_since(report: Report, data) -> dt.date | None:
    """The date a changes table compares with when `since` is not given: the later of the
    same council's previous report and the submission, before this report's date."""
    council = report.fields["council"].source if "council" in report.fields else ""
    earlier = [r.as_at for r in data.reports if r is not report and r.as_at < report.as_at and "council" in r.fields and r.fields["council"].source == council]
    refresh = data.agreement.facts.get("refresh") or {}
    if refresh.get("submitted") and refresh["submitted"] < report.as_at:
        earlier.append(refresh["submitted"])
    return max(earlier, default=None)


def _signups(request: Request) -> list[dict]:
    from .signup_matrix import partner_signups

    now, options = request.now, request.options
    if ("partner" in options) == ("indicator" in options):
        return request.fail("the signups table needs one of partner: or indicator: (allowed: partner: a name in partners.csv, indicator: an NI number)")
    if "partner" in options:
        try:
            found = partner_signups(now, str(options["partner"]))
        except DataError as exc:
            return request.fail(f"partner: {exc.problems[0].message}")
        rows = [[context.marked(role["label"], i["illustrative"]), f"NI {i['ni']} {i['title']}", i["detail"]] for role in found["roles"] for i in role["indicators"]]
        columns = ["Role", "Indicator", "Detail"]
        widths = (3.5, 9.5, 4.0)
        illustrative = any(i["illustrative"] for role in found["roles"] for i in role["indicators"])
    else:
        indicator = _indicator(now, options["indicator"])
        if isinstance(indicator, str):
            return request.fail(indicator)
        mark = context.marker(now)
        rows = [[mark(now.agreement.label("roles", s.role), s), s.partner, s.detail] for s in indicator.signups]
        columns = ["Role", "Partner", "Detail"]
        widths = (3.5, 7.0, 6.5)
        illustrative = now.illustrative(indicator.signups)
    if not rows:
        return [{"kind": "paragraph", "text": f"No sign-ups as at {long_date(now.as_at)}."}]
    blocks = [{"kind": "paragraph", "text": ILLUSTRATIVE_NOTE, "style": "Caption", "keep_with_next": True}] if illustrative else []
    return [*blocks, {"kind": "table", "columns": columns, "rows": rows, "widths": [w * request.width / 17.0 for w in widths]}]


def _local_action_plan(request: Request) -> list[dict]:
    from . import action_plans

    district = str(request.options.get("district") or request.layout.district)
    known = [d.district for d in request.now.data.districts]
    if district not in known:
        return request.fail(f"unknown district '{district}' (allowed: district: one of {', '.join(known)})") if district else []
    return action_plans.annex_blocks(request.now, district)


# Each table's builder and options; what it is comes from the schema (docs/data-reference.md says the same).
BUILDERS: dict[str, tuple[tuple[str, ...], Callable[[Request], list[dict]]]] = {
    "position_summary": ((), lambda r: r.layout.position_summary(r.width)),
    "submission": ((), lambda r: r.layout.submission(r.width)),
    "changes": (("since",), _changes),
    "refresh": ((), _refresh),
    "signups": (("partner", "indicator"), _signups),
    "local_action_plan": (("district",), _local_action_plan),
    "relevance": ((), lambda r: r.layout.relevance(r.width)),
}
TABLES = {name: NarrativeTable(name, REPORT_TABLES[name], *BUILDERS[name]) for name in REPORT_TABLES}


def build(layout, name: str, options: dict, where: Text, width: float) -> list[dict]:
    """The blocks of table `name`, or a problem naming the tables there are (and the nearest)."""
    request = Request(layout, options, where, width)
    table = TABLES.get(name)
    if table is None:
        near = difflib.get_close_matches(name, list(TABLES), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        return request.fail(f"unknown table '{name}'{hint} (allowed: {', '.join(TABLES)})")
    unknown = [k for k in options if k not in table.options]
    if unknown:
        return request.fail(f"the {name} table takes no option '{unknown[0]}' (allowed: {', '.join(table.options) or 'none'}, caption)")
    return table.build(request)


# --- figures beyond context.figures -------------------------------------------------


class IndicatorFigures:
    """indicator(N): one indicator as the submission shows it, for a sentence."""

    _names = ("ni", "title", "name", "baseline", "targets", "period", "lead", "partners", "status", "commentary")

    def __init__(self, label: str, **values):
        self._label = label
        self.__dict__.update(values)

    def __str__(self) -> str:
        return self.name


def _indicator(now: Position, number):
    try:
        ni = int(str(number).removeprefix("NI").strip())
    except ValueError:
        return f"'{number}' is not an indicator number (allowed: an NI number such as 187)"
    found = now.by_ni(ni)
    if found is None:
        listed = ", ".join(str(i.ni) for i in now.indicators)
        return f"NI {ni} is not in the agreement as at {long_date(now.as_at)} (allowed: {listed})"
    return found


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def extra_figures(now: Position, report: Report) -> dict:
    """indicator(N), the refresh figures and the previous report's date, for a report's narrative."""

    part2 = report.classification == "part2"
    rows: dict[int, list[dict]] = {}

    def indicator(number) -> IndicatorFigures:
        found = _indicator(now, number)
        if isinstance(found, str):
            raise NarrativeError(found)
        if not rows:
            ctx = context.submission(now, part2=part2)
            rows.update({lines[0]["ni"]: lines for group in ctx["groups"] for lines in by_indicator(group["rows"])})
        lines = rows[found.ni]

        def cell(value) -> str:
            return measures(lines, value).replace("\n", "; ")

        years = now.agreement.years
        names = [s.partner for s in found.signups]
        leads = [s.partner for s in found.leads]
        targets = _Named(f"indicator({found.ni}).targets", {y: cell(lambda r, n=n: r["targets"][n]) for n, y in enumerate(years)})
        return IndicatorFigures(
            f"indicator({found.ni})", ni=found.ni, title=found.title, name=f"NI {found.ni} {found.title}",
            baseline=cell(lambda r: r["baseline"]), targets=targets, period=cell(lambda r: r["period"]),
            lead=_and(leads), partners=_and([n for n in names if n not in leads]),
            status=lines[0]["status"], commentary=lines[0]["commentary"],
        )

    def table(*args, **kwargs):
        raise NarrativeError("a table goes in a paragraph of its own (allowed: a paragraph holding only {{p table('name') }} in Word, or - table: name in YAML)")

    figures = {"indicator": _Call("indicator(197)", indicator), "table": _Call("table('changes')", table), "refresh": _Named("refresh", refresh_figures(now, part2))}
    since = default_since(report, now.data)
    figures["previous"] = long_date(since) if since else ""
    return figures


def refresh_figures(now: Position, part2: bool = False) -> dict:
    """refresh.*: the refresh's dates, and how many lines of each kind its schedule has as at now."""
    refresh = now.agreement.facts.get("refresh")
    if not refresh:
        return {}
    submitted = refresh["submitted"]
    found = history.changes(now.data, submitted, now.as_at) if submitted <= now.as_at else []
    found = found if part2 else history.public(found)
    kinds = {"indicators": "indicator", "statuses": "status", "baselines": "baseline", "targets": "target", "designations": "designation", "signups": "sign-up"}
    then = history.position(now.data, submitted)
    return {
        "label": str(refresh.get("label") or "refresh"),
        "date": long_date(refresh["date"]),
        "submitted": long_date(submitted),
        "changes": len(found),
        **{name: sum(1 for c in found if c.kind == kind) for name, kind in kinds.items()},
        "counts": _Named("refresh.counts", then.status_counts()),  # the position on target-setting at submission
    }


class _Named(dict):
    """A dict of figures that knows its name, so an unknown key is reported as 'refresh has no ...'."""

    def __init__(self, label: str, values: dict):
        super().__init__(values)
        self._label = label

    def __str__(self) -> str:  # {{ refresh }} alone would print the dict
        raise NarrativeError(f"{self._label} is a group of figures (allowed: {', '.join(f'{self._label}.{k}' for k in self)})")


class _Call:
    """indicator and table: called with arguments, never printed bare ({{ indicator }} would print a function)."""

    def __init__(self, usage: str, function):
        self._usage, self._function = usage, function

    def __call__(self, *args, **kwargs):
        try:
            return self._function(*args, **kwargs)
        except TypeError:  # the wrong number of arguments
            raise NarrativeError(f"{self._usage.split('(')[0]} was called wrongly (allowed: {self._usage})") from None

    def __str__(self) -> str:
        raise NarrativeError(f"{self._usage.split('(')[0]} needs its arguments (allowed: {self._usage})")
