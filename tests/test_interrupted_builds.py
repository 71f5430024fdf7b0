"""A build killed at any point leaves the previous output and manifest intact and consistent."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT, TEMPLATES, run_cli

KILL_AFTER_DOCUMENT = """
import datetime as dt, os, signal, sys
from ka2docs.build import build
stop = int(sys.argv[4])
def progress(done, total):
    if done == min(stop, total):
        os.kill(os.getpid(), signal.SIGKILL)
build(sys.argv[1], sys.argv[2], sys.argv[3], dt.date.fromisoformat(sys.argv[5]), progress=progress)
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_consistent(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["documents"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]


@pytest.fixture
def previous(may_build, tmp_path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(may_build, out)
    return out


@pytest.mark.parametrize("stop", [1, 3, 10_000], ids=["after-first-document", "after-third-document", "after-last-document"])
def test_killed_during_rendering_leaves_the_previous_output(previous, stop):
    before = snapshot(previous)
    result = subprocess.run([sys.executable, "-c", KILL_AFTER_DOCUMENT, str(DATA), str(previous), str(TEMPLATES), str(stop), "2008-06-13"], check=False, cwd=ROOT)
    assert result.returncode == -signal.SIGKILL
    assert snapshot(previous) == before
    assert_consistent(previous)


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8, 1.5])
def test_killed_at_any_moment_leaves_a_complete_output(previous, delay):
    """Killed from outside after a delay: the output is the old set or the new set, never a mix."""
    old = snapshot(previous)
    process = subprocess.Popen([sys.executable, "-m", "ka2docs.cli", "build", "--out", str(previous), "--as-at", "2008-06-13"], cwd=ROOT)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert_consistent(previous)
    now = snapshot(previous)
    if now != old:  # the build got as far as the swap: it must be the whole new set
        assert json.loads(now["manifest.json"])["as_at"] == "2008-06-13"


def test_next_build_after_a_kill_cleans_up_and_succeeds(previous):
    subprocess.run([sys.executable, "-c", KILL_AFTER_DOCUMENT, str(DATA), str(previous), str(TEMPLATES), "1", "2008-06-13"], check=False, cwd=ROOT)
    assert list(previous.parent.glob(".ka2docs-build-*")), "the killed build should have left its temporary folder"
    result = run_cli("build", "--out", str(previous), "--as-at", "2008-06-13")
    assert result.returncode == 0, result.stderr
    assert not list(previous.parent.glob(".ka2docs-build-*"))
    assert json.loads((previous / "manifest.json").read_text())["as_at"] == "2008-06-13"
    assert_consistent(previous)
