"""The ka2docs command: parse options, call the library, print, set the exit status.

Nothing here knows documents or data rules; errors of our own (Ka2docsError) become one
line each and exit 2 for bad input, anything unexpected one line and exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Generate a Local Area Agreement's reports, spreadsheets and bulletins from its data.",
)

DEBUG = {"on": False}


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (allowed: YYYY-MM-DD)") from None


DataOpt = Annotated[Path, typer.Option("--data", help="Folder holding agreement.yaml and the data tables.")]
AsAtOpt = Annotated[str | None, typer.Option("--as-at", metavar="YYYY-MM-DD", help="Date the documents speak for, YYYY-MM-DD (default: today). Rows dated later are ignored.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder the documents and manifest.json are written to.")]
TemplatesOpt = Annotated[Path, typer.Option("--templates", help="Folder of Word and Excel templates.")]
ProgressOpt = Annotated[bool | None, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr (default: on a terminal, once the build has run for a second).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat every warning (such as an indicator with no lead yet) as an error: exit 2.")]


def _read(data: Path, day: dt.date):
    """The data set for a question about it: bad data refused, the agreement's gaps allowed."""
    from .validate import check

    return check(data, day)


def _warn(warnings) -> None:
    for found in warnings:
        print(f"warning: {found}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"ka2docs {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an unexpected error.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    DEBUG["on"] = debug


@app.command()
def validate(data: DataOpt = Path("data"), as_at: AsAtOpt = None, strict: StrictOpt = False) -> None:
    """Check every data file and report narrative; list every problem as FILE:LINE: COLUMN: what is wrong (what is allowed)."""
    from .documents.reports import check_reports
    from .validate import check

    day = _date(as_at)
    warnings: list = []
    dataset = check(data, day, strict=strict, warnings=warnings)
    check_reports(dataset)  # each narrative's names and tables, as at its own date
    _warn(warnings)
    print(f"{data}: OK as at {day.isoformat()} ({len(dataset.indicators)} indicator rows, {len(dataset.signups)} sign-ups, {len(dataset.targets)} baselines and targets, {len(dataset.statuses)} statuses)")


@app.command()
def status(data: DataOpt = Path("data"), as_at: AsAtOpt = None, as_json: JsonOpt = False) -> None:
    """The position on target-setting: how many indicators have each negotiation status."""
    from .documents.context import ILLUSTRATIVE_NOTE, summary_cells
    from .history import position, summary

    day = _date(as_at)
    now = position(_read(data, day), day)
    table = summary(now)
    from .history.monitoring import rag_counts

    rag = rag_counts(now.data, day)
    if as_json:
        sets = {r.code: r.count for r in table.rows if r.kind == "set"}
        print(json.dumps({
            "as_at": day.isoformat(), "indicators": len(now.negotiated), "counts": table.counts, "sets": sets,
            "dcsf": sets.get("dcsf", 0),  # kept for the shipped data's scripts; `sets` names every set by its code
            "illustrative": [r.code for r in table.rows if r.kind == "status" and r.illustrative],
            "rows": [{"kind": r.kind, "code": r.code, "label": r.label, "count": r.count, "illustrative": r.illustrative} for r in table.rows],
            "rag": rag,  # null until a monitoring return is in
        }, sort_keys=True))
        return
    print(f"{now.agreement.name}: position on target-setting as at {day:%d/%m/%y}")
    cells = summary_cells(table)
    width = max(len(count) for _, count in cells)
    for label, count in cells:
        print(f"{count:>{width}}  {label}")
    if table.illustrative:
        print(ILLUSTRATIVE_NOTE)
    if rag:
        print(_rag_lines(rag))


def _rag_lines(rag: dict) -> str:
    """The latest monitoring period's RAG counts, as `status` prints them under the position."""
    mark = " (illustrative)" if rag["illustrative"] else ""
    lines = [f"RAG against the trajectory, {rag['label']}: {rag['returns']} of {rag['due']} returns in{mark}"]
    lines += [f"{count:>6}  {code.capitalize()}" for code, count in rag["counts"].items()]
    if rag["missing"]:
        lines.append(f"Awaited: {', '.join(rag['missing'])}")
    return "\n".join(lines)


@app.command()
def build(
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    out: OutOpt = Path("output"),
    templates: TemplatesOpt = Path("templates"),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside every Word document (needs LibreOffice).")] = False,
    pdf_server: Annotated[bool, typer.Option("--pdf-server/--no-pdf-server", help="With --pdf: use the PDF server, starting it if none runs (see `ka2docs pdf-server`); --no-pdf-server: LibreOffice for this build only.")] = True,
    strict: StrictOpt = False,
    progress_bar: ProgressOpt = None,
) -> None:
    """Write every document due as at the date, and output/manifest.json."""
    from .build import build as run

    day = _date(as_at)
    progress = _progress("documents", progress_bar)
    result = run(data, out, templates, day, pdf=pdf, progress=progress, strict=strict, pdf_server=pdf_server)
    _warn(result.gaps)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if progress:
        progress(0, 0)
    if result.unchanged:
        print(f"{out}: up to date as at {day.isoformat()} ({len(result.documents)} documents; nothing changed)")
    else:
        print(f"{out}: {len(result.written)} written, {len(result.reused)} unchanged, as at {day.isoformat()}")
    if result.pdf and result.pdf.documents:
        print(f"PDF: {result.pdf}")


def _progress(unit: str, wanted: bool | None):
    """A one-line progress bar on stderr: by default on a terminal, once a build has run
    for a second; --progress shows it from the start, --no-progress never."""
    import time

    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return None
    start = time.monotonic() - (1.0 if wanted else 0.0)
    shown = {"any": False}

    def update(done: int, total: int) -> None:
        if total == 0:
            if shown["any"]:
                sys.stderr.write("\n")
            return
        if time.monotonic() - start < 1.0:
            return
        shown["any"] = True
        filled = int(30 * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {unit}")
        sys.stderr.flush()

    return update


@app.command()
def signups(
    partner: Annotated[str, typer.Option("--partner", help="Partner name as in partners.csv (any case), or a district of districts.csv.")],
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What one partner has signed up to as at the date, by role (NI number and title)."""
    from .documents.signup_matrix import partner_signups
    from .history import position

    day = _date(as_at)
    found = partner_signups(position(_read(data, day), day), partner)
    if as_json:
        print(json.dumps(found, sort_keys=True))
        return
    via = f" (the district signs up as '{found['partner']}')" if found["district"] else ""
    kind = "statutory partner" if found["statutory"] else "non-statutory partner"
    print(f"{found['district'] or found['partner']}{via}: {kind}, signed up to {found['total']} indicators as at {day:%d/%m/%y}")
    for role in found["roles"]:
        print(f"{role['label']} ({len(role['indicators'])}):" + ("" if role["indicators"] else " none"))
        for item in role["indicators"]:
            detail = f" [{item['detail']}]" if item["detail"] else ""
            mark = " (illustrative)" if item["illustrative"] else ""
            print(f"  NI {item['ni']} {item['title']}{detail}{mark}")


@app.command("check")
def check_documents(out: OutOpt = Path("output")) -> None:
    """Check every document in OUT/manifest.json for accessibility; print each failure as FILE: rule: where.

    Exit 0 when every document passes, 1 when any fails, 2 when OUT holds no build.
    Rules: heading-order, table-header, merged-cells, image-alt, doc-title, doc-language,
    contrast, empty-paragraph-layout, sheet-name, frozen-header, blank-header, pdf-tagged, pdf-title, leak.
    """
    from .checks import check_output

    failures = check_output(out)
    for failure in failures:
        print(failure)
    files = len({f.file for f in failures})
    if failures:
        print(f"{out}: {len(failures)} accessibility failure{'s' if len(failures) != 1 else ''} in {files} document{'s' if files != 1 else ''}", file=sys.stderr)
        raise typer.Exit(1)
    print(f"{out}: every document passes the accessibility checks")


@app.command()
def changes(
    since: Annotated[str, typer.Option("--since", metavar="YYYY-MM-DD", help="The earlier date, YYYY-MM-DD: show what differs from the position on this date.")],
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of changes instead of lines.")] = False,
    include_restricted: Annotated[bool, typer.Option("--include-restricted", help="Also show restricted (Part 2) commentary and reasons.")] = False,
    monitoring: Annotated[bool, typer.Option("--monitoring", help="Also show RAG against the trajectory moving as monitoring returns came in.")] = False,
) -> None:
    """What changed between two dates: statuses, baselines, targets, designations, sign-ups, indicators."""
    from .history import changes as between
    from .history import public

    day, start = _date(as_at), _date(since)
    if start > day:
        raise typer.BadParameter(f"{start} is after the as-at date {day} (allowed: a date on or before --as-at)", param_hint="'--since'")
    dataset = _read(data, day)
    found = between(dataset, start, day, monitoring=monitoring)
    found = found if include_restricted else public(found)
    if as_json:
        print(json.dumps([{**c.as_dict(), "restricted": c.restricted, "illustrative": dataset.is_illustrative(c.source)} for c in found], sort_keys=True))
        return
    print(f"{dataset.agreement.name}: {len(found)} change{'' if len(found) == 1 else 's'} between {start:%d/%m/%y} and {day:%d/%m/%y}")
    for c in found:
        mark = " (illustrative)" if dataset.is_illustrative(c.source) else ""
        secret = " [restricted]" if c.restricted else ""
        reason = f"  ({c.reason})" if c.reason else ""
        print(f"{c.date.isoformat()}  NI {c.ni:<4} {c.what}: {c.old or '(none)'} -> {c.new or '(none)'}{mark}{secret}{reason}")


@app.command()
def templates(
    templates: TemplatesOpt = Path("templates"),
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    strict: StrictOpt = False,
) -> None:
    """List each Word and Excel template, the variables its tags use, and any the data does not provide."""
    from .checks.templates import check
    from .errors import TemplateError

    day = _date(as_at)
    results = check(templates, data, day, strict=strict)
    for r in results:
        used = f"used by {len(r.documents)} document{'' if len(r.documents) == 1 else 's'}" if r.documents else "used by no document"
        print(f"{r.template}: {used} as at {day.isoformat()}{'' if r.ok else '  FAILED'}")
        print(f"  variables: {', '.join(r.variables) or '(none)'}")
        if r.documents:
            print(f"  not provided by the data: {', '.join(r.missing) or '(none)'}")
    problems = [p for r in results for p in r.problems]
    if problems:
        raise TemplateError(problems)


@app.command()
def names(
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    report: Annotated[str, typer.Option("--report", help="A report in data/reports/ (file name without .yaml): show the names as it sees them, at its own date.")] = "",
) -> None:
    """Every name and table a report narrative may use, with what each prints (docs/writing-reports.md has the same)."""
    from .documents.narrative_names import sample_report, terminal

    day = _date(as_at)
    dataset = _read(data, day)
    for line in terminal(dataset, sample_report(dataset, day, report)):
        print(line)


@app.command("build-all")
def build_all(
    areas: Annotated[Path, typer.Argument(help="Folder holding one data folder per area (each with agreement.yaml and its tables).")],
    as_at: AsAtOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Folder each area's documents and manifest.json are written to, as OUT/<area>/.")] = Path("output"),
    templates: TemplatesOpt = Path("templates"),
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, help="Areas built at once (default: one per core).")] = None,
    progress_bar: ProgressOpt = None,
) -> None:
    """Build every area's documents at once (one process per core); an area whose data did not change is left as it is."""
    import time

    from .errors import AreasFailed
    from .national import build_all as run_all

    day = _date(as_at)
    start = time.perf_counter()
    progress = _progress("areas", progress_bar)
    results = run_all(areas, out, templates, day, jobs=jobs, progress=progress)
    if progress:
        progress(0, 0)
    built = [r for r in results if r.ok]
    documents = sum(r.documents for r in built)
    written = sum(r.written for r in built)
    unchanged = sum(1 for r in built if r.unchanged)
    seconds = time.perf_counter() - start
    print(f"{out}: {len(built)} of {len(results)} areas as at {day.isoformat()}: {documents} documents, {written} written, {documents - written} unchanged"
          f" ({unchanged} areas untouched) in {seconds:.1f} s")
    failed = [r for r in results if not r.ok]
    if failed:  # each area's problems as `build` prints them, then the area; exit 2 as `build` would for bad data
        raise AreasFailed("\n".join(
            [*(line for r in failed for line in r.problems),
             *(f"{Path(areas) / r.area}: area not built: {len(r.problems)} problem{'' if len(r.problems) == 1 else 's'} (allowed: fix them; the other areas were built)" for r in failed)]))


from .cli_pdf_server import app as _pdf_server

app.add_typer(_pdf_server, name="pdf-server")


def run() -> None:
    """Entry point: our own errors become clear lines; anything else one line and exit 1."""
    from .errors import Ka2docsError

    try:
        code = app(standalone_mode=False)  # returns typer.Exit's code rather than raising it
        if isinstance(code, int):
            sys.exit(code)
    except Ka2docsError as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:
        try:
            from click import ClickException
        except ImportError:  # typer 0.2x ships click inside itself
            from typer._click.exceptions import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if DEBUG["on"] or "--debug" in sys.argv:
            raise
        print(f"ka2docs: unexpected error: {type(exc).__name__}: {exc} (run with --debug for the full traceback)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run()
