"""The PDF server from ka2docs' side: find it, start it, stop it, send it documents.

One server per user (pdf_serve.py, run detached by a Python that can `import uno`) keeps
one LibreOffice per core warm between builds, so a build's PDFs no longer pay for
starting LibreOffice. It lives in a private runtime folder: $KA2DOCS_RUNTIME_DIR, else
$XDG_RUNTIME_DIR/ka2docs, else ~/.cache/ka2docs/run; created 0700 and refused if anyone
else owns it or can write to it (its socket takes file paths to convert). A server is
running exactly when its lock file is locked: a state file or socket left by a server
that was killed is never trusted, only removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import stat
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConversionError, ToolMissing
from .pdf_serve import LOCK, SOCKET, STATE, code

SERVE = Path(__file__).with_name("pdf_serve.py")
IDLE_MINUTES = 30.0
START_TIMEOUT = 120.0
OFF = ("0", "off", "no", "false", "never")  # KA2DOCS_PDF_SERVER values that turn it off


def wanted() -> bool:
    """False when the user said KA2DOCS_PDF_SERVER=off (build --no-pdf-server says the same)."""
    return os.environ.get("KA2DOCS_PDF_SERVER", "").strip().lower() not in OFF


def runtime_folder() -> Path:
    """The user's private folder for the server's socket and state, made 0700 if new."""
    chosen = os.environ.get("KA2DOCS_RUNTIME_DIR")
    if chosen:
        folder = Path(chosen)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "ka2docs"
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = cache / "ka2docs" / "run"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise ConversionError(f"{folder}: the PDF server's folder is not a folder of yours (set KA2DOCS_RUNTIME_DIR to one that is)")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)  # ours: nobody else may reach the socket
    return folder


@dataclass
class Server:
    """A running server, as its state file and its own answer say."""

    pid: int
    workers: list[int]
    socket: Path
    idle_seconds: float
    converted: int = 0
    idle_for: float = 0.0
    started_now: bool = False
    code: str = ""  # pdf_serve.code() of the running server

    def __str__(self) -> str:
        return (f"PDF server running (pid {self.pid}, {len(self.workers)} LibreOffice worker{'s' if len(self.workers) != 1 else ''}, "
                f"{self.converted} converted, idle {self.idle_for:.0f} s; ends after {self.idle_seconds / 60:g} idle minutes)")


def _locked(folder: Path) -> bool:
    """True while a server holds the lock; a server killed with -9 holds nothing."""
    path = folder / LOCK
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _ask(path: Path, message: dict, timeout: float = 10.0) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(path))
        conn.sendall((json.dumps(message) + "\n").encode())
        with conn.makefile("r", encoding="utf-8") as stream:
            return json.loads(stream.readline() or "{}")


def _clean(folder: Path) -> None:
    """What a killed server left: its files, and any of its workers still running."""
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    for pid in state.get("workers", []):
        _end_group(int(pid))
    for name in (STATE, SOCKET):
        (folder / name).unlink(missing_ok=True)


def _end_group(pid: int) -> None:
    """Kill a worker's process group (it and its LibreOffice), only if it is still our worker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return  # gone (or no /proc: nothing we can check, so nothing we kill)
    if b"pdf_worker.py" in command and os.stat(f"/proc/{pid}").st_uid == os.getuid():
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


def running(folder: Path | None = None) -> Server | None:
    """The server that is running and answering, or None (after removing what a dead one left)."""
    folder = folder or runtime_folder()
    if not _locked(folder):
        _clean(folder)
        return None
    try:
        state = _ask(folder / SOCKET, {"status": True})
    except (OSError, ValueError):
        return None  # starting, or stopping: not one to use
    if "pid" not in state:
        return None
    return Server(state["pid"], state["workers"], Path(state["socket"]), state["idle_seconds"], state.get("converted", 0), state.get("idle_for", 0.0), code=state.get("code", ""))


