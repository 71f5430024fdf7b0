"""PDF through LibreOffice headless: FILE.pdf written beside each FILE.docx (or .xlsx).

Three ways to drive LibreOffice, one result:

- warm: one LibreOffice per core, started once and kept for the whole batch, each fed
  documents over UNO by a small worker (pdf_worker.py) run by a Python that can
  `import uno` (Debian: python3-uno). The fast path, used whenever UNO is available.
- batch: one `soffice --convert-to` call per folder and kind of document. The fallback.
- separate: one `soffice` call per document. Slow; kept as the benchmarks' reference.

A build goes through build_pdf.py instead, which adds the PDF server (pdf_server.py:
the same warm workers, kept running between builds) and converts while it renders.

Every run has its own LibreOffice profile folder (so two builds can run at once, and a
user's open LibreOffice is never touched), a time limit, and tagged PDF output (PDF/UA
where the installed LibreOffice has it). LibreOffice stamps each PDF with the clock and a
random ID; `reproducible` (pdf_stamp.py) puts the document's own date and a hash of the content there,
so the same Word file always gives the same PDF.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from ..errors import ConversionError, ToolMissing
from .pdf_stamp import document_date, reproducible

TIMEOUT = 300.0  # seconds for a whole batch
INSTALL = (
    "LibreOffice is needed for --pdf and is not installed (no 'soffice' or 'libreoffice' on PATH). "
    "Install it: Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
    "(and python3-uno for the fast warm workers); macOS: brew install --cask libreoffice"
)
# Suffix -> (import filter, PDF export filter). Naming the import filter skips LibreOffice's
# type detection, which would open a damaged .docx as plain text and print its bytes.
FILTERS = {
    ".docx": ("MS Word 2007 XML", "writer_pdf_Export"),
    ".xlsx": ("Calc MS Excel 2007 XML", "calc_pdf_Export"),
    ".odt": ("writer8", "writer_pdf_Export"),
    ".ods": ("calc8", "calc_pdf_Export"),
}
RECIPE = "pdf-2"  # part of every PDF's fingerprint: change it when the conversion changes
WORKER = Path(__file__).with_name("pdf_worker.py")
MAC_SOFFICE = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
UNO_PYTHONS = ("/usr/lib/libreoffice/program/python", "/Applications/LibreOffice.app/Contents/Resources/python", "/usr/bin/python3", "python3")


@dataclass
class Report:
    """What a conversion did, for the user and the benchmarks."""

    mode: str  # server | warm | batch | separate
    workers: int
    documents: int
    seconds: float
    note: str = ""

    def __str__(self) -> str:
        how = {
            "server": f"the PDF server's {self.workers} warm LibreOffice worker{'s' if self.workers != 1 else ''}",
            "warm": f"{self.workers} warm LibreOffice worker{'s' if self.workers != 1 else ''}",
            "batch": "one LibreOffice call per folder and kind",
            "separate": "one LibreOffice call per document",
        }.get(self.mode, "no LibreOffice call")
        note = f" ({self.note})" if self.note else ""
        return f"{self.documents} PDF{'s' if self.documents != 1 else ''} by {how} in {self.seconds:.1f} s{note}"


# --- finding LibreOffice ------------------------------------------------------------

_FOUND: dict[str, object] = {}


def find_soffice() -> str | None:
    """soffice (or libreoffice) on PATH; on macOS also the application bundle."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return str(MAC_SOFFICE) if MAC_SOFFICE.is_file() else None


def require_libreoffice() -> str:
    """Fail at once, before any rendering, when --pdf cannot be honoured."""
    path = find_soffice()
    if path is None:
        raise ToolMissing(INSTALL)
    return path


