"""`ka2docs templates`, and what a broken template does to `ka2docs build`."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest
from conftest import TEMPLATES, run_cli

AS_AT = "2008-05-01"


@pytest.fixture
def templates_copy(tmp_path):
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def add_paragraph(path, text: str) -> None:
    document = docx.Document(path)
    document.add_paragraph(text)
    document.save(path)


def listing(stdout: str) -> dict[str, list[str]]:
    """{template: [its indented lines]} from the command's output."""
    out: dict[str, list[str]] = {}
    current = None
    for line in stdout.splitlines():
        if line.startswith("  ") and current:
            out[current].append(line.strip())
        elif line:
            current = line.split(":", 1)[0]
            out[current] = [line]
    return out


def test_lists_every_template_its_variables_and_none_missing():
    result = run_cli("templates", "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    found = listing(result.stdout)
    for name in ("docx/county-report.docx", "docx/district-report.docx", "xlsx/submission.xlsx"):
        assert name in found, result.stdout
        assert "not provided by the data: (none)" in found[name]
    county = found["docx/county-report.docx"]
    assert county[0] == "docx/county-report.docx: used by 1 document as at 2008-05-01"
    assert "variables: body, by, classification_label, decision, footer, subject, summary, to" in county
    submission = next(line for line in found["xlsx/submission.xlsx"] if line.startswith("variables:"))
    assert {"indicator", "baseline", "year1", "partners", "status"} <= set(submission.removeprefix("variables: ").split(", "))


def test_a_tag_the_data_does_not_provide_fails_the_check_and_the_build(templates_copy, tmp_path):
    template = templates_copy / "docx" / "county-report.docx"
    add_paragraph(template, "Prepared by {{ report_author }}")
    result = run_cli("templates", "--templates", str(templates_copy), "--as-at", AS_AT)
    assert result.returncode == 2
    assert "not provided by the data: report_author" in listing(result.stdout)["docx/county-report.docx"]
    assert f"{template}: tag: {{{{ report_author }}}} is not provided by the data (allowed: " in result.stderr
    out = tmp_path / "out"
    built = run_cli("build", "--templates", str(templates_copy), "--as-at", AS_AT, "--out", str(out))
    assert built.returncode == 2
    assert f"{template}: tag: 'report_author' is undefined" in built.stderr
    assert "Traceback" not in built.stderr and not out.exists()


def test_a_syntax_error_in_a_tag_fails_the_check_and_the_build(templates_copy, tmp_path):
    template = templates_copy / "docx" / "district-report.docx"
    add_paragraph(template, "{{ meeting_date ")
    result = run_cli("templates", "--templates", str(templates_copy), "--as-at", AS_AT)
    assert result.returncode == 2
    assert f"{template}: tag: syntax error" in result.stderr
    assert "docx/district-report.docx: used by 1 document as at 2008-05-01  FAILED" in result.stdout
    built = run_cli("build", "--templates", str(templates_copy), "--as-at", AS_AT, "--out", str(tmp_path / "out"))
    assert built.returncode == 2
    assert f"{template}: tag: syntax error" in built.stderr and "Traceback" not in built.stderr


def test_an_excel_placeholder_the_data_lacks_or_a_broken_one(templates_copy):
    template = templates_copy / "xlsx" / "submission.xlsx"
    book = openpyxl.load_workbook(template)
    book.active["B1"] = "{{ prepared_by }}"
    book.active["C1"] = "{{ title"
    book.save(template)
    result = run_cli("templates", "--templates", str(templates_copy), "--as-at", AS_AT)
    assert result.returncode == 2
    assert f"{template}:1: Submission!C1: malformed tag '{{{{ title'" in result.stderr
    book.active["C1"] = None
    book.save(template)
    result = run_cli("templates", "--templates", str(templates_copy), "--as-at", AS_AT)
    assert result.returncode == 2
    assert "not provided by the data: prepared_by" in listing(result.stdout)["xlsx/submission.xlsx"]
    assert "unknown field {{ prepared_by }}" in result.stderr


def test_templates_command_documents_its_options():
    result = run_cli("templates", "--help")
    assert result.returncode == 0 and "--templates" in result.stdout and "--data" in result.stdout and "--as-at" in result.stdout


def test_a_restyled_excel_template_is_used_as_saved(templates_copy, tmp_path):
    """A template restyled and saved again by a spreadsheet program (LibreOffice: shared
    strings, its own style numbers) is filled as the shipped one: same values, new styles."""
    from openpyxl.styles import Font, PatternFill

    from ka2docs.layout.pdf import find_soffice

    template = templates_copy / "xlsx" / "submission.xlsx"
    book = openpyxl.load_workbook(template)
    sheet = book.active
    heading = next(c for row in sheet.iter_rows() for c in row if c.value == "{{ heading }}")
    for cell in sheet[heading.row]:
        cell.fill = PatternFill("solid", fgColor="FFC000")
    sheet["A2"].font = Font(name="Arial", size=14, italic=True)
    sheet["M1"] = "=1+1"
    book.save(template)
    saved = tmp_path / "saved"
    subprocess.run([find_soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx", "--outdir", str(saved), str(template)],
                   check=True, capture_output=True, timeout=120)
    shutil.copyfile(saved / "submission.xlsx", template)
    with zipfile.ZipFile(template) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()  # the placeholders are shared strings now
    out = tmp_path / "out"
    result = run_cli("build", "--templates", str(templates_copy), "--as-at", AS_AT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    shipped = run_cli("build", "--as-at", AS_AT, "--out", str(tmp_path / "shipped"))
    assert shipped.returncode == 0, shipped.stderr

    def values(path):
        return [row[:11] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]

    assert values(out / "submission.xlsx") == values(tmp_path / "shipped" / "submission.xlsx")
    written = openpyxl.load_workbook(out / "submission.xlsx").active
    headings = [row[0] for row in written.iter_rows() if row[0].value == "ECONOMIC SUCCESS"]
    assert headings and all(c.fill.fgColor.rgb.endswith("FFC000") for c in written[headings[0].row][:11])
    assert written["A2"].font.i and written["A2"].font.sz == 14
    assert written["M1"].value == "=1+1"
    assert written.print_area == f"'Submission'!$A$1:$M${written.max_row}"


def _rewrite_sheet(template, change) -> None:
    """Edit the first sheet's XML of a workbook template in place (what Excel or another writer would save)."""
    with zipfile.ZipFile(template) as archive:
        members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            archive.writestr(name, change(body) if name == "xl/worksheets/sheet1.xml" else body)


def test_an_excel_template_with_a_styled_blank_or_a_label_in_its_sample_row_and_a_namespace_prefix(templates_copy, tmp_path):
    """Excel keeps a formatted empty cell as <c r=".." s=".."/>, and some writers prefix the
    sheet's namespace (<x:row>): both are templates like any other."""
    import re

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="B6" s="5" t="inlineStr"><is><t>{{ measure }}</t></is></c>', b'<c r="B6" s="5"/>')
        xml = xml.replace(b"<t>{{ commentary }}</t>", b"<t>see note</t>")
        return re.sub(rb"<(/?)(?!\?)([a-zA-Z]+[ >/])", rb"<\1x:\2", xml).replace(b'xmlns="', b'xmlns:x="')

    template = templates_copy / "xlsx" / "submission.xlsx"
    _rewrite_sheet(template, change)
    out = tmp_path / "out"
    result = run_cli("build", "--templates", str(templates_copy), "--as-at", AS_AT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out / "submission.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    ni163 = next(row for row in rows if str(row[0]).startswith("NI 163"))
    assert ni163[1] is None and ni163[10] is None  # the blank stays blank; a label in a sample row is not data
    assert ni163[2] == "67.5% (508,000)"
    assert sheet["B" + str(rows.index(ni163) + 1)].border.left.style == "thin"  # the blank keeps its style
