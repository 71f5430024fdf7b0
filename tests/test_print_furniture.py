"""Print and page furniture, read from the PDFs LibreOffice makes of the generated files.

Every Word document prints 'Page X of Y' and its protective marking on each page; the
submission prints at 8 pt or more; the sign-up matrix never prints a page holding only
its legend; the county Appendix has no half-empty pages. Skipped without LibreOffice.
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

MISSING = pdf.find_soffice() is None or shutil.which("pdftotext") is None
pytestmark = [pytest.mark.skip(reason="LibreOffice or poppler is not installed")] if MISSING else []
DATES = ("2008-05-01", "2008-12-19")
WORD_KINDS = ("committee-report", "local-action-plan", "refresh-schedule")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """`ka2docs build --pdf` as at both dates, with the workbooks converted beside them."""
    out = {}
    for day in DATES:
        folder = tmp_path_factory.mktemp(f"print-{day}") / "output"
        result = run_cli("build", "--as-at", day, "--out", str(folder), "--pdf", "--no-progress")
        assert result.returncode == 0, result.stderr
        books = folder.parent / "books"
        books.mkdir()
        for name in ("submission.xlsx", "matrix.xlsx"):
            shutil.copy(folder / name, books / name)
        subprocess.run([pdf.find_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(books), *map(str, sorted(books.glob("*.xlsx")))],
                       check=True, capture_output=True, timeout=300)
        out[day] = folder
    return out


def pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def font_sizes(path: Path) -> list[float]:
    """The size in points every piece of text prints at: font size x text and page scaling."""
    PdfReader = pytest.importorskip("pypdf", reason="pypdf reads the print size (pip install -e .[dev])").PdfReader
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def word_pdfs(folder: Path) -> list[Path]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [(folder / d["path"]).with_suffix(".pdf") for d in manifest["documents"] if d["kind"] in WORD_KINDS and d["format"] == "docx"]


@pytest.mark.parametrize("day", DATES)
def test_every_word_page_has_its_number_and_marking(printed, day):
    found = word_pdfs(printed[day])
    assert len(found) >= (2 if day == DATES[0] else 15)
    for path in found:
        printed_pages = pages(path)
        total = len(printed_pages)
        for n, page in enumerate(printed_pages, start=1):
            assert f"Page {n} of {total}" in page, (path.name, n)
            assert re.search(r"Unrestricted|Part 1|Restricted", page.split("\n", 3)[0] + page[:400]), (path.name, n)


@pytest.mark.parametrize("day", DATES)
def test_submission_prints_legibly_on_a3(printed, day):
    path = printed[day].parent / "books" / "submission.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "1190.55 x 841.89" in info  # A3 landscape
    assert min(font_sizes(path)) >= 7.95  # 8 pt, allowing for rounding in the PDF's matrices
    first = pages(path)[0]
    for heading in ("Indicator (NI number and title)", "Designated", "Negotiation status", "Commentary"):
        assert heading in first


@pytest.mark.parametrize("day", DATES)
def test_no_matrix_page_holds_only_the_legend(printed, day):
    path = printed[day].parent / "books" / "matrix.pdf"
    for page in pages(path):
        if "Legend" in page:
            assert "Total partners signed" in page or "Gap (to chase)" in page, page[:200]


def test_county_appendix_pages_are_full(printed):
    path = printed[DATES[0]] / "reports" / "kcc-county-council-2008-05-15.pdf"
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    landscape = []
    for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, flags=re.DOTALL):
        width, height, words = float(page[0]), float(page[1]), page[2]
        if width > height:
            bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', words)]
            # the footer is at the bottom of every page: measure the body above it
            body = [y for y in bottoms if y < height - 60]
            landscape.append(max(body) / height if body else 0)
    assert len(landscape) >= 5
    assert all(filled > 0.6 for filled in landscape[:-1]), landscape
