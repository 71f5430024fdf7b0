"""Our warm LibreOffice pool against unoserver and one `soffice --convert-to` batch.

    python benchmarks/pdf_unoserver.py [--runs 3]

Converts the Word files of a build as at 2008-12-19 to PDF, each way in a fresh process
(whole-process wall time: starting LibreOffice is part of the cost), the ways taken in
turn so a noisy machine slows each alike. unoserver runs one server per core under a
Python that can `import uno`, with the same export options as ours. Needs LibreOffice,
python3-uno and `pip install unoserver`; it decided that pdf.py keeps its own pool
(see the commit that added this file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ka2docs.layout import pdf


def word_files(folder: Path) -> list[Path]:
    from ka2docs.build import build

    build(ROOT / "data", folder / "build", ROOT / "templates", dt.date(2008, 12, 19))
    return sorted((folder / "build").rglob("*.docx"))


def fresh_copy(files: list[Path], folder: Path) -> list[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copies = [folder / f"{n:03d}-{path.name}" for n, path in enumerate(files)]
    for source, copy in zip(files, copies):
        shutil.copy(source, copy)
    return copies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def by_unoserver(files: list[Path], workers: int) -> None:
    import unoserver
    from unoserver.client import UnoClient

    site = str(Path(unoserver.__file__).parent.parent)  # pure Python: the UNO Python imports it from here
    python, soffice = pdf.uno_python(), pdf.find_soffice()
    profile = Path(tempfile.mkdtemp(prefix="bench-unoserver-"))
    servers = []
    try:
        for n in range(workers):
            port = free_port()
            command = [python, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(port), "--uno-interface", "127.0.0.1",
                       "--uno-port", str(free_port()), "--user-installation", str(profile / f"w{n}"), "--executable", soffice]
            servers.append((subprocess.Popen(command, env={**os.environ, "PYTHONPATH": site, "TZ": "UTC"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port))
        jobs: queue.Queue = queue.Queue()
        for path in files:
            jobs.put(path)
        options = [f"{k}={str(v).lower()}" for k, v in pdf.filter_options(soffice).items()]

        def work(port: int) -> None:
            client = UnoClient(server="127.0.0.1", port=str(port), host_location="local")
            while True:
                try:
                    path = jobs.get_nowait()
                except queue.Empty:
                    return
                client.convert(inpath=str(path), outpath=str(path.with_suffix(".pdf")), filtername="writer_pdf_Export", filter_options=options, update_index=False)

        threads = [threading.Thread(target=work, args=(port,)) for _, port in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(timeout=60)
        shutil.rmtree(profile, ignore_errors=True)
    for path in files:
        pdf.finish(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        files = word_files(Path(folder))
        times: dict[str, list[float]] = {"warm pool": [], "unoserver": [], "one batch": []}
        for _ in range(args.runs):
            for way, seconds in times.items():
                copies = fresh_copy(files, Path(folder) / "run")
                start = time.monotonic()
                if way == "unoserver":
                    by_unoserver(copies, workers)
                else:
                    pdf.convert(copies, workers=workers, mode="warm" if way == "warm pool" else "batch")
                seconds.append(time.monotonic() - start)
        print(f"{len(files)} Word files, {workers} workers, {args.runs} runs each (wall seconds)")
        print("| way | median | runs |\n| --- | --- | --- |")
        for way, seconds in times.items():
            print(f"| {way} | {statistics.median(seconds):.1f} | {', '.join(f'{s:.1f}' for s in seconds)} |")


if __name__ == "__main__":
    main()
