"""The December 2008 refresh schedule: what differs from the May submission, one line each."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, TEMPLATES, run_cli
from docx import Document

MARKER = "REFRESHSECRET3J"

# Every line the schedule must have as at 19 December 2008, in the submission's order: (indicator, what changed).
EXPECTED = [
    ("NI 171", "status"), ("NI 171", "baseline"),
    ("NI 120", "designation 10/11 (All persons)"),
    ("NI 197", "target 10/11"),
    ("NI 111", "status"), ("NI 111", "baseline"), ("NI 111", "target for the whole period"),
    ("NI 3", "status"), ("NI 3", "baseline"), ("NI 3", "target for the whole period"),
    ("NI 6", "status"), ("NI 6", "baseline"), ("NI 6", "target for the whole period"),
    ("NI 11", "status"), ("NI 11", "baseline"), ("NI 11", "target for the whole period"),
    ("NI 8", "sign-up: Sport England"),
    ("NI 110", "status"), ("NI 110", "baseline"), ("NI 110", "target for the whole period"),
    ("NI 187", "status"), ("NI 187", "baseline"), ("NI 187", "target for the whole period"),
]


@pytest.fixture(scope="module")
def december(build_at) -> Path:
    return build_at("2008-12-19")


def sheet_rows(path: Path) -> tuple[list, list[tuple]]:
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(n for n, r in enumerate(rows) if r[0] == "Indicator (NI number and title)")
    return rows[: header + 1], [r for r in rows[header + 1:] if any(r)]


def test_the_schedule_is_written_from_the_refresh_date_on(december, build_at):
    manifest = json.loads((december / "manifest.json").read_text())
    refresh = sorted((d["path"], d["kind"], d["classification"]) for d in manifest["documents"] if d["kind"] == "refresh-schedule")
    assert refresh == [("refresh/refresh-schedule.docx", "refresh-schedule", "part1"), ("refresh/refresh-schedule.xlsx", "refresh-schedule", "part1")]
    mid_june = json.loads((build_at("2008-06-13") / "manifest.json").read_text())
    assert not [d for d in mid_june["documents"] if d["kind"] == "refresh-schedule"]


def test_not_due_the_day_before_the_refresh():
    from ka2docs.data.load import load
    from ka2docs.documents.plan import plan

    data = load(DATA)
    assert not [d for d in plan(data, dt.date(2008, 11, 30)) if d.kind == "refresh-schedule"]
    assert [d.format for d in plan(data, dt.date(2008, 12, 1)) if d.kind == "refresh-schedule"] == ["xlsx", "docx"]


def test_workbook_rows_are_every_difference_since_the_submission(december):
    top, rows = sheet_rows(december / "refresh" / "refresh-schedule.xlsx")
    assert top[0][0] == "Kent Agreement 2: refresh schedule"
    assert top[1][0] == (
        "November/December 2008 refresh: every baseline, target, designation, status and sign-up that differs between "
        "the submission of 30 May 2008 and the position as at 19 December 2008"
    )
    assert top[2][0].startswith("Illustrative: values marked (illustrative)")
    assert list(top[-1]) == ["Indicator (NI number and title)", "What changed", "At submission (30/05/08)", "As at 19/12/08", "Date", "Reason", "Source"]
    lines = [r for r in rows if r[1]]
    headings = [r[0] for r in rows if not r[1]]
    assert [(r[0].split(" ")[0] + " " + r[0].split(" ")[1], r[1]) for r in lines] == EXPECTED
    assert headings == ["ECONOMIC SUCCESS", "IMPROVED HEALTH, CARE & WELLBEING", "ENVIRONMENTAL EXCELLENCE", "STRONGER & SAFER COMMUNITIES", "ENJOYING LIFE", "HIGH QUALITY HOMES"]
    by_key = {(r[0].split(" ")[1], r[1]): r for r in lines}
    assert by_key[("120", "designation 10/11 (All persons)")][2:] == (
        "not designated", "designated (illustrative)", "27/06/08",
        "Designated for the Performance Reward Grant when the agreement was approved", "illustrative-history",
    )
    changed = by_key[("197", "target 10/11")]
    assert changed[2:5] == ("265 (+15%) (illustrative)", "265 (+15.7%): 5% per annum cumulative (illustrative)", "12/12/08")
    assert changed[5] == "Changed at the refresh: Kent and GOSE agreed the cumulative option discussed in May"
    place = by_key[("3", "baseline")]
    assert place[2] == "Cannot be set until Place Based Survey conducted (Sept 08)"
    assert place[3] == "Set from the Place Survey 2008 results (illustrative)"
    # Agreed before the submission: in the submission already, so not a refresh line.
    assert ("120", "status") not in by_key and ("197", "status") not in by_key


def test_word_schedule_has_the_same_lines(december):
    document = Document(december / "refresh" / "refresh-schedule.docx")
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Indicator", "What changed", "At submission (30/05/08)", "As at 19/12/08", "Date", "Reason", "Source"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    lines = [r for r in body if r[1]]
    assert [(" ".join(r[0].split(" ")[:2]), r[1]) for r in lines] == EXPECTED
    heading_rows = [row for row in table.rows[1:] if not row.cells[1].text]
    assert heading_rows[0].cells[0].text == "ECONOMIC SUCCESS"
    assert all(run.bold for row in heading_rows for run in row.cells[0].paragraphs[0].runs)
    texts = [p.text for p in document.paragraphs]
    assert any(t.endswith("as at 19 December 2008: 23 lines.") for t in texts)
    assert any(t.startswith("Illustrative: values marked (illustrative)") for t in texts)
    assert document.core_properties.title == "Kent Agreement 2: refresh schedule"


def test_the_refreshed_build_regenerates_the_submission(december):
    sheet = openpyxl.load_workbook(december / "submission.xlsx").active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("NI 3 "))
    assert row[2] == "Set from the Place Survey 2008 results (illustrative)"


def test_restricted_changes_go_only_to_a_part2_copy(data_copy, tmp_path):
    from ka2docs.data.load import load
    from ka2docs.documents import refresh
    from ka2docs.history import position

    with open(data_copy / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.write(f"2008-07-01,191,agreed,Note {MARKER},yes,,seed-003\n")
    for document in refresh.documents(position(load(data_copy), dt.date(2008, 12, 1))):  # only the schedule is under test
        target = tmp_path / "out" / document.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document.render(TEMPLATES))
    part1 = tmp_path / "out" / "refresh" / "refresh-schedule.xlsx"
    part2 = tmp_path / "out" / "restricted" / "refresh" / "refresh-schedule.xlsx"
    for path in (part1, part1.with_suffix(".docx")):
        with zipfile.ZipFile(path) as archive:
            assert not any(MARKER in archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    _, rows = sheet_rows(part2)
    assert ("NI 191 Residual household waste per household", "commentary", None, f"Note {MARKER}", "01/07/08", None, "seed-003") in rows
    assert "Restricted (Part 2)" in "".join(p.text for p in Document(part2.with_suffix(".docx")).sections[0].header.paragraphs)


def test_bad_refresh_dates_are_reported_with_their_line(data_copy):
    path = data_copy / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    date: 2008-12-01\n", "    date: 2008-13-01\n    when: soon\n"), encoding="utf-8")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    line = text.splitlines().index("    date: 2008-12-01") + 1
    assert f"agreement.yaml:{line}: agreement.refresh.date: '2008-13-01' is not a real date" in result.stderr
    assert "agreement.refresh.when: unknown key (allowed: date, label, source, submitted)" in result.stderr
