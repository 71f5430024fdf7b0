"""`ka2docs check`: the accessibility rules catch what they claim, and our documents pass them.

Each rule is shown failing on a purpose-made bad document (built here with python-docx or
openpyxl) and passing on the same document made right, so a rule that checks nothing
cannot pass these tests.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from openpyxl.styles import Font, PatternFill

from ka2docs.checks import RULES, check_file
from ka2docs.checks.common import contrast

FULL = "2008-12-19"  # every document exists by then: reports, bulletins, refresh


def rules(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for failure in check_file(path):
        found.setdefault(failure.rule, []).append(failure.where)
    return found


# --- Word: a good document, then each way of getting it wrong --------------------------------


def word(tmp_path: Path, name: str = "doc.docx", *, title: str = "Kent Agreement 2 test", language: str = "en-GB", header_row: bool = True, build=None) -> Path:
    """A small accessible report; `build(doc)` adds the defect under test."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = language
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults.append(lang)
    lang.set(qn("w:val"), language)
    for level in (1, 2, 3, 4):
        doc.styles[f"Heading {level}"].font.color.rgb = RGBColor(0, 0, 0)
    doc.add_heading("Kent Agreement 2", 1)
    doc.add_paragraph("The position on target-setting.")
    doc.add_heading("Position", 2)
    table = doc.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate((("Status", "Indicators"), ("Agreed with GOSE", "2"), ("Under discussion", "23"))):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    if header_row:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(flag)
    if build:
        build(doc)
    path = tmp_path / name
    doc.save(path)
    return path


def test_a_good_word_document_passes_every_rule(tmp_path):
    assert check_file(word(tmp_path)) == []


def test_table_without_a_repeating_header_row_fails(tmp_path):
    found = rules(word(tmp_path, header_row=False))
    assert list(found) == ["table-header"]
    assert found["table-header"][0].startswith('table 1 (first row "Status | Indicators")')


def test_skipped_heading_level_fails(tmp_path):
    found = rules(word(tmp_path, build=lambda doc: doc.add_heading("Detail", 4)))
    assert list(found) == ["heading-order"]
    assert '"Detail": Heading 4 follows Heading 2' in found["heading-order"][0]


def test_first_heading_must_be_level_one(tmp_path):
    def build(doc):
        body = doc.element.body
        first = body.find(qn("w:p"))
        first.getparent().remove(first)  # the Heading 1: the document now opens with Heading 2

    found = rules(word(tmp_path, build=build))
    assert "heading-order" in found and "is the first heading" in found["heading-order"][0]


def test_image_without_alt_text_fails_and_with_it_passes(tmp_path):
    png = _png()

    def picture(alt: str):
        def build(doc):
            run = doc.add_paragraph().add_run()
            run.add_picture(png)
            run._r.find(f".//{qn('wp:docPr')}").set("descr", alt)

        return build

    found = rules(word(tmp_path, "bare.docx", build=picture("")))
    assert list(found) == ["image-alt"] and "no alternative text" in found["image-alt"][0]
    assert rules(word(tmp_path, "described.docx", build=picture("Bar chart of indicators by status"))) == {}


def test_no_title_fails(tmp_path):
    found = rules(word(tmp_path, title=""))
    assert list(found) == ["doc-title"]


def test_wrong_language_fails(tmp_path):
    found = rules(word(tmp_path, language="en-US"))
    assert list(found) == ["doc-language"] and "'en-US' (allowed: en-GB)" in found["doc-language"][0]


def test_merged_cells_in_a_data_table_fail(tmp_path):
    def build(doc):
        table = doc.tables[0]
        table.cell(1, 0).merge(table.cell(2, 0))

    found = rules(word(tmp_path, build=build))
    assert list(found) == ["merged-cells"] and "row 2, column 1" in found["merged-cells"][0]


def test_low_contrast_text_fails(tmp_path):
    def build(doc):
        doc.add_paragraph().add_run("Pale grey note").font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA)

    found = rules(word(tmp_path, build=build))
    assert list(found) == ["contrast"]
    assert '"Pale grey note": text AAAAAA on FFFFFF is 2.3:1' in found["contrast"][0]


def test_white_text_on_dark_shading_passes_and_on_pale_shading_fails(tmp_path):
    def shaded(fill: str):
        def build(doc):
            cell = doc.tables[0].cell(0, 0)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), fill)
            cell._tc.get_or_add_tcPr().append(shading)
            cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

        return build

    assert rules(word(tmp_path, "dark.docx", build=shaded("1F3864"))) == {}
    found = rules(word(tmp_path, "pale.docx", build=shaded("D9E2F3")))
    assert list(found) == ["contrast"] and "FFFFFF on D9E2F3" in found["contrast"][0]


def test_empty_paragraphs_for_spacing_fail_but_one_does_not(tmp_path):
    assert rules(word(tmp_path, "one.docx", build=lambda doc: doc.add_paragraph(""))) == {}

    def spacing(doc):
        for _ in range(3):
            doc.add_paragraph("")
        doc.add_paragraph("After the gap.")

    found = rules(word(tmp_path, "three.docx", build=spacing))
    assert list(found) == ["empty-paragraph-layout"] and "3 empty paragraphs in a row" in found["empty-paragraph-layout"][0]


