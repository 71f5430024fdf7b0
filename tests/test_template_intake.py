"""Templates cleaned on the way in: a template restyled on someone's PC leaves nothing of
them in the documents; a link outside the file or a macro project is refused."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, TEMPLATES, run_cli

AS_AT = "2008-12-19"
PERSON = "jsmith"  # what the 'restyled on a PC' template knows about its editor
CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner">'
    f"<vt:lpwstr>{PERSON}@example.invalid</vt:lpwstr></property></Properties>"
)


def rezip(path: Path, change) -> None:
    """Rewrite an Office file with change(members) applied to its parts (a dict name -> bytes)."""
    with zipfile.ZipFile(path) as source:
        members = {n: source.read(n) for n in source.namelist()}
    change(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members.items():
            target.writestr(name, body)


def add_relationship(members: dict, rels: str, rel: str) -> None:
    members[rels] = members[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def personal(members: dict) -> None:
    """What Word and Excel record on an office PC: company, manager, custom properties, core author."""
    members["docProps/app.xml"] = members["docProps/app.xml"].replace(
        b"</Properties>", f"<Company>Smith {PERSON} Ltd</Company><Manager>{PERSON} boss</Manager><HyperlinkBase>C:\\Users\\{PERSON}\\</HyperlinkBase></Properties>".encode())
    members["docProps/custom.xml"] = CUSTOM.encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
    add_relationship(members, "_rels/.rels", '<Relationship Id="rIdCustom9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>')
    members["docProps/core.xml"] = re.sub(rb"<dc:creator>[^<]*</dc:creator>|<dc:creator/>", f"<dc:creator>{PERSON}</dc:creator>".encode(), members["docProps/core.xml"])
    if b"<dc:creator>" not in members["docProps/core.xml"]:
        members["docProps/core.xml"] = members["docProps/core.xml"].replace(b"</cp:coreProperties>", f'<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{PERSON}</dc:creator></cp:coreProperties>'.encode())


def attached_template(members: dict) -> None:
    """Word's link to the .dotm the document was made from, a path on the editor's disk."""
    members["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\\Users\\{PERSON}\\Templates\\Council.dotm" TargetMode="External"/></Relationships>'
    ).encode()
    members["word/settings.xml"] = re.sub(rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rId1"/>', members["word/settings.xml"], count=1)


def abs_path(members: dict) -> None:
    """Excel's record of the folder it saved the workbook in, and a sharing user name."""
    extra = (
        f'<fileSharing userName="{PERSON}" readOnlyRecommended="1"/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" url="C:\\Users\\{PERSON}\\Documents\\"/></mc:Choice></mc:AlternateContent>'
    ).encode()
    members["xl/workbook.xml"] = re.sub(rb"(<workbookPr[^>]*/>)", lambda m: extra + m.group(1), members["xl/workbook.xml"], count=1)


@pytest.fixture
def restyled(tmp_path) -> Path:
    """The shipped templates after someone restyled every one on their own PC."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    for path in folder.rglob("*.docx"):
        rezip(path, lambda m: (personal(m), attached_template(m)))
    for path in folder.rglob("*.xlsx"):
        rezip(path, lambda m: (personal(m), abs_path(m)))
    return folder


def test_nothing_of_the_person_who_restyled_a_template_reaches_any_document(restyled, tmp_path):
    sample = zipfile.ZipFile(restyled / "docx" / "county-report.docx")
    assert PERSON.encode() in sample.read("docProps/custom.xml") and b"Smith" in sample.read("docProps/app.xml")  # the case is real
    out = tmp_path / "out"
    result = run_cli("build", "--data", str(DATA), "--out", str(out), "--templates", str(restyled), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    office = [out / d["path"] for d in manifest["documents"] if d["format"] in ("docx", "xlsx")]
    assert len(office) > 20
    for path in office:
        with zipfile.ZipFile(path) as archive:
            assert "docProps/custom.xml" not in archive.namelist(), path.name
            for name in archive.namelist():
                body = archive.read(name)
                assert PERSON.encode() not in body, (path.name, name)
                assert b"custom.xml" not in body and b"attachedTemplate" not in body and b"absPath" not in body, (path.name, name)
            assert b"<Company>" not in archive.read("docProps/app.xml"), path.name
    # The cleaned documents still open: python-docx and openpyxl read them, LibreOffice is tested elsewhere.
    import docx
    import openpyxl

    report = docx.Document(out / next(d["path"] for d in manifest["documents"] if d["format"] == "docx"))
    assert report.core_properties.author and PERSON not in report.core_properties.author
    assert openpyxl.load_workbook(out / next(d["path"] for d in manifest["documents"] if d["format"] == "xlsx")).worksheets
    check = run_cli("check", "--out", str(out))
    assert check.returncode == 0, check.stdout


def test_the_templates_command_reads_cleaned_templates_too(restyled):
    result = run_cli("templates", "--templates", str(restyled), "--data", str(DATA), "--as-at", AS_AT)
    assert result.returncode == 0, result.stderr
    assert "county-report.docx" in result.stdout


def test_a_page_template_of_megabytes_is_refused_as_a_template_error(restyled, tmp_path):
    page = restyled / "html" / "bulletin.html.j2"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- " + "x" * 2_000_000 + " -->", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--data", str(DATA), "--out", str(out), "--templates", str(restyled), "--as-at", AS_AT)
    assert result.returncode == 2, result.stderr
    assert "bulletin.html.j2: is not a file under 1000 kB" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
