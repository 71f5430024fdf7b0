"""The monitoring return workbook an accountable officer fills in, written into the
template's XML (xlsx_book) like our other workbooks.

The template gives the styles: the sample row under the header shows a prefilled cell's
style in column A ({{ prefilled }}) and an input cell's style in the Actual column
({{ input }}). What a return adds to the template: both sheets protected, the input
cells unlocked, and validation on them (numbers, short text, a grade, a date). The
validations are placed on the sample row, so they stretch over every row written from it
(xlsx_carry), as staff's own would. Cells keep their text as written ('13.50' stays
'13.50'): a return comes back and its prefilled cells are compared with what was sent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..data.returns import COLUMNS, FIELD_ROW, FIELDS, HEADER_ROW, INPUTS, INSTRUCTIONS, MAX_TEXT, SHEET, column_of
from ..errors import TemplateError, problem
from .ooxml import letter
from .xlsx_book import Sheet, Workbook
from .xlsx_cells import MAIN
from .xmltext import escape

INPUT_FIELDS = ("Date returned",)
DATE_FORMAT = "yyyy-mm-dd"
# CT_Worksheet's children in the schema's order (ECMA-376 Part 1, 18.3.1.99): where a new one goes.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
    "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)


def monitoring_return(context: dict, template: Path) -> bytes:
    """One officer's return for one period, from the template's Return and Instructions sheets."""
    book = Workbook(template)
    sheets = {sheet.title: sheet for sheet in book.sheets}
    if SHEET not in sheets or INSTRUCTIONS not in sheets or sheets[SHEET].data is None or sheets[INSTRUCTIONS].data is None:
        raise TemplateError([problem(str(template), 0, "", f"needs sheets named {SHEET} and {INSTRUCTIONS} (allowed: a template like the shipped one)")])
    _return_sheet(sheets[SHEET], context)
    _instructions(sheets[INSTRUCTIONS], context)
    _activate(book, book.sheets.index(sheets[INSTRUCTIONS]))  # the officer reads how to fill it in first
    properties = context["properties"]
    return book.save({"title": properties["title"], "author": properties["author"], "as_at": properties["date"]})


def _return_sheet(sheet: Sheet, context: dict) -> None:
    styles = sheet.book.styles
    sample = HEADER_ROW + 1
    found = sheet.placeholders()
    if found.get("prefilled", (None,))[0] != sample or found.get("input", (None,))[0] != sample:
        raise TemplateError([problem(str(sheet.book.path), sample, SHEET, f"needs {{{{ prefilled }}}} and {{{{ input }}}} sample cells on row {sample}, under the header row (allowed: a template like the shipped one)")])
    fixed, typed = found["prefilled"][2], styles.unlocked(found["input"][2])
    sheet.fill({"title": context["title"], "illustrative_note": context["illustrative_note"]}, below=FIELD_ROW, last=sample)
    values = {"Accountable officer": context["officer"], "Organisation": context["organisation"], "Period": context["period_label"],
              "Period ending": context["period"], "Return by": context["deadline"], "Date returned": None}
    for n, label in enumerate(FIELDS):
        row = FIELD_ROW + n
        value_style = styles.unlocked(styles.number_format(found["input"][2], DATE_FORMAT)) if label in INPUT_FIELDS else _style(sheet, row, 2)
        sheet.write(row, row, [(1, _style(sheet, row, 1), label), (2, value_style, values[label])], literal=True)
    for row in range(FIELD_ROW + len(FIELDS), HEADER_ROW):  # what staff wrote between the fields and the header stays
        if row in sheet.cells:
            sheet.write(row, row, [(column, style, text or None) for column, _, style, text in sheet.cells[row]], literal=True)
    sheet.write(HEADER_ROW, HEADER_ROW, [(n, _style(sheet, HEADER_ROW, n), name) for n, name in enumerate(COLUMNS, start=1)], literal=True)
    rows = context["rows"] or [{}]  # no line: the empty sample row stays, for the validations' sake
    for r, line in enumerate(rows, start=sample):
        sheet.write(r, sample, [(n, typed if name in INPUTS else fixed, line.get(name)) for n, name in enumerate(COLUMNS, start=1)], fit=True, literal=True)
    sheet.print_area(sample + len(rows) - 1, len(COLUMNS))
    _protect(sheet, formatting_allowed=True)
    _validations(sheet, context, sample)


def _instructions(sheet: Sheet, context: dict) -> None:
    found = sheet.placeholders()
    if "instructions_title" not in found or "instructions" not in found:
        raise TemplateError([problem(str(sheet.book.path), 0, INSTRUCTIONS, "needs {{ instructions_title }} and {{ instructions }} cells (allowed: a template like the shipped one)")])
    row, column, style = found["instructions"]
    sheet.fill({"instructions_title": context["instructions_title"]}, below=row, last=row)
    for n, line in enumerate(context["instructions"], start=row):
        sheet.write(n, row, [(column, style, line)], fit=True, literal=True)
    sheet.print_area(row + len(context["instructions"]) - 1)
    _protect(sheet, formatting_allowed=False)


def _style(sheet: Sheet, row: int, column: int) -> str | None:
    """The template's style for a cell it may have left out (then none, as Excel does)."""
    return next((style for c, _, style, _ in sheet.cells.get(row, []) if c == column), None)