def version(soffice: str) -> tuple[int, ...]:
    """'LibreOffice 7.4.7.2 ...' -> (7, 4, 7, 2); () when it cannot be told."""
    if "version" not in _FOUND:
        try:
            text = subprocess.run([soffice, "--version"], check=False, capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            text = ""
        match = re.search(r"(\d+(?:\.\d+)+)", text)
        _FOUND["version"] = tuple(int(p) for p in match.group(1).split(".")) if match else ()
    return _FOUND["version"]  # type: ignore[return-value]


def uno_python() -> str | None:
    """A Python that can `import uno` (KA2DOCS_UNO_PYTHON first; 'none' turns warm workers off), or None."""
    chosen = os.environ.get("KA2DOCS_UNO_PYTHON", "")
    if chosen.lower() == "none":
        return None
    if _FOUND.get("uno_env") != chosen:
        _FOUND.pop("uno", None)
        _FOUND["uno_env"] = chosen
    if "uno" not in _FOUND:
        found = None
        for candidate in filter(None, (chosen, *UNO_PYTHONS)):
            path = shutil.which(candidate) if os.sep not in candidate else (candidate if Path(candidate).is_file() else None)
            if not path:
                continue
            try:
                if subprocess.run([path, "-c", "import uno"], check=False, capture_output=True, timeout=60).returncode == 0:
                    found = path
                    break
            except (OSError, subprocess.SubprocessError):
                continue
        _FOUND["uno"] = found
    return _FOUND["uno"]  # type: ignore[return-value]


def filter_options(soffice: str) -> dict:
    """Tagged PDF always; PDF/UA (title shown, structure checked) from LibreOffice 7.2 on."""
    # Lossless images: charts are line art (JPEG blurs them), and it is faster to write.
    options = {"UseTaggedPDF": True, "ExportBookmarks": True, "ExportNotes": False, "UseLosslessCompression": True}
    if version(soffice) >= (7, 2):
        options["PDFUACompliance"] = True
    return options


def _environment() -> dict:
    # UTC keeps the length of LibreOffice's date stamps fixed (they are replaced after).
    return {**os.environ, "TZ": "UTC"}


# --- converting ------------------------------------------------------------------------


def convert(paths, workers: int | None = None, mode: str = "auto", timeout: float = TIMEOUT) -> Report:
    """Write FILE.pdf beside each FILE.docx/.xlsx in `paths`; all or nothing within `timeout`.

    mode: auto (warm when UNO is available, else batch), warm, batch or separate.
    workers: LibreOffice processes for warm mode (default: one per core).
    """
    paths = [Path(p) for p in paths]
    start = time.monotonic()
    if not paths:
        return Report("none", 0, 0, 0.0)
    unknown = [p for p in paths if p.suffix.lower() not in FILTERS]
    if unknown:
        raise ConversionError(f"{unknown[0]}: cannot convert to PDF (allowed: {', '.join(sorted(FILTERS))})")
    soffice = require_libreoffice()
    note = ""
    fallback = mode == "auto"
    if mode == "auto":
        mode = "warm" if uno_python() else "batch"
        note = "" if mode == "warm" else "no Python with UNO for warm workers: apt-get install python3-uno"
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    for path in paths:
        path.with_suffix(".pdf").unlink(missing_ok=True)  # a stale PDF must not pass for a new one
    if mode == "warm":
        pool = Workers(workers, soffice=soffice)
        try:
            try:
                pool.start(timeout=timeout)
            except ConversionError as exc:
                if not fallback:
                    raise
                mode, note = "batch", f"warm workers did not start: {exc}"
            if mode == "warm":
                pool.convert(paths, timeout=timeout - (time.monotonic() - start))
        finally:
            pool.close()
    if mode == "batch":
        _batch(soffice, paths, timeout - (time.monotonic() - start), per_document=False)
        workers = 1
    elif mode == "separate":
        _batch(soffice, paths, timeout, per_document=True)
        workers = 1
    elif mode != "warm":
        raise ValueError(f"unknown mode {mode!r} (allowed: auto, warm, batch, separate)")
    for path in paths:
        finish(path)
    return Report(mode, workers, len(paths), time.monotonic() - start, note)


def finish(source: Path) -> None:
    """FILE.pdf beside FILE, checked and made reproducible (the same bytes every run)."""
    target = source.with_suffix(".pdf")
    if not target.is_file() or target.stat().st_size == 0:
        raise ConversionError(f"{source}: LibreOffice wrote no PDF (the file may be damaged; try opening it in LibreOffice)")
    target.write_bytes(reproducible(target.read_bytes(), document_date(source)))


def _batch(soffice: str, paths: list[Path], timeout: float, per_document: bool) -> None:
    """soffice --convert-to, grouped by folder (PDFs go beside their files) and filter."""
    options = filter_options(soffice)
    groups: dict[tuple[Path, str], list[Path]] = {}
    for path in paths:
        groups.setdefault((path.parent, FILTERS[path.suffix.lower()]), []).append(path)
    calls = [(folder, names, [p]) for (folder, names), group in groups.items() for p in group] if per_document else [(f, n, g) for (f, n), g in groups.items()]
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="ka2docs-lo-") as profile:
        for folder, (load, export), group in calls:
            fmt = f"pdf:{export}:" + json.dumps({k: {"type": "boolean", "value": str(v).lower()} for k, v in options.items()})
            command = [
                soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore", "--nolockcheck",
                f"--infilter={load}", "--convert-to", fmt, "--outdir", str(folder), *map(str, group),
            ]
            _run(command, deadline, timeout)


