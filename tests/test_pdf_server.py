"""The PDF server (`ka2docs pdf-server`) and `build --pdf` through it, with real LibreOffice.

Each test has a runtime folder of its own (KA2DOCS_RUNTIME_DIR), so no test ever sees or
stops a user's server, and a finalizer that stops whatever server the test started and
fails the test if anything of it was still running afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run_cli

from ka2docs.layout import pdf, pdf_server

MAY = "2008-05-01"  # two Word files: the county report and the parish panel's report
COUNTY_REPORT = "reports/kcc-county-council-2008-05-15"
MISSING = pdf.find_soffice() is None or shutil.which("pdftotext") is None or pdf.uno_python() is None
pytestmark = [pytest.mark.skip(reason="LibreOffice, python3-uno or poppler is not installed: PDF server tests skipped "
                               "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui python3-uno poppler-utils)")] if MISSING else []


@pytest.fixture
def runtime(monkeypatch) -> Path:
    """A private runtime folder; afterwards no server and no LibreOffice of it is left."""
    folder = Path(tempfile.mkdtemp(prefix="ka2-rt-"))  # short: a socket's path has a length limit
    monkeypatch.setenv("KA2DOCS_RUNTIME_DIR", str(folder))
    yield folder
    pdf_server.stop()
    time.sleep(0.2)
    left = pdf_server.end_everything_under(folder)
    shutil.rmtree(folder, ignore_errors=True)
    assert left == [], f"processes left running after stop: {left}"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, env={"KA2DOCS_RUNTIME_DIR": os.environ["KA2DOCS_RUNTIME_DIR"], **(env or {})})


def build(out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = cli("build", "--as-at", MAY, "--out", str(out), "--pdf", *extra, env=env)
    assert result.returncode == 0, result.stderr
    return result


def state(folder: Path) -> dict:
    return json.loads((folder / "pdf-server.json").read_text(encoding="utf-8"))


def libreoffices(folder: Path) -> set[int]:
    """The soffice.bin processes running with a profile in this runtime folder."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"soffice.bin" in command and os.fsencode(str(folder)) + b"/" in command:
            found.add(int(entry.name))
    return found


