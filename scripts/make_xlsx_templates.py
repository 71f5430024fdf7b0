"""Write the default Excel templates under templates/xlsx/.

Run once to (re)create them; after that they belong to the office, who restyle them in
Excel. Running this again overwrites their changes.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

OUT = Path(__file__).resolve().parent.parent / "templates" / "xlsx"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")  # white on this: 12.6:1 contrast
THEME_FILL = PatternFill("solid", fgColor="D9E2F3")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def landscape(sheet, header_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def submission() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Submission"
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
    sheet["A1"] = "{{ title }}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "{{ subtitle }}"
    sheet["A3"] = "{{ illustrative_note }}"
    sheet["A3"].font = Font(italic=True)
    for n, (header, field, width) in enumerate(columns, start=1):
        letter = sheet.cell(row=4, column=n).column_letter
        sheet.column_dimensions[letter].width = width
        head = sheet.cell(row=4, column=n, value=header)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill, head.border, head.alignment = HEADER_FILL, BOX, Alignment(wrap_text=True, vertical="center")
        theme = sheet.cell(row=5, column=n, value="{{ heading }}" if n == 1 else None)
        theme.font, theme.fill, theme.border = Font(bold=True), THEME_FILL, BOX
        data = sheet.cell(row=6, column=n, value="{{ " + field + " }}")
        data.border, data.alignment = BOX, WRAP_TOP
    sheet.freeze_panes = "B5"
    landscape(sheet, 4)
    book.save(OUT / "submission.xlsx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    submission()
