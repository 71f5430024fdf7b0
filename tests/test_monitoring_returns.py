"""The monitoring cycle as the office runs it: returns out, filled in by an officer, read back, reported."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from docx import Document

PERIOD = "2008-09-30"
OFFICER = "joanna-webb"  # NI 189, 186, 191, 197
HEADER_ROW = 11


@pytest.fixture
def fresh(data_copy: Path) -> Path:
    """The shipped data with no return in yet, and the period's returns not labelled illustrative (a real office's)."""
    shutil.rmtree(data_copy / "returns")
    yaml = data_copy / "agreement.yaml"
    yaml.write_text(yaml.read_text().replace("      returns_source: illustrative-returns\n", ""))
    return data_copy


def build(data: Path, out: Path, as_at: str, *extra: str):
    return run_cli("build", "--data", str(data), "--out", str(out), "--as-at", as_at, "--no-progress", *extra)


def columns(sheet) -> dict[str, int]:
    return {sheet.cell(HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1) if sheet.cell(HEADER_ROW, c).value}


def fill(blank: Path, target: Path, returned: str, answers: dict, edit=None) -> None:
    """Fill a return as an officer would in Excel: the date and the yellow cells, then save under data/returns/."""
    book = openpyxl.load_workbook(blank)
    sheet = book["Return"]
    labels = {sheet.cell(r, 1).value: r for r in range(1, HEADER_ROW)}
    sheet.cell(labels["Date returned"], 2).value = dt.datetime.fromisoformat(returned)
    col = columns(sheet)
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        ni = sheet.cell(row, col["NI"]).value
        if ni in answers:
            actual, commentary, remedial = answers[ni]
            sheet.cell(row, col["Actual"]).value = actual
            sheet.cell(row, col["Commentary"]).value = commentary
            sheet.cell(row, col["Remedial action"]).value = remedial
            sheet.cell(row, col["Data quality"]).value = "Provisional"
    if edit:
        edit(sheet, col)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def row_of(sheet, col, ni: int) -> int:
    return next(r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, col["NI"]).value == ni)


ANSWERS = {
    189: (13.33, "Flood plan actions on schedule.", ""),  # on the trajectory: Green
    191: (851.5, "Residual waste fell less than planned.", "Food waste collections extended in January."),  # just inside: Amber
    197: (224, "Fewer sites under management than planned.", "Survey of 20 more sites this winter."),  # behind by 12.67 > 11.83: Red
}


def test_a_build_after_the_period_writes_one_return_per_officer(fresh, tmp_path):
    out = tmp_path / "out"
    before = build(fresh, tmp_path / "before", "2008-09-30")
    assert before.returncode == 0, before.stderr
    assert not (tmp_path / "before" / "returns").exists()  # the period has not ended yet
    result = build(fresh, out, "2008-10-15")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    returns = sorted(d["path"] for d in manifest["documents"] if d["kind"] == "monitoring-return")
    assert len(returns) == 10 and f"returns/{PERIOD}/{OFFICER}.xlsx" in returns
    assert not [d for d in manifest["documents"] if d["kind"] == "monitoring-report"]  # nothing returned yet
    book = openpyxl.load_workbook(out / "returns" / PERIOD / f"{OFFICER}.xlsx")
    assert book.sheetnames == ["Instructions", "Return"]
    sheet = book["Return"]
    col = columns(sheet)
    assert {"NI", "Measure", "Actual", "Commentary", "Remedial action", "Data quality"} <= set(col)
    row = row_of(sheet, col, 191)
    cells = {name: sheet.cell(row, c).value for name, c in col.items()}
    assert cells["Measure"] == "Residual household waste per household"
    assert (cells["Baseline"], cells["Target"], cells["Trajectory"], cells["Unit"]) == ("860 kg", "762 kg", 811, "kg")
    assert cells["Previous actual"] is None and cells["Actual"] is None
    assert sheet.protection.sheet
    assert not sheet.cell(row, col["Actual"]).protection.locked and sheet.cell(row, col["Baseline"]).protection.locked
    rules = {str(v.sqref): v.type for v in sheet.data_validations.dataValidation}
    assert rules["I12:I15"] == "decimal" and "list" in rules.values() and "date" in rules.values()
    assert "Joanna Webb" in book["Instructions"]["A3"].value and "31 October 2008" in book["Instructions"]["A4"].value


def test_a_filled_return_gives_the_monitoring_report_at_the_next_build(fresh, tmp_path):
    out = tmp_path / "out"
    assert build(fresh, out, "2008-10-15").returncode == 0
    fill(out / "returns" / PERIOD / f"{OFFICER}.xlsx", fresh / "returns" / PERIOD / f"{OFFICER}.xlsx", "2008-10-20", ANSWERS)
    result = build(fresh, out, "2008-11-01")
    assert result.returncode == 0, result.stderr
    report = out / "monitoring" / PERIOD / "monitoring-report.docx"
    text = "\n".join(p.text for p in Document(report).paragraphs)
    cells = [[c.text for c in row.cells] for t in Document(report).tables for row in t.rows]
    by_indicator = {r[0]: r for r in cells if r[0].startswith("NI ")}
    assert by_indicator["NI 191 Residual household waste per household"][1:6] == ["811 kg", "851.5 kg", "Amber", "Improving", "Residual waste fell less than planned."]
    assert by_indicator["NI 189 Flood and coastal erosion risk management"][2:4] == ["13.33%", "Green"]
    assert by_indicator["NI 197 Improved Local Biodiversity – proportion of Local Sites where positive conservation management has been or is being implemented"][3] == "Red"
    assert by_indicator["NI 186 Per capita CO2 emissions in the LA area"][3] == "Not rated: the target gives no figure to compare with"
    # The exception: the officer's commentary and remedial action, word for word.
    exceptions = text.split("Exceptions: indicators rated Red")[1].split("Every returned indicator")[0]
    assert "NI 197" in exceptions and "Survey of 20 more sites this winter." in exceptions and "NI 191" not in exceptions
    assert "1 of 10 returns received" in text
    awaited = [r for r in cells if r[-1] == "31 October 2008"]
    assert len(awaited) == 9 and "Ruth Penfold (illustrative)" in {r[0] for r in awaited}  # the shipped officers are illustrative
    summary = next(r for r in cells if r[0] == "Environmental Excellence")
    assert summary[1:5] == ["1", "1", "1", "1"]  # Green, Amber, Red, Not rated
    workbook = openpyxl.load_workbook(out / "monitoring" / PERIOD / "monitoring-report.xlsx").active
    rows = [[c.value for c in r] for r in workbook.iter_rows()]
    assert ["NI 191 Residual household waste per household", None, "860 kg", "762 kg", "811 kg", "851.5 kg", "Amber", "Improving"] == rows[next(n for n, r in enumerate(rows) if r[0] and str(r[0]).startswith("NI 191"))][:8]
    check = run_cli("check", "--out", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    status = run_cli("status", "--data", str(fresh), "--as-at", "2008-11-01", "--json")
    rag = json.loads(status.stdout)["rag"]
    assert rag["counts"] == {"green": 1, "amber": 1, "red": 1, "not rated": 1} and (rag["returns"], rag["due"]) == (1, 10)
    changes = run_cli("changes", "--data", str(fresh), "--since", "2008-10-15", "--as-at", "2008-11-01", "--monitoring")
    line = next(x for x in changes.stdout.splitlines() if "NI 191" in x)
    assert line.startswith("2008-10-20") and "RAG against the trajectory: (none) -> Amber (April to September 2008)" in line


def _refused(fresh: Path, tmp_path: Path, edit) -> str:
    """Build, save a return with `edit` applied, build again: the second build must refuse and write nothing."""
    out = tmp_path / "out"
    assert build(fresh, out, "2008-10-15").returncode == 0
    fill(out / "returns" / PERIOD / f"{OFFICER}.xlsx", fresh / "returns" / PERIOD / f"{OFFICER}.xlsx", "2008-10-20", ANSWERS, edit)
    manifest = (out / "manifest.json").read_bytes()
    result = build(fresh, out, "2008-11-01")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "manifest.json").read_bytes() == manifest and not (out / "monitoring").exists()
    validate = run_cli("validate", "--data", str(fresh), "--as-at", "2008-11-01")
    assert validate.returncode == 2 and validate.stderr == result.stderr
    return result.stderr


def test_text_in_a_number_cell_names_the_file_and_cell(fresh, tmp_path):
    def lots(sheet, col):
        sheet.cell(row_of(sheet, col, 191), col["Actual"]).value = "lots"

    message = _refused(fresh, tmp_path, lots)
    assert f"returns/{PERIOD}/{OFFICER}.xlsx: Return!I14: 'lots' is not a number (allowed: a number in kg)" in message


def test_a_return_for_another_period_is_refused(fresh, tmp_path):
    def other(sheet, col):
        sheet["B6"] = "2009-03-31"

    message = _refused(fresh, tmp_path, other)
    assert "Return!B6: this return is for the period ending '2009-03-31', not 2008-09-30" in message


def test_an_indicator_the_officer_does_not_hold_is_refused(fresh, tmp_path):
    def foreign(sheet, col):
        sheet.cell(row_of(sheet, col, 197), col["NI"]).value = 47

    message = _refused(fresh, tmp_path, foreign)
    assert "Return!A15: NI 47 is not an indicator Joanna Webb holds (allowed: NI 189, NI 186, NI 191, NI 197)" in message


def test_a_changed_prefilled_cell_is_refused(fresh, tmp_path):
    def easier(sheet, col):
        sheet.cell(row_of(sheet, col, 191), col["Trajectory"]).value = 860

    message = _refused(fresh, tmp_path, easier)
    assert "Return!G14: '860' differs from the value sent, '811'" in message


def test_a_late_return_is_listed_not_refused(fresh, tmp_path):
    out = tmp_path / "out"
    assert build(fresh, out, "2008-10-15").returncode == 0
    fill(out / "returns" / PERIOD / f"{OFFICER}.xlsx", fresh / "returns" / PERIOD / f"{OFFICER}.xlsx", "2008-11-10", ANSWERS)
    early = build(fresh, out, "2008-11-05")  # before the officer sent it: no report yet
    assert early.returncode == 0 and not (out / "monitoring").exists()
    assert build(fresh, out, "2008-11-12").returncode == 0
    text = "\n".join(p.text for p in Document(out / "monitoring" / PERIOD / "monitoring-report.docx").paragraphs)
    assert "Joanna Webb (illustrative) (Kent Waste Partnership): returned 10 November 2008" in text


def test_returns_and_report_are_the_same_bytes_on_every_build(data_copy, tmp_path):
    def digests(out: Path) -> dict:
        return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.*") if p.parts[-3] in ("returns", "monitoring")}

    for name in ("a", "b"):
        assert build(data_copy, tmp_path / name, "2008-11-15").returncode == 0
    first, second = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert len(first) == 12 and first == second  # 10 returns, the report and its workbook


def _problems(data: Path) -> str:
    result = run_cli("validate", "--data", str(data), "--as-at", "2008-11-15")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    return result.stderr


def test_what_is_read_from_the_returns_folder_is_limited(data_copy):
    folder = data_copy / "returns" / PERIOD
    shutil.copy(folder / f"{OFFICER}.xlsx", data_copy / "big.xlsx")
    book = openpyxl.load_workbook(data_copy / "big.xlsx")
    book["Return"].cell(5000, 1).value = "x"  # far below the return's own rows
    book.save(folder / f"{OFFICER}.xlsx")
    (folder / "notes.txt").write_text("not a return")
    (data_copy / "returns" / "2008-12-31").mkdir()
    (folder / "huge.xlsx").write_bytes(b"PK" + b"\0" * (3 * 1024 * 1024))
    message = _problems(data_copy)
    assert f"{OFFICER}.xlsx: Return: has cells beyond row 300 or column 30" in message
    assert "notes.txt: is not a return workbook (allowed: the .xlsx files the returns went out as)" in message
    assert "returns/2008-12-31: '2008-12-31' is not a monitoring period (allowed: 2008-09-30, 2009-03-31," in message
    assert "huge.xlsx: file is 3.1 MB (allowed: a return of at most 2 MB)" in message


def test_a_return_under_a_name_that_never_went_out_is_refused(data_copy):
    folder = data_copy / "returns" / PERIOD
    shutil.copy(folder / f"{OFFICER}.xlsx", folder / "joanna-webb-final.xlsx")
    assert "joanna-webb-final.xlsx: no return went out under this name for the period ending 2008-09-30 (allowed: andrew-kerr.xlsx," in _problems(data_copy)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_return_saved_again_by_libreoffice_reads_the_same(data_copy, tmp_path):
    import subprocess

    shipped = data_copy / "returns" / PERIOD / f"{OFFICER}.xlsx"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(shipped)], check=True, capture_output=True, timeout=180)
    shutil.copy(tmp_path / f"{OFFICER}.xlsx", shipped)
    status = run_cli("status", "--data", str(data_copy), "--as-at", "2008-11-15", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["rag"]["counts"] == {"green": 10, "amber": 5, "red": 4, "not rated": 15}
