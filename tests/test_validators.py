"""Every file a build writes, judged by independent validators: the Open XML SDK's (what
Word and Excel are built on) for each .docx and .xlsx, axe-core's WCAG 2.x A and AA
rules for each bulletin's HTML.

Both run under node from tools/node (`make validators` installs them, pinned). Where node
or the packages are missing the module is skipped with one line giving the install
command. One node process validates a whole build; a file already judged this session
(same bytes) is not judged again, so the May, December and hostile builds cost little
more than one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, ROOT, TEMPLATES

NODE = ROOT / "tools" / "node"
INSTALL = "make validators (needs node and npm; or: npm install --prefix tools/node)"
READY = shutil.which("node") is not None and (NODE / "node_modules" / "@xarsh" / "ooxml-validator").is_dir() and (NODE / "node_modules" / "jsdom").is_dir()
pytestmark = [pytest.mark.skip(reason=f"OOXML validator and axe-core not installed: {INSTALL}")] if not READY else []
AS_AT = "2008-12-19"
_JUDGED: dict[str, dict] = {}  # sha256 of a file -> the validator's result


def ooxml_errors(paths: list[Path]) -> list[str]:
    """Each validator error as 'FILE: PART XPATH: MESSAGE'."""
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    todo = {digest: path for path, digest in digests.items() if digest not in _JUDGED}
    if todo:
        result = subprocess.run(["node", str(NODE / "ooxml.mjs"), *map(str, todo.values())], capture_output=True, text=True, timeout=1200, check=False)
        assert result.returncode == 0, result.stderr
        for digest, judged in zip(todo, json.loads(result.stdout)):
            _JUDGED[digest] = judged
    return [
        f"{path.name}: {error['path']} {error['xPath']}: {error['description']}"
        for path in paths for error in _JUDGED[digests[path]]["errors"]
    ]


def office_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".docx", ".xlsx"))


def test_the_validator_reports_file_part_xpath_and_message(may_build, tmp_path):
    """A file broken on purpose (the on/off value Word's schema refuses) is caught and located."""
    import zipfile

    source = may_build / "reports" / "kcc-county-council-2008-05-15.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(broken, "w") as new:
        for info in old.infolist():
            body = old.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"<w:tblHeader/>", b'<w:tblHeader w:val="true"/>', 1)
            new.writestr(info, body)
    errors = ooxml_errors([broken])
    assert len(errors) == 1
    assert errors[0].startswith("broken.docx: /word/document.xml /w:document[1]/w:body[1]/w:tbl[")
    assert "tblHeader" in errors[0] and "invalid value 'true'" in errors[0]


@pytest.mark.parametrize("as_at", ["2008-05-01", AS_AT])
def test_every_office_file_of_a_full_build_is_valid(build_at, as_at):
    files = office_files(build_at(as_at))
    # 1 May 2008: the submission, the matrix and the two reports (no plan chosen, no bulletin yet)
    assert len(files) >= (4 if as_at == "2008-05-01" else 40)
    assert {p.suffix for p in files} == {".docx", ".xlsx"}
    errors = ooxml_errors(files)
    assert not errors, "\n".join(errors[:40])


def test_the_shipped_templates_are_valid():
    errors = ooxml_errors(office_files(TEMPLATES))
    assert not errors, "\n".join(errors)


# Text an office user might paste, and text meant to break a writer: formulas, XML
# markup and entities, bidirectional controls, right-to-left and astral characters,
# numbers written with their zeros.
HOSTILE = '=HYPERLINK("http://example.invalid","open me")'
NASTY = 'Tom & Jerry <w:p/> ]]> "quoted" \u202e reversed مرحبا 🙂 &amp; &#0; \ufeff'


def hostile_data(data: Path) -> None:
    def append(name: str, text: str) -> None:
        with open(data / name, "a", encoding="utf-8", newline="") as handle:
            handle.write(text)

    def csv_text(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    append("partners.csv", f"{csv_text(HOSTILE)},no,2008-05-01,seed-003\n{csv_text(NASTY)},no,2008-05-01,seed-003\n")
    append("signups.csv", f"2008-05-01,191,{csv_text(HOSTILE)},non-statutory,,,seed-003\n2008-05-01,191,{csv_text(NASTY)},non-statutory,{csv_text(NASTY)},,seed-003\n")
    append("statuses.csv", f"2008-05-20,55,agreed,@SUM(1+1) was agreed,no,,seed-003\n2008-05-20,191,agreed,{csv_text(NASTY)},no,,seed-003\n")
    append("targets.csv", "2008-05-20,55,,10/11,+2%,no,,seed-003\n2008-12-10,152,,baseline,007,no,,seed-003\n2008-12-10,152,,all,1.50,no,,seed-003\n")


def test_every_office_file_built_from_hostile_data_is_valid(data_copy, tmp_path):
    from ka2docs.build import build

    hostile_data(data_copy)
    build(data_copy, tmp_path / "out", TEMPLATES, dt.date.fromisoformat(AS_AT))
    files = office_files(tmp_path / "out")
    texts = b"".join(_xml_text(p) for p in files)
    assert "مرحبا".encode() in texts and b"=HYPERLINK(" in texts  # the hostile rows reached the files
    errors = ooxml_errors(files)
    assert not errors, "\n".join(errors[:40])


def test_templates_saved_again_by_libreoffice_still_build_valid_files(tmp_path):
    """Offices re-save templates in other software; what it writes must still give valid files."""
    from ka2docs.build import build
    from ka2docs.layout import pdf

    soffice = pdf.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    for kind, folder in (("docx", "docx"), ("xlsx", "xlsx")):
        sources = [str(p) for p in (TEMPLATES / folder).glob(f"*.{kind}")]
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", kind, "--outdir", str(templates / folder), *sources],
                       check=True, capture_output=True, timeout=300)
    assert (templates / "xlsx" / "submission.xlsx").read_bytes() != (TEMPLATES / "xlsx" / "submission.xlsx").read_bytes()
    build(DATA, tmp_path / "out", templates, dt.date.fromisoformat(AS_AT))
    files = office_files(tmp_path / "out")
    errors = ooxml_errors(files)
    assert not errors, "\n".join(errors[:40])


def test_every_bulletin_page_passes_axe_wcag_a_and_aa(build_at):
    pages = sorted((build_at(AS_AT) / "bulletins").glob("*.html"))
    assert pages
    report = _axe(pages)
    assert all(page["rules"] > 5 for page in report)  # axe ran its rules, not nothing
    failures = [f"{Path(page['file']).name}: {v['id']}: {v['help']} at {', '.join(v['targets'])}" for page in report for v in page["violations"]]
    assert not failures, "\n".join(failures)


def test_axe_catches_a_page_broken_on_purpose(build_at, tmp_path):
    page = tmp_path / "broken.html"
    html = (build_at(AS_AT) / "bulletins" / "bulletin-01.html").read_text(encoding="utf-8")
    page.write_text(html.replace('<html lang="en-GB">', "<html>", 1).replace("<title>", "<title hidden>", 1), encoding="utf-8")
    [report] = _axe([page])
    assert "html-has-lang" in {v["id"] for v in report["violations"]}


def _axe(pages: list[Path]) -> list[dict]:
    result = subprocess.run(["node", str(NODE / "axe.mjs"), *map(str, pages)], capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _xml_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
