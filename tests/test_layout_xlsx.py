"""layout/xlsx_write.py: text that looks like a formula stays text when someone edits the cell."""

from __future__ import annotations

import openpyxl

FORMULA_LIKE = ("=", "+", "-", "@")


def test_formula_like_text_carries_the_quote_prefix(build_at):
    """Excel turns '=...' typed into a cell into a formula on the next edit (F2, Enter) unless the
    cell has the quote prefix: every such cell of every workbook has it."""
    out = build_at("2008-12-19")
    seen = 0
    for path in sorted(out.rglob("*.xlsx")):
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_LIKE):
                        seen += 1
                        assert cell.quotePrefix, (path.name, sheet.title, cell.coordinate, cell.value)
    assert seen, "the shipped data has commentary and targets starting '-' or '+'"
