"""The fast paths give exactly the files the slow ones would, and touch nothing else.

No timing is asserted here (benchmarks/run.py measures speed): a no-op rebuild touches
no file, one sign-up change rewrites only what depends on it and equals a full rebuild
byte for byte, builds are reproducible across processes and worker counts, a national
build writes each area as `ka2docs build` would, the progress bar shows only on a
terminal, and start-up imports no Word, Excel or plotting library.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, KA2DOCS, ROOT, TEMPLATES, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_areas import make_areas  # the generator is a script beside the benchmarks

AS_AT = "2008-06-13"  # four bulletins out: enough documents for the worker pool
DAY = dt.date.fromisoformat(AS_AT)
HEAVY = ("docx", "docxtpl", "docxcompose", "openpyxl", "matplotlib", "lxml", "PIL", "numpy")


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folder`: (modification time in ns, inode)."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino) for p in sorted(folder.rglob("*"))}


def shas(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def contexts(data: Path) -> dict[str, str]:
    """Each planned document's context as JSON: what its fingerprint is made of (with its template)."""
    from ka2docs.documents.plan import plan
    from ka2docs.validate import check

    return {d.path: json.dumps(d.context, sort_keys=True, default=str) for d in plan(check(data, DAY), DAY)}


@pytest.fixture(scope="module")
def june(build_at) -> Path:
    """The shipped data built as at 13 June 2008, in this process with its worker pool (read-only)."""
    return build_at(AS_AT)


# --- no-op and incremental rebuilds ---------------------------------------------------


