"""PDF output, and proof that real office software (LibreOffice) opens every file we write.

Every test here needs LibreOffice and poppler: on a machine without them the module is
skipped with one line saying how to install them, and the rest of the suite runs (the
PDF tests that need neither are in test_pdf_offline.py). LibreOffice runs once for the
`--pdf` build and once for all the workbooks, per session.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from ka2docs.layout import pdf

FULL = "2008-12-19"
COUNTY_REPORT = "reports/kcc-county-council-2008-05-15.pdf"
NO_LIBREOFFICE = (
    "LibreOffice is not installed: PDF and real-client tests skipped "
    "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils; "
    "macOS: brew install --cask libreoffice && brew install poppler)"
)
MISSING = pdf.find_soffice() is None or shutil.which("pdftotext") is None
# A module-wide skip mark is what pytest -ra folds into one line; tests that need no
# LibreOffice live in test_pdf_offline.py so they run everywhere.
pytestmark = [pytest.mark.skip(reason=NO_LIBREOFFICE)] if MISSING else []


@pytest.fixture(scope="session")
def libreoffice() -> str:
    return pdf.find_soffice()


@pytest.fixture(scope="session")
def pdf_build(libreoffice, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`ka2docs build --pdf` of the shipped data, as a user runs it."""
    out = tmp_path_factory.mktemp("pdf-build") / "output"
    result = run_cli("build", "--as-at", FULL, "--out", str(out), "--pdf")
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="session")
def workbook_pdfs(pdf_build) -> Path:
    """Every workbook of the same build, converted in one batch beside a copy of it."""
    out, _ = pdf_build
    copy = out.parent / "workbooks"
    books = []
    for book in sorted(out.rglob("*.xlsx")):
        target = copy / book.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(book, target)
        books.append(target)
    assert books
    pdf.convert(books)
    return copy


def manifest(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]


