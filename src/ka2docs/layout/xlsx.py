"""Excel workbooks: data workbooks read through openpyxl (the only module that imports
it), and the entry points for writing ours (see xlsx_write, which fills the template's
XML directly).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import DataError, TemplateError, problem

# A data table is a few hundred rows of a dozen columns; these leave room for the largest area.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000


def _check_archive(path: Path, display: str) -> None:
    from .archive import check_archive

    check_archive(path, display, DataError, ".xlsx workbook")


def read_first_sheet(path: Path, display: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first sheet as text cells, keeping each row's number as its line.

    A sheet's size is checked before its cells are read: a 5 kB workbook with one cell at
    XFD1048576 would otherwise be read as 17 billion empty cells.
    """
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # entity expansion must be refused by the parser
        raise DataError([problem(display, 0, "", "cannot read workbooks safely: install defusedxml (allowed: CSV files meanwhile)")])
    _check_archive(path, display)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return _read_sheet(book, display)
        finally:
            book.close()
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or hostile file
        raise DataError([problem(display, 0, "", f"cannot read workbook: {_reason(exc)} (allowed: an Excel workbook saved as .xlsx, without DTDs or entities)")]) from None


def _read_sheet(book, display: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not book.worksheets:
        raise DataError([problem(display, 0, "", "the workbook has no worksheet (allowed: the table on the first sheet)")])
    sheet = book.worksheets[0]
    if sheet.sheet_state != "visible":  # what the user sees first is not what we would read
        raise DataError([problem(display, 0, "", f"the first sheet '{sheet.title}' is hidden (allowed: the table on the first sheet, visible; unhide it or move it after the table's sheet)")])
    rows, columns = sheet.max_row, sheet.max_column  # from the sheet's own <dimension>, when it has one
    if (rows or 0) > MAX_ROWS or (columns or 0) > MAX_COLUMNS:
        raise _too_big(display, f"its used range is {sheet.calculate_dimension()}")
    header: list[str] = []
    records: list[tuple[int, list[str]]] = []
    cells = 0
    # The stated dimension can be wrong (or absent), and openpyxl would silently drop cells
    # outside it: read every row as written, refusing at the first cell past the limits
    # (an empty row costs next to nothing; a row is as wide as its last cell).
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row.count(None) == len(row):
            continue
        end = len(row)
        while row[end - 1] is None:  # Excel pads rows to the sheet's width
            end -= 1
        if number > MAX_ROWS or end > MAX_COLUMNS:
            raise _too_big(display, f"it has a cell in row {number}, column {end}")
        cells += end
        if cells > MAX_CELLS:
            raise _too_big(display, f"it has more than {MAX_CELLS:,} cells")
        texts = [_as_text(v) for v in row[:end]]
        if number == 1:
            header = texts
        else:
            records.append((number, texts))
    return header, records


def _too_big(display: str, what: str) -> DataError:
    return DataError([problem(display, 0, "", f"the first sheet is too large: {what} (allowed: at most {MAX_ROWS:,} rows, {MAX_COLUMNS} columns and {MAX_CELLS:,} cells; delete the empty rows and columns past the table)")])


def read_cells(path: Path, display: str, sheet: str, max_rows: int, max_columns: int) -> dict[tuple[int, int], object]:
    """One named sheet's non-empty cells by (row, column): text, numbers, booleans, and dates
    where the cell's number format is a date (a completed monitoring return). A sheet with a
    cell beyond max_rows x max_columns is refused. Read with the standard library's XML
    parser (entities refused), so `validate` needs no workbook library."""
    from . import returns_read

    _check_archive(path, display)
    try:
        return returns_read.cells(path, sheet, max_rows, max_columns)
    except returns_read.TooLarge:
        raise DataError([problem(display, 0, sheet, f"has cells beyond row {max_rows} or column {max_columns} (allowed: the return's own rows and columns)")]) from None
    except returns_read.NoSheet:
        raise DataError([problem(display, 0, "", f"has no sheet named '{sheet}' (allowed: the return workbook as sent, with its {sheet} sheet)")]) from None
    except Exception as exc:  # noqa: BLE001 - a damaged or hostile file raises many kinds
        raise DataError([problem(display, 0, "", f"cannot read workbook: {_reason(exc)} (allowed: the return workbook as sent, saved as .xlsx)")]) from None


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


def preload() -> None:
    """The libraries a render uses, imported ahead (see documents.preload)."""
    import lxml.etree  # noqa: F401


_SUBMISSIONS: dict[str, bytes] = {}  # a bulletin's draft submission: its own file, and the e-mail's attachment


def submission(context: dict, template: Path) -> bytes:
    """The GOSE submission: theme heading rows and one row per indicator measure."""
    import json

    from .once import remembered

    stat = template.stat()
    key = json.dumps([str(template), stat.st_mtime_ns, stat.st_size, context], sort_keys=True, default=str)
    return remembered(_SUBMISSIONS, key, lambda: _submission(context, template))


def _submission(context: dict, template: Path) -> bytes:
    from .xlsx_write import grouped_table

    header = {"title": context["title"], "subtitle": context["subtitle"], "illustrative_note": context["illustrative_note"]}
    header.update({f"year{n}": year for n, year in enumerate(context["years"], start=1)})
    groups = [{**g, "rows": [_flatten(r) for r in g["rows"]]} for g in context["groups"]]
    return grouped_table(template, header, groups, _properties(context))


def refresh_schedule(context: dict, template: Path) -> bytes:
    """The refresh schedule: a heading row per theme, one row per difference from the submission."""
    from .xlsx_write import grouped_table

    header = {k: context[k] for k in ("title", "subtitle", "illustrative_note", "old_heading", "new_heading")}
    # The Source column names a source by number: the list of titles follows the lines, as in the Word copy.
    sources = [{"heading": "SOURCES", "rows": [{**dict.fromkeys(("change", "old", "new", "date", "reason", "source"), ""), "indicator": title} for title in context["sources"]]}] if context.get("sources") else []
    return grouped_table(template, header, [*context["groups"], *sources], _properties(context))


def matrix(context: dict, template: Path) -> bytes:
    """The sign-up matrix: the partners x indicators grid, the gaps in words, the districts' grid."""
    from .xlsx_write import matrix as write_matrix

    return write_matrix(template, context, _properties(context))


def monitoring(context: dict, template: Path) -> bytes:
    """The consolidated monitoring workbook: a heading row per theme, a row per returned indicator measure."""
    from .xlsx_write import grouped_table

    header = {k: context[k] for k in ("title", "subtitle", "illustrative_note")}
    groups = [{"heading": g["heading"], "rows": g["rows"]} for g in context["groups"]]
    return grouped_table(template, header, groups, _properties(context))


def _properties(context: dict) -> dict:
    return {k: context[k] for k in ("title", "author", "as_at")}


def _flatten(item: dict) -> dict:
    values = {k: v for k, v in item.items() if not isinstance(v, list)}
    for n, target in enumerate(item.get("targets", []), start=1):
        values[f"year{n}"] = target
    return values


# --- what a template asks for (`ka2docs templates`) ---------------------------------


def template_fields(path: Path) -> set[str]:
    """The {{ name }} placeholder cells of every sheet, read as a build reads them; a cell
    with a malformed tag is a TemplateError."""
    from .ooxml import letter
    from .xlsx_book import Workbook

    names: set[str] = set()
    problems = []
    for sheet in Workbook(path).sheets:
        for row in sorted(sheet.cells):
            for column, name, _, text in sheet.cells[row]:
                if name:
                    names.add(name)
                elif "{{" in text or "}}" in text:
                    problems.append(problem(str(path), row, f"{sheet.title}!{letter(column)}{row}", f"malformed tag '{text}' (allowed: a cell holding only {{{{ name }}}})"))
    if problems:
        raise TemplateError(problems)
    return names