class Starting:
    """A server being started in the background: a build renders meanwhile, then waits()."""

    def __init__(self, python: str, soffice: str, workers: int, idle_minutes: float, folder: Path):
        self.folder = folder
        self.server: Server | None = None
        self.error = ""
        # What the server says on stderr after it has left us (a worker that failed): for a bug report.
        with open(os.open(folder / "pdf-server.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "w") as log:
            self.process = subprocess.Popen(
                [python, str(SERVE), str(folder), soffice, str(workers), str(idle_minutes * 60)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True,
                start_new_session=True, close_fds=True, env={**os.environ, "TZ": "UTC"},
            )
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            reply = json.loads(self.process.stdout.readline() or '{"error": "the PDF server ended while starting"}')
        except ValueError:
            reply = {"error": "the PDF server said something unexpected"}
        self.process.stdout.close()
        if reply.get("ready"):
            self.server = Server(reply["pid"], reply["workers"], Path(reply["socket"]), reply["idle_seconds"], started_now=True, code=reply.get("code", ""))
        elif reply.get("running"):
            self.server = _wait_running(self.folder)  # another build started one first: use that
            self.error = "" if self.server else "another PDF server is starting and did not answer"
        else:
            self.error = str(reply.get("error"))
        if self.server is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)

    def wait(self, timeout: float = START_TIMEOUT) -> Server:
        self.thread.join(timeout)
        if self.thread.is_alive():
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signal.SIGTERM)
            raise ConversionError(f"the PDF server did not start within {timeout:g} s")
        if self.server is None:
            raise ConversionError(f"the PDF server did not start: {self.error}")
        return self.server


def _wait_running(folder: Path, timeout: float = START_TIMEOUT) -> Server | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = running(folder)
        if found or not _locked(folder):
            return found
        time.sleep(0.2)
    return None


def begin(workers: int | None = None, idle_minutes: float = IDLE_MINUTES) -> Server | Starting:
    """The running server, or one starting (detached: it outlives the caller)."""
    from . import pdf

    folder = runtime_folder()
    found = running(folder)
    if found and found.code != code():
        raise ConversionError(f"the PDF server running (pid {found.pid}) is another version of ka2docs': ka2docs pdf-server stop, and the next build starts this one")
    if found:
        return found
    soffice = pdf.require_libreoffice()
    python = pdf.uno_python()
    if python is None:
        raise ToolMissing("the PDF server needs a Python that can 'import uno' (Debian/Ubuntu: apt-get install python3-uno; or set KA2DOCS_UNO_PYTHON)")
    return Starting(python, soffice, max(1, workers or cores()), idle_minutes, folder)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start(workers: int | None = None, idle_minutes: float = IDLE_MINUTES) -> Server:
    """`ka2docs pdf-server start`: the running server, or a new one once it is ready."""
    found = begin(workers, idle_minutes)
    return found if isinstance(found, Server) else found.wait()


def stop(timeout: float = 60.0) -> Server | None:
    """End the server and every LibreOffice it started; the server that was stopped, or None."""
    folder = runtime_folder()
    found = running(folder)
    if found is None:
        return None
    with contextlib.suppress(OSError, ValueError):
        _ask(found.socket, {"stop": True})
    deadline = time.monotonic() + timeout
    while _locked(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _locked(folder):  # it did not end in time: end it, and what it started
        with contextlib.suppress(OSError):
            os.kill(found.pid, signal.SIGKILL)
        while _locked(folder) and time.monotonic() < deadline + 10:
            time.sleep(0.1)
    for pid in found.workers:
        _end_group(pid)
    _clean(folder)
    end_everything_under(folder)
    return found


def end_everything_under(folder: Path) -> list[int]:
    """Kill what still runs from this runtime folder (the server, its workers, a LibreOffice
    whose worker died: each names the folder on its command line); the pids found."""
    name = os.fsencode(str(folder.resolve()))
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid != os.getuid() or int(entry.name) == os.getpid():
                continue
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if name + b"/" in command or name + b"\0" in command:
            found.append(int(entry.name))
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)
    return found


class Connection:
    """One conversation with the server: each job sent waits for its answer."""

    def __init__(self, server: Server, timeout: float):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(server.socket))
        self.stream = self.sock.makefile("rw", encoding="utf-8", newline="\n")

    def ask(self, job: dict) -> dict:
        self.stream.write(json.dumps({"job": job}) + "\n")
        self.stream.flush()
        line = self.stream.readline()
        if not line:
            raise OSError("the PDF server closed the connection")
        return json.loads(line)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
            self.sock.close()
