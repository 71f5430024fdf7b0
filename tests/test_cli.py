"""cli.py: our errors are lines and exit codes; anything unexpected is one line, or a traceback with --debug."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

# A fault no input can explain (a bug, a full disk): the loader raises something of no class of ours.
UNEXPECTED = """
import sys
import ka2docs.validate
def broken(*args, **kwargs):
    raise RuntimeError("the disk went away")
ka2docs.validate.check = broken
from ka2docs.cli import run
sys.argv = ["ka2docs", *sys.argv[1:]]
run()
"""


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", UNEXPECTED, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def test_an_unexpected_error_is_one_line_and_exit_1():
    result = _run("validate")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["ka2docs: unexpected error: RuntimeError: the disk went away (run with --debug for the full traceback)"]


def test_debug_shows_the_traceback():
    result = _run("--debug", "validate")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr and "RuntimeError: the disk went away" in result.stderr
