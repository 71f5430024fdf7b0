"""Everything that touches openpyxl: reading data workbooks, writing our workbooks.

Templates are real .xlsx files staff restyle in Excel. A template sheet marks where
things go with {{ name }} cells: a header row, one sample heading row ({{ heading }})
and one sample data row whose cells name the fields they show. Rows are written in
the sample rows' styles; column widths, freeze panes and print setup stay the template's.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from ..errors import DataError, TemplateError, problem
from . import zipfile_

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a data workbook is kilobytes; a zip bomb is gigabytes
MAX_RATIO = 200
MAX_MEMBERS = 500
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
PLACEHOLDER = re.compile(r"^\{\{\s*([\w.]+)\s*\}\}$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _check_archive(path: Path, display: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise DataError([problem(display, 0, "", "is not a valid .xlsx workbook (allowed: an Excel workbook saved as .xlsx, or a CSV file)")]) from None
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or (total > 1_000_000 and total / packed > MAX_RATIO):
        raise DataError([problem(display, 0, "", f"workbook unpacks to {total / 1e6:.0f} MB in {len(members)} parts (allowed: a plain data workbook under {MAX_UNCOMPRESSED // 1_000_000} MB)")])


def read_first_sheet(path: Path, display: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first sheet as text cells, keeping each row's number as its line."""
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # entity expansion must be refused by the parser
        raise DataError([problem(display, 0, "", "cannot read workbooks safely: install defusedxml (allowed: CSV files meanwhile)")])
    _check_archive(path, display)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            header: list[str] = []
            records: list[tuple[int, list[str]]] = []
            for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                cells = [_as_text(v) for v in row]
                if not header:
                    header = cells
                else:
                    records.append((number, cells))
            return header, records
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged or hostile file
        raise DataError([problem(display, 0, "", f"cannot read workbook: {_reason(exc)} (allowed: an Excel workbook saved as .xlsx, without DTDs or entities)")]) from None


def _reason(exc: BaseException) -> str:
    """The first line of the innermost cause: 'EntitiesForbidden' says more than openpyxl's wrapper."""
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_cell(cell, value) -> None:
    """Numbers stay numbers; every other text stays text, even '=SUM(...)' or '+1356'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        return
    text = "" if value is None else str(value)
    if NUMBER.match(text) and len(text) < 15:
        cell.value = float(text) if "." in text else int(text)
        return
    cell.value = text or None
    if text:
        cell.data_type = "s"  # never a formula, whatever it starts with
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell


class _Template:
    def __init__(self, path: Path):
        import openpyxl

        try:
            self.book = openpyxl.load_workbook(path)
        except Exception as exc:
            raise TemplateError([problem(str(path), 0, "", f"cannot open template: {exc} (allowed: an .xlsx workbook)")]) from None
        self.path = path
        self.sheet = self.book.worksheets[0]

    def find_row(self, name: str) -> int | None:
        for row in self.sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and PLACEHOLDER.match(cell.value) and PLACEHOLDER.match(cell.value).group(1) == name:
                    return cell.row
        return None

    def row_fields(self, row: int) -> list[tuple[int, str | None, object]]:
        out = []
        for cell in self.sheet[row]:
            match = PLACEHOLDER.match(cell.value) if isinstance(cell.value, str) else None
            out.append((cell.column, match.group(1) if match else None, cell))
        return out


def _fill_placeholders(sheet, values: dict, path: Path, skip_rows: set[int]) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.row in skip_rows or not isinstance(cell.value, str):
                continue
            match = PLACEHOLDER.match(cell.value)
            if match:
                name = match.group(1)
                if name not in values:
                    raise TemplateError([problem(str(path), cell.row, cell.coordinate, f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(values))})")])
                write_cell(cell, values[name])


def _save(book, title: str, author: str, as_at: str) -> bytes:
    when = dt.datetime.fromisoformat(as_at)
    props = book.properties
    props.title, props.creator, props.lastModifiedBy = title, author, author
    props.created = props.modified = when
    props.language = "en-GB"
    out = io.BytesIO()
    book.save(out)
    # openpyxl stamps 'modified' with the clock at save time; the as-at date replaces it.
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fix = {"docProps/core.xml": lambda xml: re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", xml)}
    return zipfile_.normalise(out.getvalue(), fix)


def submission(context: dict, template: Path) -> bytes:
    """The GOSE submission: theme heading rows and one row per indicator measure."""
    tpl = _Template(template)
    sheet = tpl.sheet
    heading_row, data_row = tpl.find_row("heading"), tpl.find_row("indicator")
    if heading_row is None or data_row is None:
        raise TemplateError([problem(str(template), 0, "", "needs a sample row with {{ heading }} and one with {{ indicator }} (allowed: see templates/README.md)")])
    heading_cells, data_cells = tpl.row_fields(heading_row), tpl.row_fields(data_row)
    first_free = min(heading_row, data_row)
    header_values = {"title": context["title"], "subtitle": context["subtitle"], "illustrative_note": context["illustrative_note"]}
    header_values.update({f"year{n}": year for n, year in enumerate(context["years"], start=1)})
    _fill_placeholders(sheet, header_values, template, {heading_row, data_row})
    heading_fields = [(c, n) for c, n, _ in heading_cells]
    data_fields = [(c, n) for c, n, _ in data_cells]
    # Styles must be captured before the sample rows are cleared.
    heading_styles = {c: _snapshot(cell) for c, _, cell in heading_cells}
    data_styles = {c: _snapshot(cell) for c, _, cell in data_cells}
    sheet.delete_rows(first_free, sheet.max_row - first_free + 1)
    row = first_free
    for group in context["groups"]:
        for column, name in heading_fields:
            cell = sheet.cell(row=row, column=column)
            _restyle(cell, heading_styles[column])
            write_cell(cell, group["heading"] if name == "heading" else None)
        row += 1
        for item in group["rows"]:
            values = _flatten(item)
            for column, name in data_fields:
                cell = sheet.cell(row=row, column=column)
                _restyle(cell, data_styles[column])
                if name is not None and name not in values:
                    raise TemplateError([problem(str(template), data_row, cell.coordinate, f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(values))})")])
                write_cell(cell, values.get(name) if name else None)
            row += 1
    sheet.print_area = f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}{row - 1}"
    return _save(tpl.book, context["title"], context["author"], context["as_at"])


def _flatten(item: dict) -> dict:
    values = {k: v for k, v in item.items() if not isinstance(v, list)}
    for n, target in enumerate(item.get("targets", []), start=1):
        values[f"year{n}"] = target
    return values


def _snapshot(cell):
    return {"font": copy.copy(cell.font), "fill": copy.copy(cell.fill), "border": copy.copy(cell.border), "alignment": copy.copy(cell.alignment), "number_format": cell.number_format}


def _restyle(cell, style: dict) -> None:
    cell.font, cell.fill, cell.border, cell.alignment = style["font"], style["fill"], style["border"], style["alignment"]
    cell.number_format = style["number_format"]
