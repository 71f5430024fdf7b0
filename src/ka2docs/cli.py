"""The ka2docs command: parse options, call the library, print, set the exit status.

Nothing here knows documents or data rules; errors of our own (Ka2docsError) become one
line each and exit 2 for bad input, anything unexpected one line and exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

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
HERE = Path.cwd()


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (allowed: YYYY-MM-DD)") from None


DataOpt = Annotated[Path, typer.Option("--data", help="Folder holding agreement.yaml and the data tables.")]
AsAtOpt = Annotated[Optional[str], typer.Option("--as-at", help="Date the documents speak for, YYYY-MM-DD (default: today). Rows dated later are ignored.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder the documents and manifest.json are written to.")]
TemplatesOpt = Annotated[Path, typer.Option("--templates", help="Folder of Word and Excel templates.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


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
def validate(data: DataOpt = Path("data"), as_at: AsAtOpt = None) -> None:
    """Check every data file; list every problem as FILE:LINE: COLUMN: what is wrong (what is allowed)."""
    from .validate import check

    day = _date(as_at)
    dataset = check(data, day)
    print(f"{data}: OK as at {day.isoformat()} ({len(dataset.indicators)} indicator rows, {len(dataset.signups)} sign-ups, {len(dataset.targets)} baselines and targets, {len(dataset.statuses)} statuses)")


@app.command()
def status(data: DataOpt = Path("data"), as_at: AsAtOpt = None, as_json: JsonOpt = False) -> None:
    """The position on target-setting: how many indicators have each negotiation status."""
    from .history import position
    from .validate import check

    day = _date(as_at)
    now = position(check(data, day), day)
    counts = now.status_counts()
    negotiated = now.negotiated
    others = [i for s in now.agreement.sets[1:] for i in now.in_set(s.code)]
    if as_json:
        print(json.dumps({"as_at": day.isoformat(), "indicators": len(negotiated), "dcsf": len(others), "counts": counts}, sort_keys=True))
        return
    print(f"{now.agreement.name}: position on target-setting as at {day:%d/%m/%y}")
    for entry in now.agreement.statuses:
        if any(i.status and i.status.status == entry.code for i in negotiated):
            print(f"{counts[entry.code]:>6}  {entry.label}")
    print(f"{len(negotiated):>6}  Total")
    for s in now.agreement.sets[1:]:
        print(f"{'(' + str(len(now.in_set(s.code))) + ')':>6}  {s.label}")


@app.command()
def build(
    data: DataOpt = Path("data"),
    as_at: AsAtOpt = None,
    out: OutOpt = Path("output"),
    templates: TemplatesOpt = Path("templates"),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside every Word document (needs LibreOffice).")] = False,
) -> None:
    """Write every document due as at the date, and output/manifest.json."""
    from .build import build as run

    day = _date(as_at)
    progress = _progress() if sys.stderr.isatty() else None
    result = run(data, out, templates, day, pdf=pdf, progress=progress)
    if progress:
        progress(0, 0)
    if result.unchanged:
        print(f"{out}: up to date as at {day.isoformat()} ({len(result.documents)} documents; nothing changed)")
    else:
        print(f"{out}: {len(result.written)} written, {len(result.reused)} unchanged, as at {day.isoformat()}")


def _progress():
    """A one-line progress bar on stderr, shown only once a build has run for a second."""
    import time

    start = time.monotonic()
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
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} documents")
        sys.stderr.flush()

    return update


def run() -> None:
    """Entry point: our own errors become clear lines; anything else one line and exit 1."""
    from .errors import Ka2docsError

    try:
        app(standalone_mode=False)
    except Ka2docsError as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the edge of the program
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if DEBUG["on"] or "--debug" in sys.argv:
            raise
        print(f"ka2docs: unexpected error: {type(exc).__name__}: {exc} (run with --debug for the full traceback)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run()
