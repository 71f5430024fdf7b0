"""Documents an officer sends as they are, as at 1 May 2008 and as at 19 December 2008.

Each test opens the generated files (Word text with headers and footers, workbook cells)
and checks one point of issue 14: no word of the tool, wording that moves with the date,
the seed's own words and figures, and partners and leads as the seed writes them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

MAY, DECEMBER = "2008-05-01", "2008-12-19"
COUNTY = "reports/kcc-county-council-2008-05-15.docx"
PANEL = "reports/tmbc-parish-partnership-panel-2008-03-06.docx"
# The documents of the kinds this file covers (bulletins have their own tests).
KINDS = ("submission", "matrix", "committee-report", "local-action-plan", "refresh-schedule")
TOOL_WORDS = re.compile(r"\bseeds?\b|seed-\d|illustrative-[a-z]|\.csv\b|\.yaml\b|ka2docs", re.IGNORECASE)


@pytest.fixture(scope="module")
def may(build_at) -> Path:
    return build_at(MAY)


@pytest.fixture(scope="module")
def december(build_at) -> Path:
    return build_at(DECEMBER)


def word_text(path: Path) -> str:
    """Every word of a .docx a reader sees: body, tables, headers and footers."""
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        xml = " ".join(archive.read(n).decode("utf-8") for n in parts)
    xml = re.sub(r"<w:(br|tab)/>", " ", xml)
    xml = re.sub(r"</w:p>", "\n", xml)
    return re.sub(r"<[^>]+>", "", xml).replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", '"')


def book_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def documents(build: Path) -> list[Path]:
    import json

    manifest = json.loads((build / "manifest.json").read_text())
    return [build / d["path"] for d in manifest["documents"] if d["kind"] in KINDS]


def text_of(path: Path) -> str:
    return word_text(path) if path.suffix == ".docx" else book_text(path)


def appendix_row(path: Path, ni: int) -> list[str]:
    for table in docx.Document(path).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if re.match(rf"NI {ni}\b", cells[0]):
                return cells
    raise AssertionError(f"NI {ni} not in the appendix")


# --- no word of the tool ---------------------------------------------------------------


@pytest.mark.parametrize("when", [MAY, DECEMBER])
def test_no_word_of_the_tool_in_any_document(when, build_at):
    paths = documents(build_at(when))
    assert len(paths) >= (4 if when == MAY else 15)
    for path in paths:
        found = TOOL_WORDS.findall(text_of(path))
        assert not found, (path.name, found[:5])


def test_the_illustrative_note_is_said_once_and_only_illustrative_values_are_marked(december):
    sheet = openpyxl.load_workbook(december / "submission.xlsx").active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    header = list(rows[3])
    notes = [v for r in rows for v in r if isinstance(v, str) and v.startswith("Illustrative: ")]
    assert len(notes) == 1
    ni120 = [dict(zip(header, r)) for r in rows if r[0] and str(r[0]).startswith("NI 120 ")]
    # NI 120's targets are the county report's own figures: a later row only designated one.
    assert [r["10/11"] for r in ni120] == [579, 451, 512]
    assert [r["Designated (*)"] for r in ni120] == [None, None, "* (illustrative)"]  # the invented designation is marked
    for path in (december / "local-action-plans/ashford.docx", december / "refresh/refresh-schedule.docx"):
        assert word_text(path).count("Illustrative: values marked (illustrative)") == 1


# --- wording that moves with the date ------------------------------------------------------


def test_documents_after_the_deadline_do_not_speak_of_it_as_ahead(december):
    stale = ("with expectation that agreement will be reached by 30 May", "Unlikely to be agreed until after 30/05/08")
    for path in documents(december):
        if path.name == Path(COUNTY).name:
            continue  # a snapshot as at 1 May 2008
        text = text_of(path)
        assert not any(s in text for s in stale), path.name
    sheet = book_text(december / "submission.xlsx")
    assert "Unable to be agreed until after the end of May" not in sheet.replace("Unable to be agreed until after the end of May.", "")
    assert "Being agreed in the November/December 2008 refresh" in sheet


def test_the_county_report_keeps_its_may_wording_in_any_build(december):
    text = word_text(december / COUNTY)
    assert "still under discussion with GOSE, with expectation that agreement will be reached by 30 May" in text
    assert "Unlikely to be agreed until after 30/05/08" in text
    assert "(01/05/08)" not in text  # its commentary is as old as the report's own position


def test_a_commentary_older_than_the_document_shows_its_date(may, december):
    def commentary(build: Path, ni: int) -> str:
        sheet = openpyxl.load_workbook(build / "submission.xlsx").active
        header = [c.value for c in sheet[4]]
        row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] and str(r[0]).startswith(f"NI {ni} "))
        return row[header.index("Commentary")]

    assert commentary(may, 40) == "Under discussion with NTA / GOSE. Kent awaits further guidance from National Treatment Agency."
    assert commentary(december, 40).endswith("National Treatment Agency. (01/05/08)")


def test_december_plans_do_not_wait_for_what_has_come(december):
    for path in sorted((december / "local-action-plans").glob("*.docx")):
        document = docx.Document(path)
        for table in document.tables:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                assert "until after the end of May" not in cells[1], (path.name, cells[0])
                if re.match(r"NI (3|6) ", cells[0]):  # countywide baseline set from the Place Survey on 1 December
                    assert "Awaiting Place Survey" not in cells[2], (path.name, cells)
                    assert cells[2].startswith("No local target yet: the countywide baseline was set on 01/12/08"), cells


# --- the seed's own words and figures ------------------------------------------------------


def test_reports_print_the_seeds_figures(may):
    county = word_text(may / COUNTY)
    assert "this would suggest a Kent PRG of between £6m - £8m." in county
    assert "A further 15 statutory indicators about education" in word_text(may / PANEL)
    assert "OPTIONAL" not in county and "Kent Agreement 2]" not in county


def test_partners_are_named_as_the_seed_writes_them(may):
    county = may / COUNTY
    text = word_text(county)
    for group in ("Kent Children's Trust", "KDAAT", "Clean Kent Delivery Group", "Kent Waste Partnership"):
        assert f"{group} (Statutory" not in text, group
    assert "Statutory agencies comprising Kent Children's Trust" in appendix_row(county, 117)[6]
    assert appendix_row(county, 40)[6].startswith("Lead: Statutory agencies comprising KDAAT*")
    assert appendix_row(county, 195)[6].startswith("Lead: Statutory Agencies comprising Clean Kent Delivery Group (Kent County Council, District Councils)*")
    # NI 3: the seed's star on the managers, where it stands
    assert appendix_row(county, 3)[6].startswith("Lead: District Councils (to be named) (District Community Development Managers*)\n")
    # NI 155: the seed stars the combined group as well as the districts
    assert appendix_row(county, 155)[6].startswith("Lead: District Councils (to be named)*, Kent Planning Officers Group/Kent Housing Group*")


def test_commentary_is_joined_as_sentences_and_cut_text_is_said_to_be_cut(may):
    county = may / COUNTY
    assert "Close to agreement with GOSE. GOSE awaits submission of recalculated data from Kent." in appendix_row(county, 120)[7]
    assert "GOSE GOSE" not in word_text(county)
    assert appendix_row(county, 32)[2].endswith("using Apr to Dec 2007 as ba… (text cut off in the source)")


def test_ni_159_reads_as_the_seed_does_until_the_submission(may, december):
    assert appendix_row(may / COUNTY, 159)[0] == "NI 159 Supply of ready to develop housing sites (proposed to replace NI 170)"
    sheet = book_text(december / "submission.xlsx")
    assert "NI 159 Supply of ready to develop housing sites (replaces NI 170)" in sheet


def test_the_dcsf_block_is_compact(may):
    document = docx.Document(may / COUNTY)
    dcsf = document.tables[-1]
    rows = [[c.text for c in r.cells] for r in dcsf.rows]
    assert len(rows[0]) == 2 and len(rows) == 17
    assert all(r[1] == "Lead: Statutory Partners: Non Statutory Partners:" for r in rows[1:])
    assert "Under discussion with DCSF" not in " ".join(c for r in rows for c in r)
    # the status said once, under the heading that says it
    assert word_text(may / COUNTY).count("All following Indicators under discussion with DCSF as part of the annual target setting process") == 1


def test_appendix_rows_may_run_on_and_titles_have_room(may):
    with zipfile.ZipFile(may / COUNTY) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    appendix = xml[xml.index("Appendix: "):]
    assert "<w:cantSplit/>" not in appendix
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', appendix)]
    assert widths[0] >= 4.39 * 567  # twips: the indicator column at least 4.4 cm


# --- the sign-up matrix's gaps ----------------------------------------------------------------


def test_gap_shading_runs_across_the_partners_row(may):
    book = openpyxl.load_workbook(may / "matrix.xlsx")
    sheet = book["Sign-ups"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Arts Council")
    header = next(r for r in sheet.iter_rows() if r[0].value == "Partner")
    fills = {c.fill.fgColor.rgb for c, h in zip(row, header) if h.value}
    assert len(fills) == 1 and fills != {"00000000"}
    plain = next(r for r in sheet.iter_rows() if r[0].value == "Kent Police")
    assert plain[5].fill.fgColor.rgb != row[5].fill.fgColor.rgb
    assert sheet.page_setup.fitToHeight == 1  # the legend prints with the grid, never on a page alone


def test_a_bad_wording_date_is_reported_with_its_line(data_copy, cli):
    path = data_copy / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      - from: 2008-05-31\n        label: To be agreed", "      - from: 31/05/2008\n        label: To be agreed"), encoding="utf-8")
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "31/05/2008" in l)
    result = cli("validate", "--data", str(data_copy))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"agreement.yaml:{line}: statuses.wording.from: '31/05/2008' is not a date" in result.stderr


def test_submission_headers_have_room_and_cells_align_alike(may):
    sheet = openpyxl.load_workbook(may / "submission.xlsx").active
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A3)
    height = sheet.row_dimensions[4].height
    for cell in sheet[4]:
        if cell.value:
            width = sheet.column_dimensions[cell.column_letter].width
            words, lines, used = str(cell.value).split(), 1, 0
            for word in words:  # wrap as Excel does, a word at a time (bold capitals: about one character a unit)
                if used and used + 1 + len(word) > width:
                    lines, used = lines + 1, len(word)
                else:
                    used += (1 if used else 0) + len(word)
            assert lines * 15 <= height, (cell.value, lines, height)
    # a column holding figures and words (NI 120's baselines and NI 163's) aligns them alike
    baseline = [c.value for c in sheet[4]].index("Baseline") + 1
    cells = [row[baseline - 1] for row in sheet.iter_rows(min_row=6) if row[baseline - 1].value is not None]
    kinds = {type(c.value) for c in cells}
    assert int in kinds and str in kinds
    assert {c.alignment.horizontal for c in cells} == {"left"}
