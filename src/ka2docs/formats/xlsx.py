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
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or hostile file
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
        except Exception as exc:  # noqa: BLE001 - a damaged workbook raises many kinds
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
    header = {"title": context["title"], "subtitle": context["subtitle"], "illustrative_note": context["illustrative_note"]}
    header.update({f"year{n}": year for n, year in enumerate(context["years"], start=1)})
    return _grouped_table(context, template, header, [{**g, "rows": [_flatten(r) for r in g["rows"]]} for g in context["groups"]])


def refresh_schedule(context: dict, template: Path) -> bytes:
    """The refresh schedule: a heading row per theme, one row per difference from the submission."""
    header = {k: context[k] for k in ("title", "subtitle", "illustrative_note", "old_heading", "new_heading")}
    return _grouped_table(context, template, header, context["groups"])


def _grouped_table(context: dict, template: Path, header: dict, groups: list[dict]) -> bytes:
    """Fill the template's {{ }} cells from `header`, then write each group as a heading
    row (in the sample {{ heading }} row's style) and its rows (in the sample data row's)."""
    tpl = _Template(template)
    sheet = tpl.sheet
    heading_row, data_row = tpl.find_row("heading"), tpl.find_row("indicator")
    if heading_row is None or data_row is None:
        raise TemplateError([problem(str(template), 0, "", "needs a sample row with {{ heading }} and one with {{ indicator }} (allowed: a template like the shipped one)")])
    heading_cells, data_cells = tpl.row_fields(heading_row), tpl.row_fields(data_row)
    first_free = min(heading_row, data_row)
    _fill_placeholders(sheet, header, template, {heading_row, data_row})
    # Styles must be captured before the sample rows are cleared.
    heading_styles = {c: _snapshot(cell) for c, _, cell in heading_cells}
    data_styles = {c: _snapshot(cell) for c, _, cell in data_cells}
    sheet.delete_rows(first_free, sheet.max_row - first_free + 1)
    row = first_free
    for group in groups:
        for column, name, _ in heading_cells:
            cell = sheet.cell(row=row, column=column)
            _restyle(cell, heading_styles[column])
            write_cell(cell, group["heading"] if name == "heading" else None)
        row += 1
        for item in group["rows"]:
            for column, name, _ in data_cells:
                cell = sheet.cell(row=row, column=column)
                _restyle(cell, data_styles[column])
                if name is not None and name not in item:
                    raise TemplateError([problem(str(template), data_row, cell.coordinate, f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(item))})")])
                write_cell(cell, item.get(name) if name else None)
            row += 1
    last = max(row - 1, first_free)
    _fit_rows(sheet, first_free, last)  # wrapped rows would overlap in LibreOffice and print
    sheet.print_area = f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}{last}"
    return _save(tpl.book, context["title"], context["author"], context["as_at"])


def _flatten(item: dict) -> dict:
    values = {k: v for k, v in item.items() if not isinstance(v, list)}
    for n, target in enumerate(item.get("targets", []), start=1):
        values[f"year{n}"] = target
    return values


def _snapshot(cell):
    # The workbook's own style objects, which openpyxl never changes in place: copying
    # them cost more than filling the rows. Assigning one gives the same id a copy would.
    cell.font  # noqa: B018 - gives a never-styled cell its style array, as reading any style does
    book, array = cell.parent.parent, cell._style
    return {
        "font": book._fonts[array.fontId], "fill": book._fills[array.fillId], "border": book._borders[array.borderId],
        "alignment": book._alignments[array.alignmentId], "number_format": cell.number_format,
    }


def _restyle(cell, style: dict) -> None:
    # openpyxl files each style object by comparing it with every one it holds, per cell;
    # the first cell of a workbook does that, the rest copy the ids it got (same result).
    book = cell.parent.parent
    known = style.get("_ids")
    if known is not None and known[0] is book:
        from openpyxl.styles.cell_style import StyleArray

        if cell._style is None:
            cell._style = StyleArray()  # what openpyxl does for a cell never styled
        array = cell._style
        _, array.fontId, array.fillId, array.borderId, array.alignmentId, array.numFmtId = known
        return
    cell.font, cell.fill, cell.border, cell.alignment = style["font"], style["fill"], style["border"], style["alignment"]
    cell.number_format = style["number_format"]
    array = cell._style
    style["_ids"] = (book, array.fontId, array.fillId, array.borderId, array.alignmentId, array.numFmtId)


