"""Write the default Excel templates under templates/xlsx/.

Run once to (re)create them; after that they belong to the office, who restyle them in
Excel. Running this again overwrites their changes.
"""

import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from ka2docs.layout.xlsx_cells import STYLES, in_schema_order

OUT = Path(__file__).resolve().parent.parent / "templates" / "xlsx"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")  # white on this: 11.6:1 contrast
THEME_FILL = PatternFill("solid", fgColor="D9E2F3")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
FONT = "Calibri"  # the workbook default: a font with no name prints in a serif fallback


def landscape(sheet, header_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def grouped_table(name: str, title: str, columns: list[tuple[str, str, int]], header_height: int | None = None) -> None:
    """A titled sheet: header row 4, a sample theme-heading row 5 and a sample data row 6."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet["A1"] = "{{ title }}"
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet["A2"] = "{{ subtitle }}"
    sheet["A3"] = "{{ illustrative_note }}"
    sheet["A3"].font = Font(name=FONT, italic=True)
    for n, (header, field, width) in enumerate(columns, start=1):
        letter = sheet.cell(row=4, column=n).column_letter
        sheet.column_dimensions[letter].width = width
        head = sheet.cell(row=4, column=n, value=header)
        head.font = Font(name=FONT, bold=True, color="FFFFFF")
        head.fill, head.border, head.alignment = HEADER_FILL, BOX, Alignment(wrap_text=True, vertical="center")
        theme = sheet.cell(row=5, column=n, value="{{ heading }}" if n == 1 else None)
        theme.font, theme.fill, theme.border = Font(name=FONT, bold=True), THEME_FILL, BOX
        data = sheet.cell(row=6, column=n, value="{{ " + field + " }}")
        data.border, data.alignment = BOX, WRAP_TOP
    if header_height:
        sheet.row_dimensions[4].height = header_height
    sheet.freeze_panes = "B5"
    landscape(sheet, 4)
    _save(book, name)


def submission() -> None:
    columns = [
        ("Indicator (NI number and title)", "indicator", 38),
        ("Measure", "measure", 14),
        ("Baseline", "baseline", 24),
        ("{{ year1 }}", "year1", 18),
        ("{{ year2 }}", "year2", 18),
        ("{{ year3 }}", "year3", 18),
        ("Whole period", "period", 26),
        ("Designated (*)", "designated", 11),
        ("Partners signed up (lead partner/s shown with a *)", "partners", 48),
        ("Negotiation status", "status", 22),
        ("Commentary", "commentary", 40),
    ]
    grouped_table("submission.xlsx", "Submission", columns, header_height=30)  # 'Designated (*)' wraps


# Gaps are shaded amber; black text on it keeps a 13:1 contrast (WCAG asks 4.5:1).
GAP_FILL = PatternFill("solid", fgColor="FFC000")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _head(cell, text: str, bold: bool = True, size: int | None = None) -> None:
    cell.value = text
    cell.font = Font(name=FONT, bold=bold, color="FFFFFF", size=size)
    cell.fill, cell.border = HEADER_FILL, BOX
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _grid_sheet(sheet, labels: list[tuple[str, str, str, int]], trailing: list[tuple[str, str, str, int]], header_fields: list[str]) -> None:
    """A partners x indicators grid: label columns, one sample indicator column, trailing totals.

    Each column is (header row 1, header row 2, data placeholder, width). Rows: the sheet
    header (placeholders), two header rows, a sample data row, a sample footer row, a
    sample highlighted cell and a sample legend line. The renderer repeats the sample
    indicator column once per indicator and the sample rows once per row.
    """
    for n, field in enumerate(header_fields, start=1):
        sheet.cell(row=n, column=1, value="{{ " + field + " }}")
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    for n in range(3, len(header_fields) + 1):
        sheet.cell(row=n, column=1).font = Font(name=FONT, italic=True)
    top = len(header_fields) + 2
    columns = [*labels, ("{{ ni }}", "{{ indicator_title }}", "{{ cell }}", 14), *trailing]
    for c, (head1, head2, field, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
        _head(sheet.cell(row=top, column=c), head1)
        _head(sheet.cell(row=top + 1, column=c), head2, bold=False, size=8)
        data = sheet.cell(row=top + 2, column=c, value=field)
        data.border = BOX
        data.alignment = CENTRE if c > len(labels) else WRAP_TOP
        footer = sheet.cell(row=top + 3, column=c, value=("{{ footer_label }}" if c == 1 else "{{ footer_cell }}" if c == len(labels) + 1 else "{{ footer_total }}" if c == len(labels) + 2 else None))
        footer.font, footer.fill, footer.border = Font(name=FONT, bold=True), THEME_FILL, BOX
        footer.alignment = WRAP_TOP if c == 1 else CENTRE
    sheet.row_dimensions[top].height = 30
    sheet.row_dimensions[top + 1].height = 150  # indicator titles wrap in a narrow column
    gap = sheet.cell(row=top + 4, column=1, value="{{ gap_sample }}")
    gap.fill, gap.font, gap.border = GAP_FILL, Font(name=FONT, bold=True, color="000000"), BOX
    sheet.cell(row=top + 5, column=1, value="{{ legend }}")
    sheet.freeze_panes = sheet.cell(row=top + 2, column=len(labels) + 1).coordinate
    landscape(sheet, top)
    # A grid of 50+ indicators squeezed onto one page prints unreadably small: A3, about
    # a dozen indicators a page, partner names and the header rows repeated on each.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 4
    sheet.print_title_rows = f"{top}:{top + 1}"
    sheet.print_title_cols = "A:A"


def matrix() -> None:
    book = Workbook()
    signups = book.active
    signups.title = "Sign-ups"
    _grid_sheet(
        signups,
        [("Partner", "Indicator title", "{{ partner }}", 52), ("Statutory partner", "yes / no", "{{ statutory }}", 10)],
        [("Total sign-ups", "indicators signed", "{{ total }}", 10), ("Gap", "what to chase", "{{ gap }}", 24)],
        ["title", "subtitle", "key", "illustrative_note"],
    )
    gaps = book.create_sheet("Gaps")
    gaps["A1"], gaps["A2"], gaps["A3"], gaps["A4"] = "{{ title }}", "{{ subtitle }}", "{{ summary }}", "{{ illustrative_note }}"
    gaps["A1"].font = Font(name=FONT, bold=True, size=14)
    gaps["A4"].font = Font(name=FONT, italic=True)
    for c, (header, field, width) in enumerate((("Gap", "gap", 30), ("Indicator", "indicator", 50), ("Partner", "partner", 34), ("Why it matters", "why", 70)), start=1):
        gaps.column_dimensions[gaps.cell(row=1, column=c).column_letter].width = width
        _head(gaps.cell(row=6, column=c), header)
        data = gaps.cell(row=7, column=c, value="{{ " + field + " }}")
        data.border, data.alignment = BOX, WRAP_TOP
    gaps.freeze_panes = "A7"
    landscape(gaps, 6)
    districts = book.create_sheet("Districts")
    _grid_sheet(
        districts,
        [("District", "Indicator title", "{{ district }}", 22), ("Council", "district council", "{{ council }}", 30), ("Signed up as", "group in the submission", "{{ group }}", 28)],
        [("Total sign-ups", "indicators signed", "{{ total }}", 10)],
        ["title", "subtitle", "note", "illustrative_note"],
    )
    _save(book, "matrix.xlsx")


def refresh_schedule() -> None:
    """One line per difference from the submission, under the submission's theme headings."""
    columns = [
        ("Indicator (NI number and title)", "indicator", 38),
        ("What changed", "change", 22),
        ("{{ old_heading }}", "old", 34),
        ("{{ new_heading }}", "new", 34),
        ("Date", "date", 10),
        ("Reason", "reason", 40),
        ("Source", "source", 18),
    ]
    grouped_table("refresh-schedule.xlsx", "Refresh schedule", columns)


def monitoring() -> None:
    """The consolidated monitoring workbook: every returned indicator against its trajectory, by theme."""
    columns = [
        ("Indicator (NI number and title)", "indicator", 38),
        ("Measure", "measure", 14),
        ("Baseline", "baseline", 16),
        ("Target", "target", 16),
        ("Trajectory", "trajectory", 11),
        ("Actual", "actual", 14),
        ("RAG", "rag", 8),
        ("Direction of travel", "direction", 11),
        ("Commentary", "commentary", 40),
        ("Remedial action", "remedial", 34),
        ("Data quality", "quality", 11),
        ("Accountable officer", "officer", 22),
        ("Returned", "returned", 11),
    ]
    grouped_table("monitoring.xlsx", "Monitoring", columns, header_height=30)


# Input cells of a return: pale yellow (black text on it: 19:1), the rest white and locked.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def monitoring_return() -> None:
    """The return an accountable officer fills in: the Instructions sheet, then the Return sheet.

    Rows 3-8 hold the officer and period, row 11 the column headings (written by the
    renderer), row 12 a sample row: column A shows a prefilled cell's style, the Actual
    column (I) an input cell's.
    """
    book = Workbook()
    notes = book.active
    notes.title = "Instructions"
    notes["A1"] = "{{ instructions_title }}"
    notes["A1"].font = Font(name=FONT, bold=True, size=14)
    notes["A3"] = "{{ instructions }}"
    notes["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 110
    notes.freeze_panes = "A2"  # the title stays in view, as a header row
    landscape(notes, 1)  # fitted to the page's width: the long lines wrap, never run off
    sheet = book.create_sheet("Return")
    sheet["A1"] = "{{ title }}"
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet["A2"] = "{{ illustrative_note }}"
    sheet["A2"].font = Font(name=FONT, italic=True)
    for row in range(3, 9):
        sheet.cell(row=row, column=1).font = Font(name=FONT, bold=True)
    widths = (19, 40, 8, 15, 22, 22, 12, 10, 12, 44, 36, 13)  # A holds the officer block's labels too
    for n, width in enumerate(widths, start=1):
        letter = sheet.cell(row=11, column=n).column_letter
        sheet.column_dimensions[letter].width = width
        head = sheet.cell(row=11, column=n)
        head.font = Font(name=FONT, bold=True, color="FFFFFF")
        head.fill, head.border, head.alignment = HEADER_FILL, BOX, Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[11].height = 30  # 'Previous actual' wraps
    fixed = sheet.cell(row=12, column=1, value="{{ prefilled }}")
    fixed.border, fixed.alignment = BOX, WRAP_TOP
    entry = sheet.cell(row=12, column=9, value="{{ input }}")
    entry.border, entry.alignment, entry.fill = BOX, WRAP_TOP, INPUT_FILL
    sheet.freeze_panes = "C12"
    landscape(sheet, 11)
    _save(book, "monitoring-return.xlsx")


def _save(book: Workbook, name: str) -> None:
    """Save, with each font's parts in the order Excel's schema wants (openpyxl writes the name first)."""
    book.save(OUT / name)
    with zipfile.ZipFile(OUT / name) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(OUT / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in members:
            archive.writestr(info, in_schema_order(body) if info.filename == STYLES else body)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    submission()
    matrix()
    refresh_schedule()
    monitoring()
    monitoring_return()
