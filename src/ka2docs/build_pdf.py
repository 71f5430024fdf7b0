"""A build's PDFs, converted while the build renders.

Each Word file is handed over as soon as it is in the staging folder; the first one that
needs converting opens the way to LibreOffice in the background, so the render never
waits for it:

- server: the user's PDF server (layout/pdf_server.py), started detached when none is
  running so later builds reuse it; not with `build --no-pdf-server` or
  KA2DOCS_PDF_SERVER=off;
- warm: this build's own warm workers (layout/pdf.Workers), when the server cannot be
  used or is not wanted;
- batch: one `soffice --convert-to` call at the end, when neither can run (no UNO).

Every way writes the same bytes (the same export options, then pdf.reproducible). A PDF
whose Word file has not changed is carried over by its fingerprint, as before.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from pathlib import Path, PurePosixPath

from .layout import pdf, pdf_server
from .output import carry_over, manifest_entry, sha256

POLL = 0.05  # seconds a converting thread waits for the render's next Word file


class BuildPdfs:
    """with BuildPdfs(...) as pdfs: pdfs.add(document, entry) per Word file; pdfs.finish(documents)."""

    def __init__(self, out: Path, staging: Path, previous: dict, result, server: bool = True):
        self.out, self.staging, self.previous, self.result = out, staging, previous, result
        self.server_wanted = server and pdf_server.wanted()
        self.options: dict = {}  # filled in the background (it asks soffice its version)
        self.todo: list[tuple[object, str, str]] = []  # (document, pdf path, fingerprint)
        self.made: list[tuple[str, dict]] = []  # (Word file's path, the PDF's manifest entry)
        self.jobs: queue.Queue = queue.Queue()
        self.rendered = threading.Event()  # no more Word files will come
        self.closing = threading.Event()
        self.failures: list[str] = []
        self.leftover: list[dict] = []  # jobs a way that broke down did not convert
        self.notes: list[str] = []
        self.mode, self.workers = "batch", 1
        self.opener: threading.Thread | None = None
        self.threads: list[threading.Thread] = []
        self.pool: pdf.Workers | None = None
        self.connections: list[pdf_server.Connection] = []
        self.started = time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def order(todo: list[tuple[object, str]]) -> None:
        """Within a kind, render Word files first, the longest first: the longest
        conversions start earliest and the short ones fill in at the end (the size of a
        document's context is a fair measure of how long LibreOffice takes over it)."""
        weight: dict[str, int] = {}
        for document, _ in todo:
            if document.format == "docx":  # a bulletin's HTML and e-mail go with its Word copy
                weight[document.batch] = len(json.dumps(document.context, sort_keys=True, default=str))
        todo.sort(key=lambda t: -weight.get(t[0].batch, -1))

    def add(self, document, entry: dict) -> None:
        """A Word file is in the staging folder: carry its PDF over, or queue it."""
        path = PurePosixPath(document.path).with_suffix(".pdf").as_posix()
        key = self.fingerprint(entry)
        before = self.previous.get(path)
        if before and before.get("fingerprint") == key and carry_over(self.out / path, self.staging / path, before["sha256"]):
            self.result.reused.append(path)
            self.made.append((document.path, before))
            return
        self.todo.append((document, path, key))
        self.jobs.put(self.staging / document.path)
        if self.opener is None:
            self.started = time.monotonic()
            self.opener = threading.Thread(target=self._open, daemon=True)
            self.opener.start()

    @staticmethod
    def fingerprint(entry: dict) -> str:
        return sha256(f"{entry['sha256']} {pdf.RECIPE}".encode())  # a PDF depends only on its Word file

    # --- the way to LibreOffice, opened in the background ---------------------------

    def _open(self) -> None:
        self.options = pdf.filter_options(pdf.require_libreoffice())
        channels = self._server() if self.server_wanted else []
        if not channels and not self.closing.is_set():
            channels = self._warm()
        for channel in channels:
            thread = threading.Thread(target=self._work, args=(channel,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _server(self) -> list:
        try:
            found = pdf_server.begin()
            server = found if isinstance(found, pdf_server.Server) else found.wait()
            self.connections = [pdf_server.Connection(server, pdf.TIMEOUT) for _ in server.workers]
        except (pdf.ConversionError, pdf.ToolMissing, OSError) as exc:
            self.notes.append(f"PDF server not used: {exc}")
            return []
        self.mode, self.workers = "server", len(server.workers)
        if server.started_now:
            self.notes.append(f"PDF server started for this and later builds; it ends after {server.idle_seconds / 60:g} idle minutes (ka2docs pdf-server stop)")
        return [c.ask for c in self.connections]

    def _warm(self) -> list:
        if pdf.uno_python() is None:
            self.notes.append("no Python with UNO for warm workers: apt-get install python3-uno")
            return []
        try:
            self.pool = pdf.Workers(pdf_server.cores())
            self.pool.start()
        except (pdf.ConversionError, pdf.ToolMissing) as exc:
            self.notes.append(f"warm workers did not start: {exc}")
            self.pool = None
            return []
        self.mode, self.workers = "warm", self.pool.count
        return [lambda job, process=p: pdf.ask(process, job) for p in self.pool.processes]

    def _work(self, ask) -> None:
        """Convert queued Word files until the render is over and the queue is empty."""
        while not self.closing.is_set():
            try:
                job = pdf.job(self.jobs.get(timeout=POLL), self.options)
            except queue.Empty:
                if self.rendered.is_set() and self.jobs.empty():
                    return
                continue
            try:
                reply = ask(job)
            except (OSError, ValueError) as exc:  # the way broke down: the rest go by batch
                self.leftover.append(job)
                self.notes.append(f"{self.mode} conversion stopped ({exc}): the rest by one batch call")
                return
            if "error" in reply:
                self.failures.append(f"{job['src']}: LibreOffice could not convert it: {reply['error']}")
                continue
            try:
                pdf.finish(Path(job["src"]))  # made reproducible here, while others convert
            except pdf.ConversionError as exc:
                self.failures.append(str(exc))

    # --- the end of the build ----------------------------------------------------------

    def finish(self, documents: list) -> list[dict]:
        """Every PDF written and made reproducible; their manifest entries in plan order."""
        self.rendered.set()
        if self.todo:
            deadline = time.monotonic() + pdf.TIMEOUT
            self.opener.join(max(0.0, deadline - time.monotonic()))
            for thread in self.threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            if self.opener.is_alive() or any(t.is_alive() for t in self.threads):
                self.close()
                stopped = "" if self.mode == "server" else "; LibreOffice was stopped"
                raise pdf.ConversionError(f"PDF conversion ran past its time limit of {pdf.TIMEOUT:g} s{stopped}")
            if self.failures:
                raise pdf.ConversionError("\n".join(sorted(self.failures)))
            rest = [Path(j["src"]) for j in self.leftover]
            while not self.jobs.empty():
                rest.append(self.jobs.get_nowait())
            if rest:
                if not self.threads:
                    self.mode, self.workers = "batch", 1
                pdf.convert(rest, mode="batch", timeout=max(1.0, deadline - time.monotonic()))  # finished there
            for document, path, key in self.todo:
                body = (self.staging / path).read_bytes()
                self.result.written.append(path)
                self.made.append((document.path, manifest_entry(path, document.kind, "pdf", document.classification, body, key, document.template)))
        self.result.pdf = pdf.Report(self.mode if self.todo else "none", self.workers, len(self.todo), time.monotonic() - self.started, "; ".join(dict.fromkeys(self.notes)))
        order = {d.path: n for n, d in enumerate(documents)}
        return [entry for _, entry in sorted(self.made, key=lambda m: order[m[0]])]

    def close(self) -> None:
        """Stop converting (the server keeps running for the next build)."""
        self.rendered.set()
        self.closing.set()
        for connection in self.connections:
            connection.close()
        if self.pool is not None:
            for thread in self.threads:
                thread.join(pdf.TIMEOUT)
            self.pool.close(force=any(t.is_alive() for t in self.threads))
            self.pool = None