def _protect(sheet: Sheet, formatting_allowed: bool) -> None:
    """Only unlocked cells can be changed; on the Return sheet rows can still be made taller."""
    allow = ' formatCells="0" formatColumns="0" formatRows="0"' if formatting_allowed else ""  # "0": not protected
    _place(sheet, f'<sheetProtection xmlns="{MAIN}" sheet="1" objects="1" scenarios="1"{allow}/>', replace=True)


def _validations(sheet: Sheet, context: dict, sample: int) -> None:
    """Input cells accept only what the reader accepts: numbers, short text, a grade, a date."""
    def on(*names: str) -> str:
        return " ".join(f"{letter(column_of(name))}{sample}" for name in names)

    after = (dt.date.fromisoformat(context["period"]) - dt.date(1899, 12, 30)).days  # Excel's day number
    grades = '"' + ",".join(context["data_quality"]) + '"'
    rules = [
        ("decimal", 'operator="between"', on("Actual"), "A number", "Type the figure as a number, e.g. 762 (no units or words).", ("-1000000000", "1000000000")),
        ("textLength", 'operator="lessThanOrEqual"', on("Commentary", "Remedial action"), "Too long", f"At most {MAX_TEXT} characters.", (str(MAX_TEXT),)),
        ("list", "", on("Data quality"), "Data quality", "Choose a grade from the list.", (grades,)),
        ("date", 'operator="greaterThan"', f"B{FIELD_ROW + FIELDS.index('Date returned')}", "A date", "Type the date you completed the return, after the period's end.", (str(after),)),
    ]
    xml = "".join(
        f'<dataValidation type="{kind}" {operator} allowBlank="1" showErrorMessage="1" errorTitle="{escape(title)}" error="{escape(error)}" sqref="{where}">'
        + "".join(f"<formula{n}>{escape(formula)}</formula{n}>" for n, formula in enumerate(formulas, start=1)) + "</dataValidation>"
        for kind, operator, where, title, error, formulas in rules
    )
    existing = sheet.root.find(f"{{{MAIN}}}dataValidations")
    if existing is None:
        _place(sheet, f'<dataValidations xmlns="{MAIN}">{xml}</dataValidations>')
        existing = sheet.root.find(f"{{{MAIN}}}dataValidations")
    else:  # staff's own validations stay beside ours
        from lxml import etree

        existing.extend(etree.fromstring(f'<dataValidations xmlns="{MAIN}">{xml}</dataValidations>'))
    existing.set("count", str(len(existing)))


def _place(sheet: Sheet, xml: str, replace: bool = False) -> None:
    """Put a worksheet child where the schema wants it (after every child that comes before it)."""
    from lxml import etree

    new = etree.fromstring(xml)
    name = etree.QName(new).localname
    if replace:
        for old in sheet.root.findall(f"{{{MAIN}}}{name}"):
            sheet.root.remove(old)
    rank = WORKSHEET_ORDER.index(name)
    earlier = [child for child in sheet.root if etree.QName(child).localname in WORKSHEET_ORDER[:rank]]
    if earlier:
        earlier[-1].addnext(new)
    else:
        sheet.root.insert(0, new)


def _activate(book: Workbook, index: int) -> None:
    from lxml import etree

    root = etree.fromstring(book.members["xl/workbook.xml"])
    for view in root.iterfind(f"{{{MAIN}}}bookViews/{{{MAIN}}}workbookView"):
        view.set("activeTab", str(index))
        if int(view.get("firstSheet") or 0) > index:
            view.set("firstSheet", str(index))
    book.members["xl/workbook.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