# --- the sign-up matrix -----------------------------------------------------------


def matrix(context: dict, template: Path) -> bytes:
    """The sign-up matrix: the partners x indicators grid, the gaps in words, the districts' grid."""
    tpl = _Template(template)
    sheets = tpl.book.worksheets
    if len(sheets) < 3:
        raise TemplateError([problem(str(template), 0, "", f"has {len(sheets)} sheets (allowed: three sheets: sign-ups grid, gaps list, districts grid)")])
    _grid(sheets[0], context["signups"], template)
    _listing(sheets[1], context["gaps"], template)
    _grid(sheets[2], context["districts"], template)
    return _save(tpl.book, context["title"], context["author"], context["as_at"])


def _placeholders(sheet) -> dict:
    """Each {{ name }} in the sheet and the first cell holding it."""
    found: dict = {}
    for row in sheet.iter_rows():
        for cell in row:
            match = PLACEHOLDER.match(cell.value) if isinstance(cell.value, str) else None
            if match:
                found.setdefault(match.group(1), cell)
    return found


def _grid(sheet, grid: dict, path: Path) -> None:
    """Repeat the sample indicator column once per indicator and the sample rows once per row.

    Highlighted cells (gaps) take the fill and font of the {{ gap_sample }} cell, keeping
    their own borders and alignment, so staff choose the colour in Excel.
    """
    found = _placeholders(sheet)
    missing = [name for name in ("ni", "indicator_title", "cell") if name not in found]
    if missing:
        raise TemplateError([problem(str(path), 0, sheet.title, f"sheet needs {{{{ {name} }}}} (allowed: see scripts/make_xlsx_templates.py)") for name in missing])
    head1, head2, data = found["ni"].row, found["indicator_title"].row, found["cell"].row
    sample_col = found["ni"].column
    footer = found["footer_label"].row if "footer_label" in found else None
    legend = found["legend"].row if "legend" in found else None
    gap_cell = found.get("gap_sample")
    samples = {r for r in (head1, head2, data, footer, legend, gap_cell.row if gap_cell else None) if r}
    _fill_placeholders(sheet, grid["header"], path, samples)
    last = sheet.max_column
    styles = {(r, c): (_snapshot(sheet.cell(row=r, column=c)), sheet.cell(row=r, column=c).value) for r in samples for c in range(1, last + 1)}
    widths = {c: sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width for c in range(1, last + 1)}
    highlight = (copy.copy(gap_cell.fill), copy.copy(gap_cell.font)) if gap_cell else None
    first = min(samples)
    sheet.delete_rows(first, sheet.max_row - first + 1)
    columns = grid["columns"]
    n = len(columns)

    def targets(c: int) -> list[tuple[int, int | None]]:
        """Template column -> (new column, indicator index or None)."""
        if c < sample_col:
            return [(c, None)]
        if c == sample_col:
            return [(sample_col + k, k) for k in range(n)]
        return [(c + n - 1, None)]

    for c in range(1, last + 1):
        for new, _ in targets(c):
            sheet.column_dimensions[sheet.cell(row=1, column=new).column_letter].width = widths[c]

    def put(row: int, sample_row: int, item: dict, by_column: bool) -> None:
        """One row from a sample row: {{ field }} cells from item['fields'], the indicator cells from item['cells'].

        Shaded: a row's own cells when the row is a gap (a partner), or, in header and
        footer rows, the cells of the indicators that are gaps.
        """
        for c in range(1, last + 1):
            style, text = styles[(sample_row, c)]
            match = PLACEHOLDER.match(text) if isinstance(text, str) else None
            for new, k in targets(c):
                cell = sheet.cell(row=row, column=new)
                _restyle(cell, style)
                if k is not None:
                    value = item["cells"][k]
                elif match and match.group(1) not in item["fields"]:
                    raise TemplateError([problem(str(path), sample_row, sheet.title, f"unknown field {{{{ {match.group(1)} }}}} (allowed: {', '.join(sorted(item['fields']))})")])
                else:
                    value = item["fields"][match.group(1)] if match else text
                write_cell(cell, value)
                gap = columns[k]["gap"] if by_column and k is not None else bool(item.get("gap") and k is None and match)
                if highlight and gap:
                    cell.fill, cell.font = copy.copy(highlight[0]), copy.copy(highlight[1])

    put(head1, head1, {"fields": grid["header"], "cells": [c["ni"] for c in columns]}, True)
    put(head2, head2, {"fields": grid["header"], "cells": [c["title"] for c in columns]}, True)
    row = data
    for item in grid["rows"]:
        put(row, data, item, False)
        row += 1
    for item in grid["footer"] if footer else []:
        put(row, footer, item, True)
        row += 1
    _fit_rows(sheet, data, row - 1)
    if legend and grid["legend"]:
        row += 1
        style, _ = styles[(legend, 1)]
        for line in grid["legend"]:
            cell = sheet.cell(row=row, column=1)
            _restyle(cell, style)
            write_cell(cell, line["text"])
            if highlight and line["gap"]:
                cell.fill, cell.font = copy.copy(highlight[0]), copy.copy(highlight[1])
            row += 1
    width = max(last + n - 1, sample_col)
    sheet.print_area = f"A1:{sheet.cell(row=1, column=width).column_letter}{max(row - 1, first)}"


