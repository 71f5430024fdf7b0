"""Excel: sheet names, frozen and complete header rows, merged cells, contrast."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..layout.ooxml import PR, A, R, S, column_number, find_part, letter, read_xml
from .common import hex_colour, low_contrast, properties, quote


def check(path: Path, language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        found += properties(find_part(archive, "docProps/core.xml"), language)
        book = read_xml(archive, "xl/workbook.xml")
        rels = read_xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PR}Relationship")}
        strings = _shared_strings(archive) if "xl/sharedStrings.xml" in names else []
        colours = _CellColours(archive, names)
        for sheet in book.iter(f"{S}sheet"):
            if sheet.get("state") in ("hidden", "veryHidden"):
                continue
            target = targets.get(sheet.get(f"{R}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            found += _sheet(sheet.get("name", ""), read_xml(archive, member), strings, colours)
    return found


def _shared_strings(archive) -> list[str]:
    root = read_xml(archive, "xl/sharedStrings.xml")
    return ["".join(t.text or "" for t in si.iter(f"{S}t")) for si in root.iter(f"{S}si")]


class _CellColours:
    """A cell style's font colour and solid fill, as RRGGBB (theme colours resolved)."""

    def __init__(self, archive, names):
        self.fonts, self.fills, self.xfs, self.theme = [], [], [], []
        if "xl/theme/theme1.xml" in names:
            scheme = next(read_xml(archive, "xl/theme/theme1.xml").iter(f"{A}clrScheme"), None)
            if scheme is not None:
                for slot in scheme:
                    colour = next((c.get("lastClr") or c.get("val") for c in slot), None)
                    self.theme.append(hex_colour(colour))
                if len(self.theme) >= 4:  # Excel numbers lt1, dk1, lt2, dk2: the scheme lists dk first
                    self.theme[0], self.theme[1], self.theme[2], self.theme[3] = self.theme[1], self.theme[0], self.theme[3], self.theme[2]
        if "xl/styles.xml" not in names:
            return
        root = read_xml(archive, "xl/styles.xml")
        self.fonts = [self._colour(f.find(f"{S}color")) for f in root.iter(f"{S}font")]
        for fill in root.iter(f"{S}fill"):
            pattern = fill.find(f"{S}patternFill")
            solid = pattern is not None and pattern.get("patternType") == "solid"
            self.fills.append(self._colour(pattern.find(f"{S}fgColor")) if solid else None)
        xfs = root.find(f"{S}cellXfs")
        self.xfs = [(int(x.get("fontId", 0)), int(x.get("fillId", 0))) for x in (xfs if xfs is not None else [])]

    def _colour(self, element) -> str | None:
        if element is None or float(element.get("tint", 0) or 0):
            return None  # no colour, or a tinted one this check does not compute
        if element.get("rgb"):
            return hex_colour(element.get("rgb"))
        theme = element.get("theme")
        if theme is not None and theme.isdigit() and int(theme) < len(self.theme):
            return self.theme[int(theme)]
        return {"8": "000000", "9": "FFFFFF"}.get(element.get("indexed", ""))

    def of(self, style: int) -> tuple[str | None, str | None]:
        if style >= len(self.xfs):
            return None, None
        font, fill = self.xfs[style]
        return (self.fonts[font] if font < len(self.fonts) else None), (self.fills[fill] if fill < len(self.fills) else None)


def _cell_ref(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    return int(match.group(2)), column_number(match.group(1))


def _sheet(name: str, root, strings: list[str], colours: _CellColours) -> list[tuple[str, str]]:
    found = []
    label = f"sheet '{name}'"
    if not name.strip() or re.fullmatch(r"sheet\s*\d*", name.strip(), re.IGNORECASE):
        found.append(("sheet-name", f"{label}: default sheet name (allowed: a name saying what the sheet holds)"))
    cells: dict[tuple[int, int], str] = {}
    for cell in root.iter(f"{S}c"):
        value = _cell_value(cell, strings)
        row, column = _cell_ref(cell.get("r"))
        if value.strip():
            cells[(row, column)] = value
            font, fill = colours.of(int(cell.get("s", 0)))
            low = low_contrast(font, fill)
            if low:
                found.append(("contrast", f"{label} cell {cell.get('r')} {quote(value)}: {low}"))
    if not cells:
        return found
    pane = root.find(f"{S}sheetViews/{S}sheetView/{S}pane")
    frozen = pane is not None and pane.get("state") in ("frozen", "frozenSplit") and float(pane.get("ySplit", 0) or 0) >= 1
    if frozen:
        header = int(float(pane.get("ySplit")))
    else:
        found.append(("frozen-header", f"{label}: header row is not frozen (View > Freeze Panes)"))
        header = _likely_header(cells)
    data_columns = {c for r, c in cells if r > header}
    if data_columns:
        blank = [c for c in range(min(data_columns), max(data_columns) + 1) if not cells.get((header, c), "").strip()]
        if blank:
            found.append(("blank-header", f"{label} row {header}: blank header cell{'s' if len(blank) > 1 else ''} in column{'s' if len(blank) > 1 else ''} {', '.join(letter(c) for c in blank)}"))
    for merge in root.iter(f"{S}mergeCell"):
        last = merge.get("ref", "").partition(":")[2]
        if last and _cell_ref(last)[0] >= header:
            found.append(("merged-cells", f"{label} {merge.get('ref')}: merged cells in the data table (allowed: one value per cell, merges only above the header row)"))
    return found


def _likely_header(cells: dict) -> int:
    """Without frozen panes: the first of the top rows with the most filled cells (titles fill one)."""
    rows = sorted({r for r, _ in cells})[:10]
    counts = {r: sum(1 for (row, _) in cells if row == r) for r in rows}
    return next(r for r in rows if counts[r] == max(counts.values()))


def _cell_value(cell, strings: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{S}t"))
    value = cell.findtext(f"{S}v") or ""
    if kind == "s" and value.isdigit():
        return strings[int(value)] if int(value) < len(strings) else ""
    return value
