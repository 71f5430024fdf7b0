"""The output folder is ours only when it says so: a user's files are never deleted."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import DATA, TEMPLATES, run_cli

from ka2docs.output import Lock, claim, swap_contents


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(out: Path, *extra: str, data: Path = DATA):
    return run_cli("build", "--data", str(data), "--out", str(out), "--as-at", "2008-05-01", *extra)


@pytest.fixture
def ours(may_build, tmp_path) -> Path:
    out = tmp_path / "shared" / "output"
    shutil.copytree(may_build, out)
    return out


def test_a_folder_of_someone_elses_files_is_refused_and_kept(tmp_path):
    documents = tmp_path / "Documents"
    (documents / "minutes").mkdir(parents=True)
    (documents / "minutes" / "cabinet.docx").write_bytes(b"the only copy")
    (documents / "budget.xlsx").write_bytes(b"numbers")
    before = snapshot(documents)
    result = build(documents)
    assert result.returncode == 2, result.stderr
    assert "no ka2docs build wrote" in result.stderr and str(documents) in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(documents) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents"]  # no staging folder, no lock left


def test_an_empty_folder_is_used_as_it_is(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    out.chmod(0o775)
    assert build(out).returncode == 0
    assert (out / "manifest.json").is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o775


def test_a_new_folder_gets_the_usual_mode_not_a_private_one(tmp_path):
    out = tmp_path / "new"
    assert build(out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_file_named_as_the_output_is_refused(tmp_path):
    minutes = tmp_path / "minutes.docx"
    minutes.write_bytes(b"agenda")
    result = build(minutes)
    assert result.returncode == 2
    assert "is a file, not a folder" in result.stderr
    assert minutes.read_bytes() == b"agenda"


@pytest.mark.parametrize("where", ["data", "data/reports", "templates", "parent-of-data"])
def test_the_data_and_templates_folders_are_never_the_output(data_copy, where):
    templates = data_copy.parent / "templates"
    shutil.copytree(TEMPLATES, templates)
    out = {"data": data_copy, "data/reports": data_copy / "reports", "templates": templates, "parent-of-data": data_copy.parent}[where]
    before = snapshot(data_copy.parent)
    result = run_cli("build", "--data", str(data_copy), "--templates", str(templates), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert snapshot(data_copy.parent) == before


def test_our_own_folder_is_rebuilt_in_place_keeping_its_mode(ours):
    ours.chmod(0o2775)
    (ours / "reports" / "kcc-county-council-2008-05-15.docx").unlink()
    assert build(ours).returncode == 0
    assert (ours / "reports" / "kcc-county-council-2008-05-15.docx").is_file()
    assert stat.S_IMODE(ours.stat().st_mode) == 0o2775


def test_a_symlinked_output_stays_a_symlink(ours, tmp_path):
    link = tmp_path / "link-to-output"
    link.symlink_to(ours)
    result = run_cli("build", "--out", str(link), "--as-at", "2008-12-19")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == ours.resolve()
    assert json.loads((ours / "manifest.json").read_text())["as_at"] == "2008-12-19"


def test_a_damaged_manifest_is_reported_and_everything_is_built_again(ours):
    manifest = ours / "manifest.json"
    manifest.write_text(manifest.read_text()[:300])  # cut off, as by a full disk
    result = build(ours)
    assert result.returncode == 0, result.stderr
    assert "manifest.json was damaged" in result.stderr
    written = json.loads(manifest.read_text())["documents"]
    assert f"{len(written)} written, 0 unchanged" in result.stdout


def test_a_manifest_with_entries_missing_fields_counts_as_damaged(ours):
    manifest = ours / "manifest.json"
    body = json.loads(manifest.read_text())
    del body["documents"][0]["sha256"]
    manifest.write_text(json.dumps(body))
    result = build(ours)
    assert result.returncode == 0, result.stderr
    assert "damaged" in result.stderr


def test_an_output_edited_without_changing_its_size_is_repaired(ours):
    target = ours / "submission.xlsx"
    original = target.read_bytes()
    target.write_bytes(original[:-4] + b"XXXX")
    result = build(ours)
    assert result.returncode == 0
    assert "up to date" not in result.stdout
    assert target.read_bytes() == original


def test_a_second_build_while_one_runs_exits_2_naming_the_holder(ours):
    before = snapshot(ours)
    with Lock(ours.resolve()):
        result = build(ours)
    assert result.returncode == 2
    assert f"another build (process {os.getpid()})" in result.stderr
    assert snapshot(ours) == before
    assert not list(ours.parent.glob(".ka2docs-lock-*")), "the lock file goes with the build that held it"


def test_contents_swap_for_a_mount_point_keeps_the_folder_and_leaves_it_ours(ours, tmp_path):
    """A mount point cannot be renamed: the contents move instead, the manifest last."""
    inode = ours.stat().st_ino
    staging = ours / ".ka2docs-build-test"
    staging.mkdir()
    (staging / "new.docx").write_bytes(b"new")
    (staging / "manifest.json").write_text('{"generator": "ka2docs test", "documents": []}')
    swap_contents(staging, ours)
    assert ours.stat().st_ino == inode
    assert sorted(p.name for p in ours.iterdir()) == [".ka2docs-build-test", "manifest.json", "new.docx"]
    assert claim(ours, DATA, TEMPLATES).manifest == {"generator": "ka2docs test", "documents": []}


def test_a_forked_worker_does_not_keep_the_folder_locked(tmp_path):
    """A build's workers are forked while it holds the lock; if the build dies, a worker still
    finishing a render must not keep the next build out."""
    import os
    import signal
    import time

    from ka2docs.output import Lock

    out = tmp_path / "output"
    lock = Lock(out).__enter__()
    ready, started = os.pipe()
    child = os.fork()
    if child == 0:  # a worker (started: fork's hooks have run), busy for a while
        os.write(started, b"1")
        time.sleep(5)
        os._exit(0)
    os.read(ready, 1)
    try:
        lock.handle.close()  # the build is gone (killed: its descriptors closed); the worker lives on
        with Lock(out):
            pass
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        os.close(ready)
        os.close(started)
