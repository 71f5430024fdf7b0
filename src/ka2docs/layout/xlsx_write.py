"""Our workbooks' layouts, written into the template's XML (see xlsx_book): a grouped
table (the submission, the refresh schedule) and the sign-up matrix's grids and list.

Loading and saving whole workbooks through openpyxl for this was most of a build, so
the template's sheets are filled at the XML level, in the sample cells' own styles.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TemplateError, problem
from .xlsx_book import Sheet, Workbook

# --- the two kinds of workbook ------------------------------------------------------


def grouped_table(template: Path, header: dict, groups: list[dict], properties: dict) -> bytes:
    """Fill the {{ }} cells from `header`, then a heading row per group and a row per item,
    in the styles of the sample {{ heading }} row and the sample data ({{ indicator }}) row.

    groups: [{"heading": str, "rows": [{field: value}]}]; properties: title, author, as_at.
    """
    book = Workbook(template)
    sheet = book.sheets[0]
    heading_row, data_row = sheet.row_of("heading"), sheet.row_of("indicator")
    if heading_row is None or data_row is None:
        raise TemplateError([problem(str(template), 0, "", "needs a sample row with {{ heading }} and one with {{ indicator }} (allowed: a template like the shipped one)")])
    heading, data = sheet.cells[heading_row], sheet.cells[data_row]
    first = min(heading_row, data_row)
    sheet.fill(header, below=first, last=max(heading_row, data_row))
    n = first
    for group in groups:
        sheet.write(n, heading_row, [(c, style, group["heading"] if name == "heading" else None) for c, name, style, _ in heading], fit=True)
        n += 1
        for item in group["rows"]:
            sheet.write(n, data_row, [(c, style, sheet.field(item, name, data_row, c)) for c, name, style, _ in data], fit=True)
            n += 1
    sheet.print_area(max(n - 1, first))
    return book.save(properties)


def matrix(template: Path, context: dict, properties: dict) -> bytes:
    """The sign-up matrix: the partners x indicators grid, the gaps in words, the districts' grid."""
    book = Workbook(template)
    if len(book.sheets) < 3:
        raise TemplateError([problem(str(template), 0, "", f"has {len(book.sheets)} sheets (allowed: three sheets: sign-ups grid, gaps list, districts grid)")])
    _grid(book.sheets[0], context["signups"])
    _listing(book.sheets[1], context["gaps"])
    if context["districts"] is None:  # an area without district councils has no districts' sheet
        book.drop_last_sheet()
    else:
        _grid(book.sheets[2], context["districts"])
    return book.save(properties)


def _grid(sheet: Sheet, grid: dict) -> None:
    """Repeat the sample indicator column once per indicator and the sample rows once per row.

    Highlighted cells (gaps) take the fill and font of the {{ gap_sample }} cell, keeping
    their own borders and alignment, so staff choose the colour in Excel.
    """
    book = sheet.book
    found = sheet.placeholders()
    missing = [name for name in ("ni", "indicator_title", "cell") if name not in found]
    if missing:
        raise TemplateError([problem(str(book.path), 0, sheet.title, f"sheet needs {{{{ {name} }}}} (allowed: see scripts/make_xlsx_templates.py)") for name in missing])
    head1, head2, data = found["ni"][0], found["indicator_title"][0], found["cell"][0]
    sample_col = found["ni"][1]
    footer = found["footer_label"][0] if "footer_label" in found else None
    legend = found["legend"][0] if "legend" in found else None
    gap = found.get("gap_sample")
    samples = {r for r in (head1, head2, data, footer, legend, gap[0] if gap else None) if r}
    first = min(samples)
    sheet.fill(grid["header"], below=first, last=max(samples))
    last = sheet.max_column
    cells = {r: {c: (name, style, text) for c, name, style, text in sheet.cells.get(r, [])} for r in samples}
    columns = grid["columns"]
    n = len(columns)

    def targets(c: int) -> list[tuple[int, int | None]]:
        """Template column -> (new column, indicator index or None)."""
        if c < sample_col:
            return [(c, None)]
        if c == sample_col:
            return [(sample_col + k, k) for k in range(n)]
        return [(c + n - 1, None)]

    sheet.repeat_columns({new: c for c in range(1, last + 1) for new, _ in targets(c)})

    def put(row: int, sample: int, item: dict, by_column: bool, fit: bool = False) -> None:
        """One row from a sample row: {{ field }} cells from item['fields'], the indicator cells from item['cells'].

        Shaded: a row's own cells when the row is a gap (a partner), or, in header and
        footer rows, the cells of the indicators that are gaps.
        """
        out = []
        for c in range(1, last + 1):
            name, style, text = cells[sample].get(c, (None, None, None))
            for new, k in targets(c):
                if k is not None:
                    value = item["cells"][k]
                elif name is not None:
                    value = sheet.field(item["fields"], name, sample, c)
                else:
                    value = text or None
                shaded = columns[k]["gap"] if by_column and k is not None else bool(item.get("gap") and k is None and name)
                out.append((new, book.styles.highlighted(style, gap[2]) if gap and shaded else style, value))
        sheet.write(row, sample, out, fit=fit)

    put(head1, head1, {"fields": grid["header"], "cells": [c["ni"] for c in columns]}, True)
    put(head2, head2, {"fields": grid["header"], "cells": [c["title"] for c in columns]}, True)
    row = data
    for item in grid["rows"]:
        put(row, data, item, False, fit=True)
        row += 1
    for item in grid["footer"] if footer else []:
        put(row, footer, item, True, fit=True)
        row += 1
    if legend and grid["legend"]:
        row += 1
        style = cells[legend].get(1, (None, None, None))[1]
        for line in grid["legend"]:
            sheet.write(row, legend, [(1, book.styles.highlighted(style, gap[2]) if gap and line["gap"] else style, line["text"])], attributes=False)
            row += 1
    sheet.print_area(max(row - 1, first), max(last + n - 1, sample_col))


def _listing(sheet: Sheet, listing: dict) -> None:
    """A header and one row per item, in the sample row's styles."""
    header = listing["header"]
    sample = next((row for name, (row, _, _) in sheet.placeholders().items() if name not in header), None)
    if sample is None:
        raise TemplateError([problem(str(sheet.book.path), 0, sheet.title, "sheet needs a sample row of {{ field }} cells (allowed: see scripts/make_xlsx_templates.py)")])
    cells = sheet.cells[sample]
    sheet.fill(header, below=sample, last=sample)
    row = sample
    for item in listing["rows"]:
        sheet.write(row, sample, [(c, style, sheet.field(item, name, sample, c)) for c, name, style, _ in cells], fit=True)
        row += 1
    sheet.print_area(max(row - 1, sample - 1))