def test_a_rebuild_with_nothing_changed_touches_no_file_and_says_so(june, tmp_path):
    out = tmp_path / "output"
    shutil.copytree(june, out)
    before = tree(out)
    result = run_cli("build", "--out", str(out), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert tree(out) == before  # no file or folder rewritten, replaced or added
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # no temporary folder left either


def test_a_document_edited_since_the_build_is_built_again_though_nothing_else_changed(june, tmp_path):
    """The no-op check hashes every document: an edit that keeps the size, followed by
    the manifest saved again (so the edit looks older than it), is found and rebuilt."""
    out = tmp_path / "output"
    shutil.copytree(june, out)
    report = out / "submission.xlsx"
    original = report.read_bytes()
    report.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # one byte changed, the size kept
    manifest = out / "manifest.json"
    manifest.write_bytes(manifest.read_bytes())  # and the manifest saved again after it: newer than the edit
    result = run_cli("build", "--out", str(out), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" not in result.stdout
    assert report.read_bytes() == original


def add_signup_change(data: Path, when: str) -> tuple[str, int]:
    """One partner's sign-up to one indicator becomes a lead from `when` (a new dated row)."""
    path = data / "signups.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["role"] == "statutory")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n").writerow(
            {**row, "date": when, "role": "lead", "detail": "", "reason": "test: the partner takes the lead", "source": "illustrative-history"})
    return row["partner"], int(row["ni"])


def test_one_signup_change_rewrites_only_the_documents_that_depend_on_it(june, data_copy, tmp_path):
    out = tmp_path / "output"
    shutil.copytree(june, out)
    old = contexts(data_copy)
    partner, ni = add_signup_change(data_copy, "2008-06-01")  # after bulletin 3 (30 May), before bulletin 4 (13 June)
    new = contexts(data_copy)
    depends = {path for path in new if new[path] != old.get(path)}
    before = tree(out)

    result = run_cli("build", "--data", str(data_copy), "--out", str(out), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    after = tree(out)
    rewritten = {p for p in after if p != "manifest.json" and Path(p).suffix and after[p] != before.get(p)}
    assert rewritten == depends
    assert f"{len(depends)} written, {len(new) - len(depends)} unchanged" in result.stdout
    # What depends on a sign-up dated 1 June: the current submission and matrix, bulletin 4
    # (what changed since bulletin 3) and the draft it carries; not the earlier bulletins.
    assert {"submission.xlsx", "matrix.xlsx", "bulletins/bulletin-04.docx", "bulletins/bulletin-04-submission.xlsx"} <= rewritten
    assert not {"bulletins/bulletin-03.docx", "bulletins/bulletin-01-submission.xlsx"} & rewritten
    assert 0 < len(rewritten) < len(new) / 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert {d["path"] for d in manifest["documents"]} == set(new)

    # The incremental result equals a full build of the changed data, byte for byte
    # (here in one process, jobs=1: the kept files came from the pool's workers).
    from ka2docs.build import build

    full = tmp_path / "full"
    build(data_copy, full, TEMPLATES, DAY, jobs=1)
    assert shas(out) == shas(full)
    assert partner in (out / "bulletins" / "bulletin-04.html").read_text(encoding="utf-8")
    assert f"NI {ni}" in (out / "bulletins" / "bulletin-04.html").read_text(encoding="utf-8")


def test_two_builds_in_different_processes_are_byte_identical(june, tmp_path):
    """Another process, another hash seed and time zone: every file's sha256 is the same."""
    out = tmp_path / "again"
    result = run_cli("build", "--out", str(out), "--as-at", AS_AT, env={"PYTHONHASHSEED": "4242", "TZ": "Pacific/Auckland"})
    assert result.returncode == 0, result.stderr
    assert shas(out) == shas(june)
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["documents"]) >= 15  # no Local Action Plan before its LSP has chosen indicators
    for entry in manifest["documents"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert "\r[" not in result.stderr  # not a terminal: no progress bar


def test_a_template_error_in_a_worker_is_reported_like_any_other(tmp_path):
    """A fresh build renders in worker processes; a bad template there is one clear line, exit 2."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "docx" / "bulletin.docx").write_bytes(b"not a Word file")
    out = tmp_path / "output"
    result = run_cli("build", "--out", str(out), "--templates", str(templates), "--as-at", AS_AT, "--data", str(DATA))
    assert result.returncode == 2
    assert "bulletin.docx: cannot open Word template" in result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templates"]  # no output, no temporary folder


def test_a_worker_that_cannot_load_its_libraries_fails_the_build_instead_of_hanging(tmp_path):
    """The workers load the renderers as they start; if that fails, the first render says
    why and the build ends (a pool whose workers die at start would restart them forever)."""
    script = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "import ka2docs.documents.plan\n"
        "def broken():\n"
        "    raise ImportError('no FreeType in this Pillow')\n"
        "ka2docs.documents.plan.preload = broken\n"
        "from ka2docs.build import build\n"
        f"build(Path({str(DATA)!r}), Path({str(tmp_path / 'out')!r}), Path({str(TEMPLATES)!r}), dt.date(2008, 6, 1), jobs=2)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "ImportError: no FreeType in this Pillow" in result.stderr
    assert not (tmp_path / "out").exists()


# --- national scale ---------------------------------------------------------------------


def run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Run ka2docs with its stderr on a pseudo-terminal, as in an interactive shell."""
    master, slave = pty.openpty()
    process = subprocess.Popen([*KA2DOCS, *args], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the last process holding the terminal has ended
            break
        if not chunk:
            break
        seen.append(chunk)
    os.close(master)
    stdout = process.stdout.read().decode()
    process.wait(timeout=600)
    return process.returncode, stdout, b"".join(seen).decode(errors="replace")


@pytest.fixture(scope="module")
def areas(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("areas")
    make_areas(folder, 2)
    return folder


def test_generated_areas_are_kent_sized_renamed_and_valid(areas):
    from ka2docs.history import position
    from ka2docs.validate import check

    folders = sorted(areas.iterdir())
    assert [f.name for f in folders] == ["northbrookshire", "northfieldshire"]
    for folder in folders:
        result = run_cli("validate", "--data", str(folder), "--as-at", "2009-03-31")
        assert result.returncode == 0, result.stderr
        data = check(folder, dt.date(2009, 3, 31))
        now = position(data, dt.date(2009, 3, 31))
        assert len(now.indicators) == 51
        assert len(data.districts) == 12 and len(data.bulletins) == 20 and len(data.partners) >= 40
        assert data.agreement.name == f"{folder.name.capitalize()} Agreement 2"
        assert all(data.sources[s].illustrative for s in data.sources)  # synthetic: every value says so
        text = " ".join(_text_of(p) for p in folder.rglob("*") if p.is_file())
        assert "Kent" not in text and "Tonbridge" not in text and "Gilroy" not in text


def _text_of(path: Path) -> str:
    """A data file's text; a report's Word body by its XML parts."""
    if path.suffix == ".docx":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            return " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8")


def test_build_all_writes_each_area_as_build_would_with_a_progress_bar_on_a_terminal(areas, tmp_path):
    bad = areas.parent / "with-a-bad-area"
    shutil.copytree(areas, bad)
    broken = bad / "zz-broken"
    shutil.copytree(areas / "northbrookshire", broken)
    with (broken / "signups.csv").open("a", encoding="utf-8") as handle:
        handle.write("2008-06-01,163,Nobody At All,lead,,,seed-003\n")
    out = tmp_path / "national"

    code, stdout, terminal = run_on_terminal("build-all", str(bad), "--out", str(out), "--as-at", AS_AT, "--jobs", "2", "--progress")
    assert code == 2  # one area's bad data: the others are built, and the exit status says so
    assert "2 of 3 areas" in stdout
    assert "zz-broken:" in terminal and "signups.csv:" in terminal and "Nobody At All" in terminal
    assert "\r[" in terminal and "areas" in terminal  # the bar, on the terminal
    assert not (out / "zz-broken").exists()
    for area in ("northbrookshire", "northfieldshire"):
        manifest = json.loads((out / area / "manifest.json").read_text())
        assert manifest["as_at"] == AS_AT and len(manifest["documents"]) >= 15  # plans come once chosen

    single = tmp_path / "single"
    result = run_cli("build", "--data", str(areas / "northfieldshire"), "--out", str(single), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    assert shas(out / "northfieldshire") == shas(single)

    before = tree(out)
    again = run_cli("build-all", str(areas), "--out", str(out), "--as-at", AS_AT)
    assert again.returncode == 0, again.stderr
    assert "(2 areas untouched)" in again.stdout and "0 written" in again.stdout
    assert tree(out) == before


# --- the progress bar -----------------------------------------------------------------


def test_progress_bar_waits_a_second_then_draws_on_stderr_and_ends_its_line(monkeypatch, capsys):
    import time

    from ka2docs import cli

    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as on a terminal
    update = cli._progress("documents", None)
    update(1, 10)
    clock[0] += 0.9
    update(2, 10)
    assert capsys.readouterr().err == ""  # under a second: nothing
    clock[0] += 0.2
    update(5, 10)
    assert capsys.readouterr().err == "\r[" + "#" * 15 + "." * 15 + "] 5/10 documents"
    update(10, 10)
    update(0, 0)
    assert capsys.readouterr().err == "\r[" + "#" * 30 + "] 10/10 documents\n"

    quick = cli._progress("areas", None)
    quick(3, 3)
    quick(0, 0)
    assert capsys.readouterr().err == ""  # a quick build leaves no trace, not even a newline

    forced = cli._progress("areas", True)  # --progress: from the start
    forced(1, 3)
    assert capsys.readouterr().err == "\r[" + "#" * 10 + "." * 20 + "] 1/3 areas"
    assert cli._progress("areas", False) is None  # --no-progress: never, even on a terminal


# --- start-up ---------------------------------------------------------------------------

IMPORTS = """
import json, sys
HEAVY = json.loads(sys.argv[2])
sys.argv = ["ka2docs", *json.loads(sys.argv[1])]
from ka2docs.cli import run
code = 0
try:
    run()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print("\\n" + json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "--data", str(DATA), "--as-at", "2008-05-01"], ["--version"]], ids=["help", "validate", "version"])
def test_start_up_imports_no_word_excel_or_plotting_library(args):
    result = subprocess.run([sys.executable, "-c", IMPORTS, json.dumps(args), json.dumps(HEAVY)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None), result.stderr
    assert report["heavy"] == []