def _run(command: list[str], deadline: float, limit: float) -> None:
    """Run LibreOffice in its own process group, so a timeout ends soffice.bin too."""
    left = deadline - time.monotonic()
    late = f"PDF conversion ran past its time limit of {limit:g} s; LibreOffice was stopped (a very large batch? convert(..., timeout=...))"
    if left <= 0:
        raise ConversionError(late)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(), start_new_session=True)
    try:
        _, err = process.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ConversionError(late) from None
    if process.returncode != 0:
        raise ConversionError(f"LibreOffice failed (exit {process.returncode}): {err.decode(errors='replace').strip()[:300]}")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        process.kill()
    process.wait()


def job(path: Path, options: dict) -> dict:
    """What a warm worker (ours, or the PDF server's) is sent to write FILE.pdf beside FILE."""
    load, export = FILTERS[path.suffix.lower()]
    return {"src": str(path.resolve()), "dst": str(path.with_suffix(".pdf").resolve()), "import": load, "filter": export, "options": options}


def ask(process: subprocess.Popen, job: dict) -> dict:
    """One job to one warm worker, and its answer."""
    process.stdin.write(json.dumps(job) + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline() or '{"error": "LibreOffice worker ended"}')


class Workers:
    """LibreOffice started once per worker and kept warm until closed.

        with Workers(2) as pool:
            pool.convert(paths)      # as often as wanted; LibreOffice stays up
    """

    def __init__(self, count: int | None = None, soffice: str | None = None):
        self.count = max(1, count or os.cpu_count() or 1)
        self.soffice = soffice or require_libreoffice()
        self.python = uno_python()
        if self.python is None:
            raise ToolMissing("warm PDF workers need a Python that can 'import uno' (Debian/Ubuntu: apt-get install python3-uno; or set KA2DOCS_UNO_PYTHON)")
        self.options = filter_options(self.soffice)
        self.profile = Path(tempfile.mkdtemp(prefix="ka2docs-lo-"))
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, timeout: float = 120.0) -> None:
        tag = f"ka2docs-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        for n in range(self.count):
            profile = (self.profile / f"worker{n}").as_uri()
            self.processes.append(subprocess.Popen(
                [self.python, str(WORKER), self.soffice, profile, f"{tag}-{n}"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
                env=_environment(), start_new_session=True,
            ))
        answers = self._each(lambda p: p.stdout.readline(), timeout)
        for answer in answers:
            reply = json.loads(answer or '{"error": "worker ended"}')
            if not reply.get("ready"):
                self.close()
                raise ConversionError(f"LibreOffice worker did not start: {reply.get('error')}")

    def convert(self, paths, timeout: float = TIMEOUT) -> None:
        """Each worker takes the next document as soon as it is free."""
        jobs: queue.Queue = queue.Queue()
        for path in paths:
            jobs.put(job(Path(path), self.options))
        failures: list[str] = []

        def work(process: subprocess.Popen) -> None:
            while True:
                try:
                    task = jobs.get_nowait()
                except queue.Empty:
                    return
                reply = ask(process, task)
                if "error" in reply:
                    failures.append(f"{task['src']}: LibreOffice could not convert it: {reply['error']}")
                    if process.poll() is not None:
                        return

        self._each(work, timeout)
        if failures:
            raise ConversionError("\n".join(sorted(failures)))

    def _each(self, task, timeout: float) -> list:
        """Run `task(process)` for every worker in threads; past the time limit, stop them all."""
        results: list = [None] * len(self.processes)

        def run(n: int, process: subprocess.Popen) -> None:
            try:
                results[n] = task(process)
            except (OSError, ValueError) as exc:  # a worker that died mid-write
                results[n] = json.dumps({"error": str(exc)})

        threads = [threading.Thread(target=run, args=(n, p), daemon=True) for n, p in enumerate(self.processes)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + max(0.0, timeout)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in threads):
            self.close(force=True)
            raise ConversionError(f"PDF conversion ran past its time limit of {timeout:g} s; LibreOffice was stopped")
        return results

    def close(self, force: bool = False) -> None:
        for process in self.processes:
            if not force:
                try:
                    process.stdin.close()  # the worker closes LibreOffice and exits
                    process.wait(timeout=30)
                    continue
                except (OSError, subprocess.TimeoutExpired):
                    pass
            _kill(process)
        self.processes = []
        shutil.rmtree(self.profile, ignore_errors=True)


if __name__ == "__main__":  # python -m ka2docs.layout.pdf FILE... (a manual check)
    print(convert(sys.argv[1:]))