def test_contrast_formula_matches_wcag():
    assert contrast("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast("FFFFFF", "1F3864") == pytest.approx(11.6, abs=0.1)  # the submission's header row
    assert contrast("767676", "FFFFFF") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes AA


# --- Excel ------------------------------------------------------------------------------


def workbook(tmp_path: Path, name: str = "book.xlsx", *, sheet_name: str = "Submission", freeze: bool = True, build=None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    book.properties.title = "Kent Agreement 2: draft submission template"
    book.properties.language = "en-GB"
    sheet["A1"] = "Kent Agreement 2: draft submission template"
    for column, header in enumerate(("Indicator", "Baseline", "08/09"), start=1):
        sheet.cell(row=2, column=column, value=header).font = Font(bold=True)
    sheet.append(["NI 191 Residual household waste per household", "860 kg", "762 kg"])
    sheet.append(["NI 55 Obesity in primary school age children in Reception", "9.4%", "9.6%"])
    if freeze:
        sheet.freeze_panes = "A3"
    if build:
        build(sheet)
    path = tmp_path / name
    book.save(path)
    return path


def test_a_good_workbook_passes_every_rule(tmp_path):
    assert check_file(workbook(tmp_path)) == []


def test_default_sheet_name_fails(tmp_path):
    found = rules(workbook(tmp_path, sheet_name="Sheet1"))
    assert list(found) == ["sheet-name"]


def test_sheet_without_a_frozen_header_fails(tmp_path):
    found = rules(workbook(tmp_path, freeze=False))
    assert list(found) == ["frozen-header"]


def test_blank_header_cells_fail(tmp_path):
    def build(sheet):
        sheet["B2"] = None
        sheet["D3"] = "Agreed"  # data in a column with no header at all

    found = rules(workbook(tmp_path, build=build))
    assert list(found) == ["blank-header"]
    assert found["blank-header"] == ["sheet 'Submission' row 2: blank header cells in columns B, D"]


def test_merged_cells_below_the_header_fail_above_it_pass(tmp_path):
    assert rules(workbook(tmp_path, "title.xlsx", build=lambda s: s.merge_cells("A1:C1"))) == {}
    found = rules(workbook(tmp_path, "data.xlsx", build=lambda s: s.merge_cells("B3:C3")))
    assert list(found) == ["merged-cells"] and "B3:C3" in found["merged-cells"][0]


def test_low_contrast_cell_fails(tmp_path):
    def build(sheet):
        sheet["A2"].font = Font(bold=True, color="FFFFFF")
        sheet["A2"].fill = PatternFill("solid", fgColor="FFC000")

    found = rules(workbook(tmp_path, build=build))
    assert list(found) == ["contrast"] and "cell A2" in found["contrast"][0]


def test_workbook_without_title_fails(tmp_path):
    def build(sheet):
        sheet.parent.properties.title = None

    assert list(rules(workbook(tmp_path, build=build))) == ["doc-title"]


# --- PDF and HTML ---------------------------------------------------------------------------


def _pdf(tmp_path: Path, name: str, catalog: bytes, info: bytes) -> Path:
    """A one-page PDF with the given catalog and info entries (offsets kept right)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< " + info + b" >>",
        b"<< /Type /StructTreeRoot >>",  # object 5, for a catalog that points at it
    ]
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = tmp_path / name
    path.write_bytes(bytes(out))
    return path


def test_untagged_pdf_without_title_fails(tmp_path):
    found = rules(_pdf(tmp_path, "plain.pdf", b"", b"/Producer (test)"))
    assert set(found) == {"pdf-tagged", "pdf-title", "doc-language"}


def test_a_structure_tree_that_is_not_there_is_not_tagged(tmp_path):
    path = _pdf(tmp_path, "dangling.pdf", b"/StructTreeRoot 9 0 R /MarkInfo << /Marked true >> /Lang (en-GB)", b"/Title (Kent Agreement 2)")
    assert set(rules(path)) == {"pdf-tagged"}


def test_a_damaged_pdf_is_a_failure_not_a_crash(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.6\n1 0 obj\n<< /Type /Catalog")
    assert set(rules(path)) == {"readable"}


def test_tagged_pdf_with_title_and_language_passes(tmp_path):
    title = "Kent Agreement 2".encode("utf-16-be")
    path = _pdf(tmp_path, "tagged.pdf", b"/StructTreeRoot 5 0 R /MarkInfo << /Marked true >> /Lang (en-GB)", b"/Title <FEFF" + title.hex().encode() + b">")
    assert rules(path) == {}


def test_html_bulletin_rules(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>Bulletin 17</title></head><body>'
        '<h1>Bulletin 17</h1><h2>Position</h2><table><tr><th>Status</th><th>Count</th></tr><tr><td>Agreed</td><td>14</td></tr></table>'
        '<img src="chart.png" alt="Indicators by status"></body></html>',
        encoding="utf-8",
    )
    assert rules(good) == {}
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><head></head><body style="background:#ffffff"><h2>Position</h2>'
        '<table><tr><td>Status</td><td colspan="2">Count</td></tr></table>'
        '<p style="color:#bbbbbb">faint</p><img src="chart.png"></body></html>',
        encoding="utf-8",
    )
    assert set(rules(bad)) == {"doc-language", "doc-title", "heading-order", "table-header", "merged-cells", "contrast", "image-alt"}


def test_email_rules(tmp_path):
    from email.message import EmailMessage

    page = '<!DOCTYPE html><html lang="en-GB"><head><title>Bulletin 3</title></head><body><h1>Bulletin 3</h1><img src="{src}" alt="Indicators by status"></body></html>'

    def mail(name: str, src: str, *, plain: bool = True, cid: str = "chart@example.gov.uk") -> Path:
        message = EmailMessage()
        message["Subject"] = "Bulletin 3"
        if plain:
            message.set_content("Bulletin 3")
            message.add_alternative(page.format(src=src), subtype="html")
            html = message.get_payload()[1]
        else:
            message.set_content(page.format(src=src), subtype="html")
            html = message
        html.add_related(b"\x89PNG", "image", "png", cid=f"<{cid}>")
        path = tmp_path / name
        path.write_bytes(bytes(message))
        return path

    assert rules(mail("good.eml", "cid:chart@example.gov.uk")) == {}
    assert set(rules(mail("lost.eml", "cid:other@example.gov.uk"))) == {"mail-parts"}  # the picture it shows is not in the message
    assert set(rules(mail("blocked.eml", "data:image/png;base64,iVBO"))) == {"mail-parts"}  # clients block data: pictures
    assert set(rules(mail("html-only.eml", "cid:chart@example.gov.uk", plain=False))) == {"mail-parts"}


def test_a_file_that_cannot_be_opened_fails_as_unreadable(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    [failure] = check_file(broken)
    assert (failure.file, failure.rule) == ("broken.docx", "readable") and "BadZipFile" in failure.where


def test_every_rule_is_shown_failing_somewhere_in_this_file():
    source = Path(__file__).read_text(encoding="utf-8")
    for rule in RULES:
        assert f'"{rule}"' in source, rule


# --- the command, and the documents we ship ---------------------------------------------------


@pytest.fixture(scope="module")
def full_build(build_at) -> Path:
    return build_at(FULL)


def test_every_generated_document_passes_ka2docs_check(full_build):
    result = run_cli("check", "--out", str(full_build))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("every document passes the accessibility checks")
    manifest = json.loads((full_build / "manifest.json").read_text(encoding="utf-8"))
    formats = {d["format"] for d in manifest["documents"]}
    assert {"docx", "xlsx"} <= formats  # the check really read Word and Excel files
    kinds = {d["kind"] for d in manifest["documents"]}
    assert {"submission", "committee-report"} & kinds


def test_check_prints_file_rule_where_and_exits_1(tmp_path, full_build):
    out = tmp_path / "output"
    shutil.copytree(full_build, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    bad = word(tmp_path, header_row=False, title="")
    shutil.copy(bad, out / "bad.docx")
    manifest["documents"].append({"path": "bad.docx", "format": "docx", "kind": "test", "classification": "part1"})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("check", "--out", str(out))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "bad.docx: doc-title: no title in the document properties (File > Info > Title)",
        'bad.docx: table-header: table 1 (first row "Status | Indicators"): first row is not a header row repeated on each page (Table Properties > Row > Repeat as header row)',
    ]
    assert "2 accessibility failures in 1 document" in result.stderr


def test_check_without_a_build_exits_2(tmp_path):
    result = run_cli("check", "--out", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "manifest.json: no manifest (allowed: a folder written by 'ka2docs build')" in result.stderr
    assert "Traceback" not in result.stderr


def _png() -> Path:
    """A 1x1 PNG, written by hand: no imaging library needed."""
    import io
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x38\x64")) + chunk(b"IEND", b"")
    return io.BytesIO(raw)


# --- leak: nothing reaches outside the file or names who edited it ---------------------------


def test_an_outside_picture_link_a_macro_project_or_custom_properties_fail_as_leak(tmp_path):
    import zipfile

    good = word(tmp_path, "good.docx")
    assert "leak" not in rules(good)
    with zipfile.ZipFile(good) as source:
        members = {n: source.read(n) for n in source.namelist()}
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="file:///C:/Users/jsmith/Pictures/logo.png" TargetMode="External"/></Relationships>')
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    members["docProps/custom.xml"] = b'<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as target:
        for name, body in members.items():
            target.writestr(name, body)
    found = rules(bad)["leak"]
    assert any("file:///C:/Users/jsmith/Pictures/logo.png" in w for w in found), found
    assert any("vbaProject.bin" in w and "macro" in w for w in found), found
    assert any("custom.xml" in w for w in found), found
    page = tmp_path / "bulletin.html"
    page.write_text('<html lang="en-GB"><head><title>B</title></head><body><h1>B</h1><img alt="logo" src="file:///C:/logo.png"></body></html>', encoding="utf-8")
    assert rules(page)["leak"]
