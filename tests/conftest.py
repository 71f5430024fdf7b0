"""Shared fixtures: the shipped Kent data, builds made once per session, the CLI as a user runs it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"
KA2DOCS = [sys.executable, "-m", "ka2docs.cli"]
COUNTY_REPORT_DATE = dt.date(2008, 5, 1)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `ka2docs ARGS` in a fresh process, as a user would from a shell."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*KA2DOCS, *args], check=False, cwd=cwd or ROOT, capture_output=True, text=True, env=full_env, timeout=600)


def docx_blocks(path: Path) -> list:
    """A Word file's body in reading order, as python-docx Paragraph and Table objects."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(path)
    out = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(element, document))
        elif tag == "tbl":
            out.append(Table(element, document))
    return out


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private, editable copy of the shipped data set."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


_BUILDS: dict[str, Path] = {}


def built(tmp_path_factory, as_at: str) -> Path:
    """The shipped data built once per session as at a date (no PDF); treat as read-only."""
    if as_at not in _BUILDS:
        from ka2docs.build import build

        out = tmp_path_factory.mktemp(f"build-{as_at}") / "output"
        build(DATA, out, TEMPLATES, dt.date.fromisoformat(as_at))
        _BUILDS[as_at] = out
    return _BUILDS[as_at]


@pytest.fixture(scope="session")
def may_build(tmp_path_factory) -> Path:
    """Everything as at 1 May 2008, the position the county report shows."""
    return built(tmp_path_factory, "2008-05-01")


@pytest.fixture(scope="session")
def build_at(tmp_path_factory):
    """Call with a date string to get a (cached) build as at that date."""
    return lambda as_at: built(tmp_path_factory, as_at)


@pytest.fixture(scope="session", autouse=True)
def private_pdf_server():
    """A runtime folder of the session's own for the PDF server a `build --pdf` starts, so
    tests never use or stop a user's server; stopped at the end, with what it started.
    (A short path: a Unix socket's name is limited to about 100 bytes.)"""
    import tempfile

    folder = tempfile.mkdtemp(prefix="ka2docs-rt-")
    before = os.environ.get("KA2DOCS_RUNTIME_DIR")
    os.environ["KA2DOCS_RUNTIME_DIR"] = folder
    try:
        yield Path(folder)
    finally:
        from ka2docs.layout import pdf_server

        pdf_server.stop()
        pdf_server.end_everything_under(Path(folder))
        if before is None:
            os.environ.pop("KA2DOCS_RUNTIME_DIR", None)
        else:
            os.environ["KA2DOCS_RUNTIME_DIR"] = before
        shutil.rmtree(folder, ignore_errors=True)
