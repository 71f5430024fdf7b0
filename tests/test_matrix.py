"""The partner sign-up matrix (issue 5): named cells, totals, gaps, districts, and `ka2docs signups`."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, TEMPLATES, run_cli

MAY = "2008-05-01"
GROUP = "District Councils (to be named)"


class Grid:
    """A grid sheet read back: header rows, one row per partner (or district), footer rows."""

    def __init__(self, sheet, first_label: str):
        self.sheet = sheet
        self.top = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == first_label)
        header = [c.value for c in sheet[self.top]]
        self.columns = {v: n for n, v in enumerate(header, start=1) if v}
        self.ni_columns = {v: n for v, n in self.columns.items() if str(v).startswith("NI ")}
        self.rows: dict[str, int] = {}
        row = self.top + 2
        while sheet.cell(row=row, column=1).value:
            self.rows[sheet.cell(row=row, column=1).value] = row
            row += 1

    def cell(self, label: str, column: str):
        return self.sheet.cell(row=self.rows[label], column=self.columns[column])

    def value(self, label: str, column: str):
        return self.cell(label, column).value

    def column_values(self, column: str, labels) -> dict:
        return {label: self.value(label, column) for label in labels}

    def title(self, ni: str) -> str:
        return self.sheet.cell(row=self.top + 1, column=self.ni_columns[ni]).value


def open_matrix(path: Path):
    book = openpyxl.load_workbook(path)
    return book, Grid(book["Sign-ups"], "Partner")


def gap_fill(grid: Grid) -> str:
    """The shading the legend shows for a gap (staff may restyle it, so read it, do not assume it)."""
    row = max(grid.rows.values()) + 1
    while not str(grid.sheet.cell(row=row, column=1).value or "").startswith("Shaded"):
        row += 1
    return grid.sheet.cell(row=row, column=1).fill.fgColor.rgb


def shaded(cell, fill: str) -> bool:
    return cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == fill


def partners_table() -> list[str]:
    with open(DATA / "partners.csv", encoding="utf-8") as handle:
        return [r["partner"] for r in csv.DictReader(handle) if r["date"] <= MAY]


def signup_rows(as_at: str = MAY) -> list[dict]:
    with open(DATA / "signups.csv", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["date"] <= as_at]


@pytest.fixture(scope="module")
def may_matrix(may_build):
    return open_matrix(may_build / "matrix.xlsx")


def test_matrix_is_in_the_manifest(may_build):
    manifest = json.loads((may_build / "manifest.json").read_text())
    entries = [d for d in manifest["documents"] if d["kind"] == "matrix"]
    assert [(d["path"], d["format"], d["template"]) for d in entries] == [("matrix.xlsx", "xlsx", "xlsx/matrix.xlsx")]


def test_named_cells_show_each_partners_role(may_matrix):
    _, grid = may_matrix
    leads = {ni: sorted(p for p in grid.rows if grid.value(p, ni) == "Lead") for ni in ("NI 191", "NI 120", "NI 154")}
    assert leads["NI 191"] == ["Kent Waste Partnership"]
    assert leads["NI 120"] == ["East Kent and Coastal Primary Care Trust", "West Kent Primary Care Trust"]
    assert leads["NI 154"] == [GROUP]
    assert grid.value("Kent County Council", "NI 154") == "Statutory"
    assert grid.value("Kent Housing Group", "NI 154") == "Non-statutory"
    assert grid.value("Kent Police", "NI 154") is None
    assert grid.title("NI 191") == "Residual household waste per household"
    assert grid.value("Kent Police", "Statutory partner") == "yes"
    assert grid.value("Kent Economic Board", "Statutory partner") == "no"


def test_one_row_per_partner_in_partners_csv_order_and_indicators_in_submission_order(may_matrix):
    _, grid = may_matrix
    assert list(grid.rows)[: len(partners_table())] == partners_table()
    nis = list(grid.ni_columns)
    assert len(nis) == 51
    assert nis[:3] == ["NI 163", "NI 171", "NI 152"]
    assert nis.index("NI 159") < nis.index("NI 92")  # the 'up to 35' first, then the DCSF block
    assert "NI 170" not in nis


def test_totals_per_partner_and_per_indicator_match_signups_csv(may_matrix):
    _, grid = may_matrix
    rows = signup_rows()
    per_partner, per_ni = Counter(r["partner"] for r in rows), Counter(f"NI {r['ni']}" for r in rows)
    for partner in partners_table():
        assert grid.value(partner, "Total sign-ups") == per_partner.get(partner, 0), partner
    for ni in grid.ni_columns:
        assert grid.value("Total partners signed", ni) == per_ni.get(ni, 0), ni
    assert grid.value("Total partners signed", "Total sign-ups") == len(rows) == 215
    leads = Counter(f"NI {r['ni']}" for r in rows if r["role"] == "lead")
    assert grid.value("Leads", "NI 120") == leads["NI 120"] == 2


def test_statutory_partners_signed_to_nothing_are_gaps_in_both_sheets(may_matrix):
    book, grid = may_matrix
    fill = gap_fill(grid)
    assert shaded(grid.cell("Arts Council", "Partner"), fill)
    assert grid.value("Arts Council", "Gap") == "Statutory partner signed to nothing"
    assert not shaded(grid.cell("Kent Police", "Partner"), fill)
    assert grid.value("Kent Police", "Gap") is None
    gaps = [[c.value for c in row] for row in book["Gaps"].iter_rows()]
    header = next(n for n, row in enumerate(gaps) if row[:4] == ["Gap", "Indicator", "Partner", "Why it matters"])
    listed = {(row[0], row[2]) for row in gaps[header + 1:]}
    for partner in ("Arts Council", "English Heritage", "Natural England", "Highways Agency", "Health and Safety Executive", "Sport England", "Museums Libraries and Archives Council"):
        assert ("Statutory partner signed to nothing", partner) in listed


def test_dcsf_indicators_are_not_no_lead_gaps_but_are_listed_as_no_sign_ups_yet(may_matrix):
    book, grid = may_matrix
    fill = gap_fill(grid)
    assert grid.value("Total partners signed", "NI 92") == 0
    assert grid.value("Gap (to chase)", "NI 92") is None
    assert not shaded(grid.sheet.cell(row=grid.top, column=grid.ni_columns["NI 92"]), fill)
    rows = [[c.value for c in row] for row in book["Gaps"].iter_rows()]
    kinds = {row[0] for row in rows if row[1] and str(row[1]).startswith("NI 92 ")}
    assert kinds == {"No sign-ups yet"}
    assert not any(row[0] == "No lead" for row in rows)


def render_matrix(data_dir: Path, as_at: str) -> openpyxl.Workbook:
    """Load, plan and render the matrix through the library (the build refuses data with no lead)."""
    from ka2docs.data.load import load
    from ka2docs.documents.signup_matrix import documents
    from ka2docs.history import position

    (document,) = documents(position(load(data_dir), dt.date.fromisoformat(as_at)))
    out = data_dir.parent / f"matrix-{as_at}.xlsx"
    out.write_bytes(document.render(TEMPLATES))
    return openpyxl.load_workbook(out)


def test_a_withdrawn_lead_shows_as_a_gap_in_both_sheets(data_copy):
    with open(data_copy / "signups.csv", "a", encoding="utf-8") as handle:
        handle.write("2008-06-01,191,Kent Waste Partnership,withdrawn,,Lead withdrew,seed-003\n")
    for as_at, expect_gap in (("2008-05-31", False), ("2008-06-01", True)):
        book = render_matrix(data_copy, as_at)
        grid = Grid(book["Sign-ups"], "Partner")
        fill = gap_fill(grid)
        head = grid.sheet.cell(row=grid.top, column=grid.ni_columns["NI 191"])
        gaps = [[c.value for c in row] for row in book["Gaps"].iter_rows()]
        no_lead = [row for row in gaps if row[0] == "No lead"]
        if expect_gap:
            assert grid.value("Kent Waste Partnership", "NI 191") is None
            assert grid.value("Leads", "NI 191") == 0
            assert grid.value("Gap (to chase)", "NI 191") == "No lead"
            assert shaded(head, fill)
            assert [row[1] for row in no_lead] == ["NI 191 Residual household waste per household"]
            assert "lead" in no_lead[0][3]
        else:
            assert grid.value("Kent Waste Partnership", "NI 191") == "Lead"
            assert not shaded(head, fill)
            assert no_lead == []


def test_districts_sheet_expands_the_group_to_the_districts(may_matrix):
    book, grid = may_matrix
    districts = Grid(book["Districts"], "District")
    with open(DATA / "districts.csv", encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    assert list(districts.rows) == [d["district"] for d in listed]
    assert len(districts.rows) == 12
    group_signed = {ni for ni in grid.ni_columns if grid.value(GROUP, ni)}
    assert set(districts.ni_columns) == group_signed
    for district in listed:
        name = district["district"]
        assert districts.value(name, "Council") == district["council"]
        assert districts.value(name, "Signed up as") == GROUP
        assert districts.value(name, "NI 154") == "Lead"
        assert districts.value(name, "Total sign-ups") == grid.value(GROUP, "Total sign-ups")
    note = " ".join(str(c.value) for c in book["Districts"]["A"][:5] if c.value)
    assert "inherits the group's sign-ups" in note


def test_layout_frozen_landscape_fit_to_width_no_merged_or_blank_headers(may_matrix):
    book, grid = may_matrix
    assert [s.title for s in book.worksheets] == ["Sign-ups", "Gaps", "Districts"]
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    # The grid prints across a few A3 pages with the partner column repeated; the Gaps list fits the width.
    assert book["Gaps"].page_setup.fitToWidth == 1
    assert grid.sheet.page_setup.fitToWidth == 4 and int(grid.sheet.page_setup.paperSize) == int(grid.sheet.PAPERSIZE_A3)
    assert grid.sheet.print_title_cols.replace("$", "") == "A:A"
    sheet = grid.sheet
    assert sheet.freeze_panes == sheet.cell(row=grid.top + 2, column=3).coordinate
    assert sheet.print_title_rows.replace("$", "") == f"{grid.top}:{grid.top + 1}"
    last = grid.columns["Gap"]
    for row in (grid.top, grid.top + 1):
        assert all(sheet.cell(row=row, column=c).value for c in range(1, last + 1)), row


def test_matrix_is_byte_identical_when_rebuilt(may_build, tmp_path):
    from ka2docs.build import build

    again = tmp_path / "again"
    build(DATA, again, TEMPLATES, dt.date.fromisoformat(MAY))
    assert (again / "matrix.xlsx").read_bytes() == (may_build / "matrix.xlsx").read_bytes()


# --- ka2docs signups ---------------------------------------------------------------


def test_signups_command_for_kent_police():
    result = run_cli("signups", "--partner", "kent police", "--as-at", MAY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kent Police: statutory partner, signed up to 5 indicators as at 01/05/08"
    assert lines[1:4] == ["Lead (2):", "  NI 15 Serious Violent Crime Rate", "  NI 32 Repeat incidents of domestic abuse"]
    assert lines[4] == "Statutory (3):"
    assert "  NI 47 People killed or seriously injured in road traffic accidents" in lines[5:8]
    assert lines[8] == "Non-statutory (0): none"
    expected = {r["ni"] for r in signup_rows() if r["partner"] == "Kent Police"}
    assert {line.split()[1] for line in lines if line.startswith("  NI ")} == expected


def test_signups_json_and_a_district_resolves_to_its_group():
    result = run_cli("signups", "--partner", "Tonbridge and Malling", "--as-at", MAY, "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["partner"], found["district"]) == (GROUP, "Tonbridge and Malling")
    leads = next(r for r in found["roles"] if r["role"] == "lead")
    assert 154 in [i["ni"] for i in leads["indicators"]]
    assert found["total"] == sum(1 for r in signup_rows() if r["partner"] == GROUP)


def test_unknown_partner_exits_2_with_close_matches():
    result = run_cli("signups", "--partner", "Kent Polise", "--as-at", MAY)
    assert result.returncode == 2
    assert "no partner named 'Kent Polise'" in result.stderr
    assert "closest: Kent Police" in result.stderr
    assert "Traceback" not in result.stderr


def test_signups_command_imports_no_format_library():
    result = run_cli("signups", "--partner", "Kent Police", "--as-at", MAY, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "yaml" in imported  # the timing really was recorded
    assert not imported & {"openpyxl", "docx", "docxtpl", "PIL"}
