"""build-all: every area that can be built is built; each failed area is reported with
its problems, its earlier documents kept as they were, and the exit status is 2."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import DATA, TEMPLATES, run_cli
from test_bad_input import LINE, snapshot

AS_AT = "2008-05-01"


@pytest.fixture
def areas(tmp_path) -> Path:
    """Four areas: one good, one with a bad value, one whose agreement.yaml was saved as .yml, one good again."""
    folder = tmp_path / "areas"
    for name in ("alpha", "bravo-bad", "charlie-typo", "delta"):
        shutil.copytree(DATA, folder / name)
    with open(folder / "bravo-bad" / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.write("2008-05-02,191,agred,,no,,seed-003\n")
    (folder / "charlie-typo" / "agreement.yaml").rename(folder / "charlie-typo" / "agreement.yml")
    return folder


def test_every_good_area_is_built_and_every_bad_one_reported_with_its_problems(areas, tmp_path):
    out = tmp_path / "national"
    first = run_cli("build-all", str(areas), "--out", str(out), "--as-at", AS_AT, "--jobs", "2")
    assert first.returncode == 2, first.stderr
    assert "2 of 4 areas" in first.stdout
    assert (out / "alpha" / "manifest.json").is_file() and (out / "delta" / "manifest.json").is_file()
    lines = first.stderr.strip().splitlines()
    assert all(LINE.match(line) for line in lines), lines
    assert any("bravo-bad/statuses.csv:" in line and "unknown status 'agred'" in line for line in lines)
    assert any("charlie-typo/agreement.yaml" in line and "agreement.yml is here" in line for line in lines)  # not silently skipped
    assert sum("area not built" in line for line in lines) == 2

    # An area that built before and has bad data now keeps its earlier documents, byte for byte.
    shutil.copytree(out / "alpha", out / "bravo-bad")
    before = snapshot(out / "bravo-bad")
    again = run_cli("build-all", str(areas), "--out", str(out), "--as-at", AS_AT, "--jobs", "1")
    assert again.returncode == 2
    assert snapshot(out / "bravo-bad") == before


def test_an_unexpected_error_in_one_area_does_not_stop_the_others(areas, tmp_path, monkeypatch):
    from ka2docs import national

    real = national.build

    def build(folder, out, templates, as_at, **options):
        if Path(folder).name == "alpha":
            raise RuntimeError("a bug met in one area")
        return real(folder, out, templates, as_at, **options)

    monkeypatch.setattr(national, "build", build)
    results = national.build_all(areas, tmp_path / "out", TEMPLATES, dt.date.fromisoformat(AS_AT), jobs=1)
    by_area = {r.area: r for r in results}
    assert by_area["delta"].ok and by_area["delta"].documents >= 4  # the submission, the matrix and two reports as at 1 May
    assert not by_area["alpha"].ok and "unexpected error: RuntimeError: a bug met in one area" in by_area["alpha"].problems[0]
    assert not by_area["bravo-bad"].ok and not by_area["charlie-typo"].ok


def test_an_output_folder_inside_the_areas_folder_is_not_taken_for_an_area(areas):
    out = areas / "output"
    first = run_cli("build-all", str(areas), "--out", str(out), "--as-at", AS_AT, "--jobs", "1")
    assert "2 of 4 areas" in first.stdout, first.stdout + first.stderr
    second = run_cli("build-all", str(areas), "--out", str(out), "--as-at", AS_AT, "--jobs", "1")
    assert "2 of 4 areas" in second.stdout, second.stdout + second.stderr
