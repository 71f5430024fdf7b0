"""Part 2 (exempt) information never reaches a Part 1 document.

A unique marker goes into every restricted field (restricted status commentary, a Part 2
report) and every Part 1 file of the build is searched for it: the text of Word and
Excel parts, their document properties, HTML, and PDF text when PDFs are built.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import TEMPLATES

MARKER = "SECRETMARKER7Q"
AS_AT = dt.date(2008, 12, 19)


def add_restricted_rows(data: Path) -> None:
    with open(data / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.writelines(f"2008-05-{10 + n},{ni},under-discussion,Negotiating position {MARKER} {n},yes,Exempt: negotiating position,seed-003\n" for n, ni in enumerate((191, 55, 120)))


def add_part2_report(data: Path) -> None:
    import yaml

    existing = [p for p in sorted((data / "reports").glob("*.yaml")) if "\nsections:" in p.read_text(encoding="utf-8")]  # a YAML body to add to
    if not existing:
        pytest.skip("no report narratives in data/reports yet")
    report = yaml.safe_load(existing[0].read_text(encoding="utf-8"))
    report["classification"] = "part2"
    report["classification_label"] = "Part 2 - Private (exempt information)"
    report["title"] = f"{report['title']} {MARKER}"
    report["sections"][0]["paragraphs"].append(f"Exempt information: {MARKER}")
    (data / "reports" / "zz-exempt-report.yaml").write_text(yaml.safe_dump(report, sort_keys=False), encoding="utf-8")


def texts_of(path: Path) -> str:
    """Every piece of text a reader or a property sheet could show."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith((".xml", ".rels")))
    if path.suffix == ".pdf":
        import subprocess

        return subprocess.run(["pdftotext", str(path), "-"], check=False, capture_output=True, text=True).stdout + path.read_bytes().decode("latin-1")
    return path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def restricted_build(tmp_path_factory):
    from conftest import DATA

    from ka2docs.build import build

    root = tmp_path_factory.mktemp("restricted")
    data = root / "data"
    shutil.copytree(DATA, data)
    add_restricted_rows(data)
    add_part2_report(data)
    # With LibreOffice installed the PDFs are searched too (CI installs it).
    build(data, root / "output", TEMPLATES, AS_AT, pdf=shutil.which("soffice") is not None)
    return root / "output"


def test_no_part1_document_carries_restricted_information(restricted_build):
    manifest = json.loads((restricted_build / "manifest.json").read_text())
    part1 = [d for d in manifest["documents"] if d["classification"] == "part1"]
    part2 = [d for d in manifest["documents"] if d["classification"] == "part2"]
    assert part1 and part2
    if shutil.which("soffice"):
        assert any(d["format"] == "pdf" for d in part1) and any(d["format"] == "pdf" for d in part2)
    for entry in part1:
        assert not entry["path"].startswith("restricted/")
        assert MARKER not in texts_of(restricted_build / entry["path"]), entry["path"]
    for entry in part2:
        assert entry["path"].startswith("restricted/")
    assert any(MARKER in texts_of(restricted_build / d["path"]) for d in part2 if d["kind"] == "submission")
    assert any(d["kind"] == "committee-report" and MARKER in texts_of(restricted_build / d["path"]) for d in part2), "the Part 2 report goes under restricted/"


def test_document_properties_come_from_data_not_the_machine(restricted_build):
    manifest = json.loads((restricted_build / "manifest.json").read_text())
    local_names = {getpass.getuser(), str(Path.home()), str(restricted_build.parent)}
    for entry in manifest["documents"]:
        path = restricted_build / entry["path"]
        if path.suffix not in (".docx", ".xlsx"):
            continue
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode()
        title = re.search(r"<dc:title[^>]*>([^<]*)</dc:title>", core)
        creator = re.search(r"<dc:creator[^>]*>([^<]*)</dc:creator>", core)
        assert title and title.group(1).strip(), (entry["path"], "no title")
        assert creator and creator.group(1).strip(), (entry["path"], "no author")
        for name in local_names:
            assert f">{name}<" not in core and name not in core.replace("http://", ""), (entry["path"], name)
        assert "custom-properties" not in core, (entry["path"], "core properties in the wrong namespace: Word may refuse the file")
        assert "python-docx" not in core and "openpyxl" not in core.lower().replace("openpyxl.", "")
