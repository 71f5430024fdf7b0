"""A workbook sheet's cells read from its XML with the standard library (no openpyxl).

Only what a completed return needs: shared and inline strings, numbers, booleans, and
dates (numbers in a date format, as Excel stores them). Parsed without entities.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from pathlib import Path

from .ooxml import PR, R, S, column_number, find_part, read_xml

DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}  # Excel's built-in date and time formats
EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk folded in)
REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


class TooLarge(Exception):
    """A cell beyond the rows and columns a return has."""


class NoSheet(Exception):
    """The workbook has no sheet of that name."""


def cells(path: Path, sheet: str, max_rows: int, max_columns: int) -> dict[tuple[int, int], object]:
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet)
        strings = _strings(archive)
        dates = _date_styles(archive)
        out: dict[tuple[int, int], object] = {}
        for cell in read_xml(archive, part).iter(f"{S}c"):
            match = REF.match(cell.get("r", ""))
            if not match:
                continue
            row, column = int(match.group(2)), column_number(match.group(1))
            value = _value(cell, strings, dates)
            if value is None or value == "":
                continue
            if row > max_rows or column > max_columns:
                raise TooLarge
            out[(row, column)] = value
        return out


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    book = read_xml(archive, "xl/workbook.xml")
    rels = {r.get("Id"): r.get("Target", "") for r in read_xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{PR}Relationship")}
    for entry in book.iter(f"{S}sheet"):
        if entry.get("name") == sheet:
            target = rels.get(entry.get(f"{R}id"), "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise NoSheet


def _strings(archive: zipfile.ZipFile) -> list[str]:
    root = find_part(archive, "xl/sharedStrings.xml")
    if root is None:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{S}t")) for si in root.iter(f"{S}si")]


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The cell style numbers whose number format shows a date."""
    root = find_part(archive, "xl/styles.xml")
    if root is None:
        return set()
    custom = {int(f.get("numFmtId", 0)) for f in root.iter(f"{S}numFmt") if _is_date_code(f.get("formatCode", ""))}
    xfs = root.find(f"{S}cellXfs")
    found = set()
    for n, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", 0))
        if number in DATE_FORMATS or number in custom:
            found.add(n)
    return found


def _is_date_code(code: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.lower())
    return bool(re.search(r"[dy]", plain)) or bool(re.search(r"m.*[dy]|[dy].*m", plain))


def _value(cell, strings: list[str], dates: set[int]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{S}t"))
    raw = cell.findtext(f"{S}v")
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    number = float(raw)
    if int(cell.get("s", 0) or 0) in dates:
        return EPOCH + dt.timedelta(days=number)
    return int(number) if number.is_integer() else number
