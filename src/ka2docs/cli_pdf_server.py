"""`ka2docs pdf-server start|stop|status`: the PDF server that builds share (layout/pdf_server.py)."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="LibreOffice kept warm between builds, so `build --pdf` does not start it each time. "
    "Ends by itself after --idle minutes with nothing to convert; KA2DOCS_PDF_SERVER=off (or build --no-pdf-server) turns it off.",
)


@app.command()
def start(
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="LibreOffice processes (default: one per core).")] = None,
    idle: Annotated[float, typer.Option("--idle", min=0.01, metavar="MINUTES", help="End after this many minutes with nothing to convert.")] = 30.0,
) -> None:
    """Start the PDF server (or say which one is running)."""
    from .layout import pdf_server

    server = pdf_server.start(workers, idle)
    print(f"{server}" if not server.started_now else f"PDF server started (pid {server.pid}, {len(server.workers)} LibreOffice workers; ends after {idle:g} idle minutes)")


@app.command()
def stop() -> None:
    """Stop the PDF server and every LibreOffice it started."""
    from .layout import pdf_server

    server = pdf_server.stop()
    print(f"PDF server stopped (pid {server.pid}; {server.converted} converted)" if server else "no PDF server running")


@app.command()
def status() -> None:
    """Say whether a PDF server is running, and what it has done; exit 1 if none is."""
    from .layout import pdf_server

    server = pdf_server.running()
    print(server or f"no PDF server running (folder {pdf_server.runtime_folder()})")
    if server is None:
        raise typer.Exit(1)
