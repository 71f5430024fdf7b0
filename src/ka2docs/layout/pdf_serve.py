"""The PDF server: warm LibreOffice workers that outlive one build, on a Unix socket.

Run detached by `ka2docs pdf-server start` (or by a `build --pdf` that found none), by a
Python that can `import uno`; never imported by ka2docs (stdlib only, like pdf_worker.py,
whose workers it runs: the same worker, the same bytes as a build's own workers).

    python3 pdf_serve.py FOLDER SOFFICE WORKERS IDLE_SECONDS

FOLDER is the user's private runtime folder (0700, checked by the caller). In it:
pdf-server.lock is held (flock) for as long as the server runs, so a server killed with
-9 is seen at once (the kernel drops the lock); pdf-server.json says who it is (pid,
workers' process groups); pdf-server.sock takes one JSON object a line and answers each:
{"job": {...pdf_worker's job...}} -> {"ok": true} | {"error": "..."}; {"status": true};
{"stop": true}. The first line written to stdout is {"ready": true} or {"error": "..."}.
It ends by itself after IDLE_SECONDS with no connection open and no job, and on SIGTERM.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

WORKER = Path(__file__).with_name("pdf_worker.py")
LOCK, STATE, SOCKET, PROFILES = "pdf-server.lock", "pdf-server.json", "pdf-server.sock", "profiles"
START_TIMEOUT = 120.0


def code() -> str:
    """What this server and its workers run: a ka2docs with other code does not use it."""
    return hashlib.sha256(Path(__file__).read_bytes() + WORKER.read_bytes()).hexdigest()[:16]


class Worker:
    """One pdf_worker.py (and its LibreOffice) in a process group of its own."""

    def __init__(self, soffice: str, profile: Path, pipe: str):
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), soffice, profile.as_uri(), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
            start_new_session=True, env={**os.environ, "TZ": "UTC"},
        )
        self.jobs = 0

    def ready(self) -> str | None:
        """None once LibreOffice answers, else why not."""
        reply = json.loads(self.process.stdout.readline() or '{"error": "worker ended"}')
        return None if reply.get("ready") else str(reply.get("error"))

    def ask(self, job: dict) -> dict:
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        self.jobs += 1
        line = self.process.stdout.readline()
        if not line:  # it ended: make sure poll() says so
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            return {"error": "LibreOffice worker ended"}
        return json.loads(line)

    def close(self, wait: float = 30.0) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # the worker closes LibreOffice and exits
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever of its LibreOffice is left
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


class Server:
    def __init__(self, folder: Path, soffice: str, count: int, idle: float):
        self.folder, self.soffice, self.count, self.idle = folder, soffice, count, idle
        self.free: queue.Queue = queue.Queue()
        self.workers: list[Worker] = []
        self.lock = threading.Lock()
        self.busy = 0  # open connections
        self.last = self.last_job = time.monotonic()
        self.done = 0
        self.started = time.time()
        self.stopping = threading.Event()

    def start_workers(self) -> None:
        tag = f"ka2docs-server-{os.getpid()}-{os.urandom(6).hex()}"  # LibreOffice names its pipe after it: not guessable
        for n in range(self.count):
            profile = self.folder / PROFILES / f"worker{n}"  # kept: the next server starts faster
            self.workers.append(Worker(self.soffice, profile, f"{tag}-{n}"))
        errors = [w.ready() for w in self.workers]
        if any(errors):
            raise RuntimeError(next(e for e in errors if e))
        for worker in self.workers:
            self.free.put(worker)

    def state(self) -> dict:
        return {
            "pid": os.getpid(), "workers": [w.process.pid for w in self.workers], "started": self.started,
            "idle_seconds": self.idle, "soffice": self.soffice, "socket": str(self.folder / SOCKET), "code": code(),
        }

    def status(self) -> dict:
        idle = time.monotonic() - self.last_job  # a status question is no work
        return {**self.state(), "converted": self.done, "idle_for": round(idle, 1), "jobs_per_worker": [w.jobs for w in self.workers]}

    def convert(self, job: dict) -> dict:
        worker = self.free.get()
        try:
            for _ in range(2):
                try:
                    reply = worker.ask(job)
                except (OSError, ValueError) as exc:
                    reply = {"error": f"LibreOffice worker failed: {exc}"}
                if worker.process.poll() is None:
                    return reply
                # The worker itself died (killed: a document that crashes LibreOffice is
                # answered by the worker, which restarts it): a new one, and the job again.
                worker = self._replace(worker)
            return reply
        finally:
            with self.lock:
                self.done += 1
                self.last_job = time.monotonic()
            self.free.put(worker)

    def _replace(self, dead: Worker) -> Worker:
        n = self.workers.index(dead)
        dead.close(wait=1)
        fresh = Worker(self.soffice, self.folder / PROFILES / f"worker{n}", f"ka2docs-server-{os.getpid()}-{os.urandom(6).hex()}-{n}")
        if fresh.ready() is not None:
            fresh.close(wait=1)
            return dead  # its next job says it failed; LibreOffice itself may be broken
        self.workers[n] = fresh
        self.write_state()
        return fresh

    def write_state(self) -> None:
        """pdf-server.json, replaced whole: a reader never sees half of it."""
        path = self.folder / STATE
        written = path.with_suffix(".tmp")
        written.write_text(json.dumps(self.state()), encoding="utf-8")
        written.replace(path)

    def serve(self, connection: socket.socket) -> None:
        with self.lock:
            self.busy += 1
        try:
            with connection, connection.makefile("rw", encoding="utf-8", newline="\n") as stream:
                for line in stream:
                    if not line.strip():
                        continue
                    try:
                        message = json.loads(line)
                    except ValueError:
                        break
                    if "job" in message:
                        reply = self.convert(message["job"])
                    elif message.get("status"):
                        reply = self.status()
                    elif message.get("stop"):
                        reply = {"ok": True, "stopping": True}
                        self.stopping.set()
                    else:
                        reply = {"error": "unknown request (allowed: job, status, stop)"}
                    stream.write(json.dumps(reply) + "\n")
                    stream.flush()
        except OSError:
            pass  # the client went away
        finally:
            with self.lock:
                self.busy -= 1
                self.last = time.monotonic()

    def run(self, listener: socket.socket) -> None:
        listener.settimeout(1.0)
        while not self.stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                with self.lock:
                    if not self.busy and time.monotonic() - self.last > self.idle:
                        return
                continue
            except OSError:
                return
            connection.settimeout(None)
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def close(self) -> None:
        threads = [threading.Thread(target=w.close) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def main(folder: str, soffice: str, count: str, idle: str) -> int:
    home = Path(folder)
    lock = open(home / LOCK, "a+")  # noqa: SIM115 - held for the server's whole life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(json.dumps({"error": "a PDF server is already running", "running": True}), flush=True)
        return 1
    os.umask(0o077)
    server = Server(home, soffice, max(1, int(count)), float(idle))
    signal.signal(signal.SIGTERM, lambda *_: server.stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # detached: a Ctrl-C in the starting shell is not for us
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    sock, state = home / SOCKET, home / STATE
    try:
        for stale in (sock, state):
            stale.unlink(missing_ok=True)  # we hold the lock: whoever wrote these is gone
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(sock))  # first: a folder whose socket cannot be made fails at once
        server.start_workers()
        listener.listen(16)  # clients are refused until the workers are ready
        server.write_state()
    except Exception as exc:  # noqa: BLE001 - reported to the starter as one line
        print(json.dumps({"error": str(exc)}), flush=True)
        server.close()
        return 1
    print(json.dumps({"ready": True, **server.state()}), flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the starter has read its line and gone
    try:
        server.run(listener)
    finally:
        # Gone from the folder first, so no new client connects to a server that is ending.
        for path in (state, sock):
            path.unlink(missing_ok=True)
        listener.close()
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