def _listing(sheet, listing: dict, path: Path) -> None:
    """A header and one row per item, in the sample row's styles."""
    found = _placeholders(sheet)
    header = listing["header"]
    sample = next((cell.row for name, cell in found.items() if name not in header), None)
    if sample is None:
        raise TemplateError([problem(str(path), 0, sheet.title, "sheet needs a sample row of {{ field }} cells (allowed: see scripts/make_xlsx_templates.py)")])
    _fill_placeholders(sheet, header, path, {sample})
    cells = [(cell.column, PLACEHOLDER.match(cell.value).group(1) if isinstance(cell.value, str) and PLACEHOLDER.match(cell.value) else None, _snapshot(cell)) for cell in sheet[sample]]
    sheet.delete_rows(sample, sheet.max_row - sample + 1)
    row = sample
    for item in listing["rows"]:
        for column, name, style in cells:
            cell = sheet.cell(row=row, column=column)
            _restyle(cell, style)
            if name is not None and name not in item:
                raise TemplateError([problem(str(path), sample, sheet.title, f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(item))})")])
            write_cell(cell, item.get(name) if name else None)
        row += 1
    _fit_rows(sheet, sample, row - 1)
    sheet.print_area = f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}{max(row - 1, sample - 1)}"


def _fit_rows(sheet, first: int, last: int) -> None:
    """Give rows with wrapped text their height: Excel and LibreOffice do not re-measure on opening."""
    import math

    widths = {}
    # One pass over the rows: sheet[row] would measure the whole sheet again for each row.
    for row, cells in zip(range(first, last + 1), sheet.iter_rows(min_row=first, max_row=last, max_col=sheet.max_column)):
        lines = 1
        for cell in cells:
            if not isinstance(cell.value, str):
                continue
            letter = cell.column_letter
            if letter not in widths:
                widths[letter] = sheet.column_dimensions[letter].width or 8.43
            per_line = max(1, int(widths[letter] * 1.1))
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in cell.value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row].height = 15 * lines


# --- what a template asks for (`ka2docs templates`) ---------------------------------


def template_fields(path: Path) -> set[str]:
    """The {{ name }} placeholder cells of every sheet; a cell with a malformed tag is a TemplateError."""
    tpl = _Template(path)
    names: set[str] = set()
    problems = []
    for sheet in tpl.book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or ("{{" not in cell.value and "}}" not in cell.value):
                    continue
                match = PLACEHOLDER.match(cell.value)
                if match:
                    names.add(match.group(1))
                else:
                    problems.append(problem(str(path), cell.row, f"{sheet.title}!{cell.coordinate}", f"malformed tag '{cell.value}' (allowed: a cell holding only {{{{ name }}}})"))
    if problems:
        raise TemplateError(problems)
    return names