def gone(pids, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_start_status_stop_and_nothing_left_running(runtime):
    assert cli("pdf-server", "status").returncode == 1
    started = cli("pdf-server", "start", "--workers", "2")
    assert started.returncode == 0, started.stderr
    assert "PDF server started" in started.stdout
    server = state(runtime)
    assert alive(server["pid"]) and len(server["workers"]) == 2 and len(libreoffices(runtime)) == 2
    assert oct(runtime.stat().st_mode & 0o777) == "0o700" and (runtime / "pdf-server.sock").is_socket()
    status = cli("pdf-server", "status")
    assert status.returncode == 0 and f"pid {server['pid']}" in status.stdout and "2 LibreOffice workers" in status.stdout
    again = cli("pdf-server", "start")
    assert "PDF server running" in again.stdout and state(runtime)["pid"] == server["pid"]  # one server, not two
    stopped = cli("pdf-server", "stop")
    assert stopped.returncode == 0 and "PDF server stopped" in stopped.stdout
    assert gone([server["pid"], *server["workers"]])
    assert libreoffices(runtime) == set()
    assert not (runtime / "pdf-server.json").exists() and not (runtime / "pdf-server.sock").exists()
    assert cli("pdf-server", "status").returncode == 1
    assert "no PDF server running" in cli("pdf-server", "stop").stdout


def test_builds_use_the_running_server_and_the_second_starts_no_libreoffice(runtime, tmp_path):
    assert cli("pdf-server", "start").returncode == 0
    server, offices = state(runtime), libreoffices(runtime)
    first = build(tmp_path / "first")
    assert "by the PDF server's" in first.stdout and "started" not in first.stdout
    text = pdftext(tmp_path / "first" / f"{COUNTY_REPORT}.pdf")
    for value in ("Kent Agreement 2", "NI 191"):
        assert value in text, value
    second = build(tmp_path / "second")
    assert "2 PDFs by the PDF server's" in second.stdout
    assert state(runtime)["pid"] == server["pid"] and state(runtime)["workers"] == server["workers"]
    assert libreoffices(runtime) == offices  # the same LibreOffice processes did both builds
    assert "4 converted" in cli("pdf-server", "status").stdout
    assert (tmp_path / "second" / f"{COUNTY_REPORT}.pdf").read_bytes() == (tmp_path / "first" / f"{COUNTY_REPORT}.pdf").read_bytes()


def test_a_build_starts_the_server_when_none_runs_and_it_stays_for_the_next(runtime, tmp_path):
    first = build(tmp_path / "first")
    assert "by the PDF server's" in first.stdout and "PDF server started for this and later builds" in first.stdout
    status = cli("pdf-server", "status")
    assert status.returncode == 0 and "2 converted" in status.stdout  # it outlived the build that started it
    second = build(tmp_path / "second")
    assert "by the PDF server's" in second.stdout and "started" not in second.stdout


def test_the_pdfs_are_the_same_bytes_by_server_warm_workers_and_batch(runtime, tmp_path):
    ways = {
        "server": ((), {}, "by the PDF server's"),
        "warm": (("--no-pdf-server",), {}, "warm LibreOffice worker"),
        "off": ((), {"KA2DOCS_PDF_SERVER": "off"}, "warm LibreOffice worker"),
        "batch": (("--no-pdf-server",), {"KA2DOCS_UNO_PYTHON": "none"}, "one LibreOffice call per folder and kind in"),
    }
    made = {}
    for name, (flags, env, said) in ways.items():
        result = build(tmp_path / name, *flags, env=env)
        assert said in result.stdout, (name, result.stdout)
        assert name != "batch" or "no Python with UNO" in result.stdout
        made[name] = {p.relative_to(tmp_path / name): p.read_bytes() for p in sorted((tmp_path / name).rglob("*.pdf"))}
    assert len(made["server"]) == 2
    assert made["warm"] == made["server"] and made["off"] == made["server"] and made["batch"] == made["server"]


def test_no_pdf_server_and_the_environment_variable_start_none(runtime, tmp_path):
    build(tmp_path / "flag", "--no-pdf-server")
    build(tmp_path / "env", env={"KA2DOCS_PDF_SERVER": "off"})
    assert cli("pdf-server", "status").returncode == 1 and libreoffices(runtime) == set()


def test_a_server_killed_with_9_is_noticed_and_its_files_never_trusted(runtime, tmp_path):
    assert cli("pdf-server", "start").returncode == 0
    old, offices = state(runtime), libreoffices(runtime)
    os.kill(old["pid"], signal.SIGKILL)
    assert gone([old["pid"]])
    assert (runtime / "pdf-server.json").exists()  # left behind: must not be believed
    status = cli("pdf-server", "status")
    assert status.returncode == 1 and "no PDF server running" in status.stdout
    assert not (runtime / "pdf-server.json").exists() and not (runtime / "pdf-server.sock").exists()
    assert gone(old["workers"]) and gone(offices)  # its workers and their LibreOffice ended too
    result = build(tmp_path / "after")
    assert "PDF server started" in result.stdout and state(runtime)["pid"] != old["pid"]


def test_a_forged_state_file_naming_another_process_is_removed_not_obeyed(runtime):
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        (runtime / "pdf-server.json").write_text(json.dumps({"pid": bystander.pid, "workers": [bystander.pid], "socket": str(runtime / "pdf-server.sock"), "idle_seconds": 60}))
        (runtime / "pdf-server.sock").write_text("not a socket")
        assert cli("pdf-server", "status").returncode == 1
        assert "no PDF server running" in cli("pdf-server", "stop").stdout
        assert bystander.poll() is None  # not ours to kill
        assert not (runtime / "pdf-server.json").exists() and not (runtime / "pdf-server.sock").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_the_server_ends_by_itself_when_idle(runtime):
    assert cli("pdf-server", "start", "--idle", "0.05").returncode == 0  # 3 seconds
    pid, offices = state(runtime)["pid"], libreoffices(runtime)
    assert offices and gone([pid, *offices], timeout=60)
    assert cli("pdf-server", "status").returncode == 1


def test_a_server_that_cannot_start_falls_back_to_the_builds_own_workers(monkeypatch, tmp_path):
    deep = Path(tempfile.mkdtemp(prefix="ka2-rt-")) / ("x" * 120)  # too long a path for a Unix socket
    monkeypatch.setenv("KA2DOCS_RUNTIME_DIR", str(deep))
    try:
        result = build(tmp_path / "out")
        assert "PDF server not used" in result.stdout and re.search(r"2 PDFs by \d+ warm LibreOffice workers?", result.stdout), result.stdout
        assert "NI 191" in pdftext(tmp_path / "out" / f"{COUNTY_REPORT}.pdf")
        assert pdf_server.end_everything_under(deep) == []  # the server that failed left nothing running
    finally:
        shutil.rmtree(deep.parent, ignore_errors=True)


def test_a_server_running_other_code_is_not_used(runtime, monkeypatch):
    """After an upgrade the old server may still run: its PDFs might differ, so a build
    does not use it (it falls back to its own workers) and is told how to replace it."""
    assert cli("pdf-server", "start").returncode == 0
    pid = state(runtime)["pid"]
    monkeypatch.setattr(pdf_server, "code", lambda: "another-version")
    with pytest.raises(pdf.ConversionError, match="another version of ka2docs.*pdf-server stop"):
        pdf_server.begin()
    assert state(runtime)["pid"] == pid  # left alone: stopping it is the user's call


def test_pdfs_are_converted_while_the_build_renders(runtime, tmp_path):
    """With the server running, conversions start as Word files are written, not after the
    last document: some PDF is older than the last file the render wrote (files keep their
    times through the swap into place)."""
    assert cli("pdf-server", "start").returncode == 0
    out = tmp_path / "out"
    result = cli("build", "--as-at", "2008-12-19", "--out", str(out), "--pdf")
    assert result.returncode == 0 and "by the PDF server's" in result.stdout, result.stderr
    rendered = [p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.suffix != ".pdf" and p.name != "manifest.json"]
    pdfs = [p.stat().st_mtime_ns for p in out.rglob("*.pdf")]
    assert len(pdfs) >= 20 and min(pdfs) < max(rendered)


def test_a_worker_that_dies_is_replaced_and_its_document_converted(runtime, tmp_path):
    assert cli("pdf-server", "start").returncode == 0
    before = state(runtime)
    dead = before["workers"][0]
    os.killpg(dead, signal.SIGKILL)  # the worker and its LibreOffice
    result = build(tmp_path / "out")
    assert "2 PDFs by the PDF server's" in result.stdout
    assert "NI 191" in pdftext(tmp_path / "out" / f"{COUNTY_REPORT}.pdf")
    after = state(runtime)
    assert after["pid"] == before["pid"] and dead not in after["workers"] and len(after["workers"]) == 2