def pdfinfo(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def info(path: Path, key: str) -> str:
    return pdfinfo(path).get(key, "").strip()


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def office_title(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    match = re.search(r"<dc:title[^>]*>([^<]*)</dc:title>", core)
    from html import unescape

    return unescape(match.group(1)) if match else ""


# --- ka2docs build --pdf ------------------------------------------------------------------


def test_build_pdf_writes_a_pdf_beside_every_word_document(pdf_build):
    out, result = pdf_build
    documents = manifest(out)
    words = [d for d in documents if d["format"] == "docx"]
    pdfs = {d["path"]: d for d in documents if d["format"] == "pdf"}
    assert len(words) >= 10
    assert len(pdfs) == len(words)
    for word in words:
        entry = pdfs[word["path"][: -len(".docx")] + ".pdf"]
        assert (entry["kind"], entry["classification"]) == (word["kind"], word["classification"])
        body = (out / entry["path"]).read_bytes()
        assert body.startswith(b"%PDF") and len(body) == entry["size"]
    assert re.search(r"PDF: \d+ PDFs by (the PDF server.s )?(\d+ warm LibreOffice workers?|one LibreOffice call per folder and kind)", result.stdout)
    assert not list(out.rglob(".~lock*"))  # LibreOffice left nothing behind in the output


def test_pdfs_are_tagged_titled_and_dated_from_the_document(pdf_build):
    out, _ = pdf_build
    for entry in (d for d in manifest(out) if d["format"] == "pdf"):
        path = out / entry["path"]
        details = pdfinfo(path)
        word = path.with_suffix(".docx")
        assert details["Tagged"].strip() == "yes", entry["path"]
        assert details["Title"].strip() == office_title(word), entry["path"]
        created = pdf.document_date(word)
        assert details["CreationDate"].strip() == f"{created.isoformat()}T00:00:00Z", entry["path"]
        assert int(details["Pages"]) >= 1


def test_pdf_build_passes_ka2docs_check(pdf_build):
    out, _ = pdf_build
    result = run_cli("check", "--out", str(out))
    assert result.returncode == 0, result.stdout
    assert "pdf" in {d["format"] for d in manifest(out)}


def test_every_pdf_passes_qpdfs_checks_and_is_tagged_in_english(pdf_build):
    """A second opinion, independent of ka2docs check: qpdf (through pikepdf) reads each PDF
    whole, finds no syntax or structure errors, and finds a structure tree with content."""
    pikepdf = pytest.importorskip("pikepdf", reason="pikepdf is not installed: pip install pikepdf")
    out, _ = pdf_build
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) >= 20
    for path in pdfs:
        with pikepdf.open(path) as document:
            assert document.check_pdf_syntax() == [], path.name
            root = document.Root
            assert bool(root.MarkInfo.Marked) and len(root.StructTreeRoot.K) > 0, path.name
            assert str(root.Lang) == "en-GB", path.name
            assert str(document.open_metadata().get("dc:title", "")).strip(), path.name


def test_a_rebuild_converts_only_word_files_that_changed(pdf_build):
    out, _ = pdf_build
    before = {d["path"]: d for d in manifest(out)}
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    result = run_cli("build", "--as-at", FULL, "--out", str(out), "--pdf")
    assert result.returncode == 0, result.stderr
    after = {d["path"]: d for d in manifest(out)}
    same = [p for p, d in after.items() if d["format"] == "docx" and before.get(p, {}).get("sha256") == d["sha256"]]
    assert same  # (with nothing edited meanwhile, every one: "nothing changed")
    for path in same:
        pdf_path = out / (path[: -len(".docx")] + ".pdf")
        assert pdf_path.stat().st_mtime_ns == stamps[pdf_path], path  # carried over, not converted again
    if len(same) == len([d for d in after.values() if d["format"] == "docx"]):
        assert "PDF:" not in result.stdout


def test_same_document_gives_the_same_pdf_whichever_way_it_is_converted(pdf_build, tmp_path):
    """Reproducible: the clock stamps and random ID LibreOffice writes are replaced."""
    out, _ = pdf_build
    picked = [d["path"] for d in manifest(out) if d["format"] == "docx"][:2]
    sources = []
    for n, path in enumerate(picked):
        target = tmp_path / f"{n}" / Path(path).name
        target.parent.mkdir()
        shutil.copy(out / path, target)
        sources.append(target)
    pdf.convert(sources, mode="separate")  # another run, another profile, a later clock
    for path, source in zip(picked, sources):
        assert source.with_suffix(".pdf").read_bytes() == (out / path).with_suffix(".pdf").read_bytes(), path


# --- real-client proof --------------------------------------------------------------------


def test_libreoffice_opens_every_word_and_excel_file(pdf_build, workbook_pdfs):
    out, _ = pdf_build
    checked = 0
    for entry in manifest(out):
        if entry["format"] == "docx":
            made = (out / entry["path"]).with_suffix(".pdf")
        elif entry["format"] == "xlsx":
            made = (workbook_pdfs / entry["path"]).with_suffix(".pdf")
        else:
            continue
        assert info(made, "Pages").isdigit() and int(info(made, "Pages")) >= 1, entry["path"]
        assert info(made, "Title") == office_title(out / entry["path"]), entry["path"]
        assert len(pdftext(made).split()) > 20, entry["path"]  # real text, not an error page
        checked += 1
    assert checked == len([d for d in manifest(out) if d["format"] in ("docx", "xlsx")])


def test_county_report_pdf_shows_the_named_values(pdf_build, workbook_pdfs):
    out, _ = pdf_build
    report = out / COUNTY_REPORT
    text = pdftext(report if report.exists() else workbook_pdfs / "submission.pdf")
    for value in ("860 kg", "NI 191", "Kent Waste Partnership"):
        assert value in text, value


def test_submission_workbook_rows_do_not_overlap_in_print(workbook_pdfs):
    """Wrapped rows are given their height: a long partner list prints whole, on its own lines."""
    text = pdftext(workbook_pdfs / "submission.pdf")
    assert "Kent Agreement 2: draft submission template" in text
    assert re.search(r"Lead: Statutory Agencies comprising Kent Waste[^\n]*\n", text)  # the partner as the seed writes it


# --- modes, limits, and a machine without LibreOffice -------------------------------------------


def test_batch_fallback_is_used_and_said_when_no_uno_python(libreoffice, pdf_build, tmp_path, monkeypatch):
    out, _ = pdf_build
    source = tmp_path / "report.docx"
    shutil.copy(next(out.rglob("*.docx")), source)
    monkeypatch.setenv("KA2DOCS_UNO_PYTHON", "none")
    report = pdf.convert([source])
    assert report.mode == "batch" and "python3-uno" in str(report)
    assert source.with_suffix(".pdf").read_bytes() == next(out.rglob("*.docx")).with_suffix(".pdf").read_bytes()


def test_warm_workers_that_cannot_start_fall_back_to_one_batch_call(pdf_build, tmp_path, monkeypatch):
    out, _ = pdf_build
    broken = tmp_path / "python-with-uno"
    broken.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # says it imports uno, then never answers
    broken.chmod(0o755)
    monkeypatch.setenv("KA2DOCS_UNO_PYTHON", str(broken))
    source = tmp_path / "report.docx"
    shutil.copy(next(out.rglob("*.docx")), source)
    report = pdf.convert([source])
    assert report.mode == "batch" and "warm workers did not start" in str(report)
    assert source.with_suffix(".pdf").read_bytes() == next(out.rglob("*.docx")).with_suffix(".pdf").read_bytes()


def test_warm_workers_convert_many_documents_with_libreoffice_started_once(libreoffice, pdf_build, tmp_path):
    if pdf.uno_python() is None:
        pytest.skip("no Python with UNO (apt-get install python3-uno): warm workers not available")
    out, _ = pdf_build
    source = next(out.rglob("*.docx"))
    copies = []
    for n in range(6):
        copies.append(tmp_path / f"doc{n}.docx")
        shutil.copy(source, copies[-1])
    with pdf.Workers(2) as pool:
        started = [p.pid for p in pool.processes]
        pool.convert(copies[:3])
        pool.convert(copies[3:])
        assert [p.pid for p in pool.processes] == started and all(p.poll() is None for p in pool.processes)
    assert len({c.with_suffix(".pdf").stat().st_size for c in copies}) == 1


def test_a_damaged_file_is_named_not_printed_as_text(libreoffice, pdf_build, tmp_path):
    out, _ = pdf_build
    for mode in ("auto", "batch"):
        folder = tmp_path / mode
        folder.mkdir()
        good, bad = folder / "good.docx", folder / "bad.docx"
        shutil.copy(next(out.rglob("*.docx")), good)
        bad.write_bytes(b"PK\x03\x04 not really a Word file " * 50)
        with pytest.raises(pdf.ConversionError, match=re.escape(str(bad))):
            pdf.convert([good, bad], mode=mode)
        assert not bad.with_suffix(".pdf").exists(), mode


def test_a_batch_past_its_time_limit_stops_with_a_clear_error(libreoffice, pdf_build, tmp_path):
    out, _ = pdf_build
    source = tmp_path / "slow.docx"
    shutil.copy(next(out.rglob("*.docx")), source)
    with pytest.raises(pdf.ConversionError, match="time limit"):
        pdf.convert([source], mode="batch", timeout=0.05)
    assert not source.with_suffix(".pdf").exists()
