"""The monitoring return workbook an accountable officer fills in, written with openpyxl.

A return needs what our XML writer does not do (sheet protection, unlocked input cells,
data validation), and there are only a few a period, so openpyxl writes them. The
template gives the styles: the sample row under the header shows a prefilled cell's style
in column A and an input cell's style in the Actual column. Output is byte-identical
across runs: fixed document dates, and the zip rewritten with fixed timestamps.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from pathlib import Path

from ..data.returns import COLUMNS, FIELD_ROW, FIELDS, HEADER_ROW, INPUTS, INSTRUCTIONS, MAX_TEXT, SHEET, column_of
from ..errors import TemplateError, problem
from . import zipfile_
from .xlsx_cells import FORMULA_START, STYLES, in_schema_order

INPUT_FIELDS = ("Date returned",)


def monitoring_return(context: dict, template: Path) -> bytes:
    """One officer's return for one period, from the template's Return and Instructions sheets."""
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from .intake import cleaned

    source = io.BytesIO(cleaned(template))  # personal properties and paths gone, limits checked (layout/intake.py)
    try:
        book = load_workbook(source)
    except Exception as exc:  # noqa: BLE001 - a damaged or non-Excel file raises many kinds
        raise TemplateError([problem(str(template), 0, "", f"cannot open Excel template: {exc} (allowed: an .xlsx file)")]) from None
    if SHEET not in book.sheetnames or INSTRUCTIONS not in book.sheetnames:
        raise TemplateError([problem(str(template), 0, "", f"needs sheets named {SHEET} and {INSTRUCTIONS} (allowed: a template like the shipped one)")])
    sheet = book[SHEET]
    _text_safe(sheet["A1"], context["title"])
    _text_safe(sheet["A2"], context["illustrative_note"])
    values = {"Accountable officer": context["officer"], "Organisation": context["organisation"], "Period": context["period_label"],
              "Period ending": context["period"], "Return by": context["deadline"], "Date returned": None}
    sample = HEADER_ROW + 1
    fixed_style = copy.copy(sheet.cell(sample, 1)._style)
    input_style = copy.copy(sheet.cell(sample, column_of("Actual"))._style)
    for n, label in enumerate(FIELDS):
        sheet.cell(FIELD_ROW + n, 1, label)
        cell = sheet.cell(FIELD_ROW + n, 2)
        _text_safe(cell, values[label])
        if label in INPUT_FIELDS:
            cell._style = copy.copy(input_style)
            cell.number_format = "yyyy-mm-dd"
            cell.protection = Protection(locked=False)
    for n, name in enumerate(COLUMNS, start=1):
        sheet.cell(HEADER_ROW, n, name)
    rows = context["rows"]
    for r, row in enumerate(rows, start=sample):
        for n, name in enumerate(COLUMNS, start=1):
            cell = sheet.cell(r, n)
            cell._style = copy.copy(input_style if name in INPUTS else fixed_style)
            _text_safe(cell, row.get(name))  # None too: the sample row's placeholder goes
            if name in INPUTS:
                cell.protection = Protection(locked=False)
        _fit_height(sheet, r, len(COLUMNS))
    last = sample + max(len(rows), 1) - 1
    if not rows:
        for n in range(1, len(COLUMNS) + 1):
            sheet.cell(sample, n).value = None
    _validation(sheet, DataValidation, context, sample, last)
    sheet.protection.sheet = True  # only the input cells can be changed
    sheet.protection.formatCells = sheet.protection.formatColumns = sheet.protection.formatRows = False  # False: allowed
    sheet.print_area = f"A1:{sheet.cell(last, len(COLUMNS)).column_letter}{last}"
    notes = book[INSTRUCTIONS]
    _text_safe(notes["A1"], context["instructions_title"])
    for n, line in enumerate(context["instructions"], start=3):
        notes.cell(n, 1)._style = copy.copy(notes["A3"]._style)
        _text_safe(notes.cell(n, 1), line)
        _fit_height(notes, n, 1)
    notes.protection.sheet = True
    book.active = book.sheetnames.index(INSTRUCTIONS)
    return _save(book, context["properties"])


def _text_safe(cell, value) -> None:
    """Text from data stays text: never a formula, and Excel's quote prefix on text that starts
    like one, so editing the cell keeps it text too."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _fit_height(sheet, row: int, columns: int) -> None:
    """Room for the row's wrapped text: Excel and LibreOffice do not grow a row openpyxl wrote."""
    import math

    lines = 1
    for column in range(1, columns + 1):
        value = sheet.cell(row, column).value
        if value is None:
            continue
        width = sheet.column_dimensions[sheet.cell(row, column).column_letter].width or 8.43
        lines = max(lines, sum(math.ceil(max(len(part), 1) / max(width * 1.1 - 1, 1)) for part in str(value).split("\n")))
    if lines > 1:
        sheet.row_dimensions[row].height = 15 * lines


def _validation(sheet, DataValidation, context: dict, first: int, last: int) -> None:
    """Input cells accept only what the reader accepts: numbers, short text, a grade, a date."""
    def rng(name: str) -> str:
        letter = sheet.cell(first, column_of(name)).column_letter
        return f"{letter}{first}:{letter}{last}"

    number = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000", allow_blank=True,
                            showErrorMessage=True, errorTitle="A number", error="Type the figure as a number, e.g. 762 (no units or words).")
    number.add(rng("Actual"))
    words = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_TEXT), allow_blank=True,
                           showErrorMessage=True, errorTitle="Too long", error=f"At most {MAX_TEXT} characters.")
    words.add(rng("Commentary"))
    words.add(rng("Remedial action"))
    grades = DataValidation(type="list", formula1='"' + ",".join(context["data_quality"]) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Data quality", error="Choose a grade from the list.")
    grades.add(rng("Data quality"))
    day = DataValidation(type="date", operator="greaterThan", formula1=str((dt.date.fromisoformat(context["period"]) - dt.date(1899, 12, 30)).days),
                         allow_blank=True, showErrorMessage=True, errorTitle="A date", error="Type the date you completed the return, after the period's end.")
    day.add(f"B{FIELD_ROW + FIELDS.index('Date returned')}")
    for rule in (number, words, grades, day):
        sheet.add_data_validation(rule)


def _save(book, properties: dict) -> bytes:
    """The workbook's bytes with the document's own dates and names, never the clock's."""
    from openpyxl.writer.excel import ExcelWriter

    when = dt.datetime.fromisoformat(properties["date"])
    props = book.properties
    props.title, props.creator, props.lastModifiedBy = properties["title"], properties["author"], properties["author"]
    props.created = props.modified = when
    props.language = "en-GB"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    with zipfile.ZipFile(out) as written:  # openpyxl writes each font's name first: Excel's schema wants it after b, i, sz, color
        members = [(info.filename, written.read(info.filename)) for info in written.infolist()]
    return zipfile_.archive([(name, in_schema_order(body) if name == STYLES else body) for name, body in members])
