"""Workbooks show what the data says, and what staff add to a template is kept or refused.

- A number keeps its written form: '1.50' does not print as 1.5, nor '007' as 7 (the
  drift between the submission and the report's Appendix the product exists to prevent).
- A footer note staff put below the submission template's sample rows, merged across,
  moves down below the written rows; conditional formats and validations on the sample
  row cover every row written from it. What the writer cannot carry exits 2 naming the
  template and cell.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest
from conftest import TEMPLATES, run_cli
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

AS_AT = "2008-12-19"
FOOTER = "Signed off by the Kent Partnership Board: please return by 30 May."


def written_targets(data):
    with open(data / "targets.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("2008-05-20,152,,baseline,007,no,,seed-003\n2008-05-20,152,,all,1.50,no,,seed-003\n")


def ni_row(sheet, ni: str) -> int:
    return next(c.row for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith(f"NI {ni} "))


def test_numbers_keep_their_written_form_in_every_workbook(data_copy, tmp_path):
    written_targets(data_copy)
    result = run_cli("build", "--data", str(data_copy), "--out", str(tmp_path / "out"), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    books = [tmp_path / "out" / "submission.xlsx", *sorted((tmp_path / "out" / "bulletins").glob("*-submission.xlsx"))[-1:]]
    for path in books:
        sheet = openpyxl.load_workbook(path).worksheets[0]
        row = ni_row(sheet, "152")
        baseline, period = sheet.cell(row, 3), sheet.cell(row, 7)
        # Still numbers (a total sums them), shown with the zeros they were written with.
        assert (baseline.value, baseline.number_format) == (7, "000"), path.name
        assert (period.value, period.number_format) == (1.5, "0.00"), path.name
        assert sheet.cell(row, 4).number_format == "General"  # other numbers as before


def test_libreoffice_shows_1_50_and_007_as_written(data_copy, tmp_path):
    from ka2docs.layout import pdf

    soffice = pdf.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    written_targets(data_copy)
    assert run_cli("build", "--data", str(data_copy), "--out", str(tmp_path / "out"), "--as-at", AS_AT).returncode == 0
    as_shown = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"  # the last token: cell contents as shown
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", as_shown, "--outdir", str(tmp_path),
                    str(tmp_path / "out" / "submission.xlsx")], check=True, capture_output=True, timeout=300)
    with open(tmp_path / "submission.csv", encoding="utf-8", errors="replace", newline="") as handle:
        row = next(r for r in csv.reader(handle) if r and r[0].startswith("NI 152 "))
    assert row[2] == "007" and row[6] == "1.50"


# --- a template staff edited ------------------------------------------------------------


def edited_submission(tmp_path, footer_formula: bool = False, merge: str | None = None):
    """The shipped templates, the submission's with a footer note merged across under the
    sample rows, a conditional format and a validation on the sample data row."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    path = templates / "xlsx" / "submission.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet["A6"].value == "{{ indicator }}" and sheet["A7"].value is None
    sheet["A8"] = FOOTER
    sheet.merge_cells(merge or "A8:K8")
    if footer_formula:
        sheet["A9"] = "=COUNTA(A6:A6)"
    sheet.conditional_formatting.add("H6", CellIsRule(operator="equal", formula=['"Yes"'], fill=PatternFill("solid", fgColor="FFC7CE")))
    rule = DataValidation(type="list", formula1='"Agreed,Under discussion"', allow_blank=True)
    sheet.add_data_validation(rule)
    rule.add("J6")
    book.save(path)
    return templates


def test_a_footer_note_below_the_samples_moves_down_with_its_merge(tmp_path):
    templates = edited_submission(tmp_path)
    result = run_cli("build", "--data", str(TEMPLATES.parent / "data"), "--templates", str(templates), "--out", str(tmp_path / "out"), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "out" / "submission.xlsx").worksheets[0]
    indicators = [c.row for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("NI ")]
    last = max(indicators)  # the last row written
    footer = [c.row for c in sheet["A"] if c.value == FOOTER]
    assert footer == [last + 2]  # one blank row between, as in the template
    merges = {str(m) for m in sheet.merged_cells.ranges}
    assert merges == {f"A{last + 2}:K{last + 2}"}  # not on a data row
    assert sheet.print_area.endswith(f"$A$1:$K${last + 2}")
    # The sample row's conditional format and validation cover every data row written from it.
    [formats] = [str(r.sqref) for r in sheet.conditional_formatting]
    covered = {cell.row for piece in formats.split() for row in sheet[piece] for cell in (row if isinstance(row, tuple) else (row,))}
    assert set(indicators) <= covered and not covered & set(footer)
    [validation] = sheet.data_validations.dataValidation
    covered = {cell.row for piece in str(validation.sqref).split() for row in sheet[piece] for cell in (row if isinstance(row, tuple) else (row,))}
    assert set(indicators) <= covered and not covered & set(footer)


@pytest.mark.parametrize(("edit", "cell", "what"), [
    ({"footer_formula": True}, "Submission!A9", "a formula below the sample rows is not supported"),
    ({"merge": "A6:A8"}, "Submission!A6", "a merge (A6:A8) from a sample row into other rows is not supported"),
])
def test_what_the_writer_cannot_carry_is_refused_naming_the_cell(tmp_path, edit, cell, what):
    templates = edited_submission(tmp_path, **edit)
    out = tmp_path / "out"
    result = run_cli("build", "--data", str(TEMPLATES.parent / "data"), "--templates", str(templates), "--out", str(out), "--as-at", AS_AT)
    assert result.returncode == 2, result.stderr
    assert f"{templates / 'xlsx' / 'submission.xlsx'}: {cell}: {what}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not (out / "submission.xlsx").exists()


def test_the_workbook_from_an_edited_template_is_valid(tmp_path):
    import test_validators

    if not test_validators.READY:
        pytest.skip(f"OOXML validator not installed: {test_validators.INSTALL}")
    templates = edited_submission(tmp_path)
    assert run_cli("build", "--data", str(TEMPLATES.parent / "data"), "--templates", str(templates), "--out", str(tmp_path / "out"), "--as-at", AS_AT).returncode == 0
    assert test_validators.ooxml_errors([tmp_path / "out" / "submission.xlsx"]) == []
