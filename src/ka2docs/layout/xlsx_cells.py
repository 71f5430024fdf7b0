"""Cells of our workbooks as XML, and the template's cell formats they use.

A value from data is text as someone wrote it. Text that is a number is written as a
number, so a total can be summed, but shown as it was written ('1.50' stays 1.50, '007'
stays 007) through a number format; text that starts like a formula stays text.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import TemplateError, problem
from .ooxml import column_number
from .xmltext import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = "xl/styles.xml"
NUMBER = re.compile(r"^-?(\d+)(?:\.(\d+))?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")
GENERAL_DIGITS = 11  # Excel's General format shows longer numbers rounded or in E notation
BUILT_IN_FORMATS = {"0": "1", "0.00": "2"}  # ECMA-376 Part 1, 18.8.30
FIRST_CUSTOM_FORMAT = 164
# The order the Open XML SDK's schema wants inside <font> (CT_Font); openpyxl writes name first.
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color", "name", "family", "charset", "scheme")


def cell_xml(ref: str, style: str | None, value, styles: Styles, literal: bool = False) -> str:
    """Numbers stay numbers, shown as written; every other text stays text, even '=SUM(...)' or '+1356'.

    literal: text stays text even where it reads as a number (a return's cells are read
    back and compared as written: '13.50' must not come back as 13.5)."""
    style_attr = f' s="{style}"' if style is not None else ""
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)  # a spreadsheet has no number for these
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{style_attr}><v>{value!r}</v></c>'
    text = "" if value is None else str(value)
    shape = NUMBER.match(text) if len(text) < 15 and not literal else None
    if shape and not (text.startswith("-") and float(text) == 0):  # no number shows '-0' with its minus
        number = float(text) if "." in text else int(text)
        plain = "." not in text and text[0] not in "0-" and len(text) <= GENERAL_DIGITS  # most numbers: General shows them as written
        written = None if plain else as_written(text, number, shape)
        if written is not None:
            style_attr = f' s="{styles.number_format(style, written)}"'
        return f'<c r="{ref}"{style_attr}><v>{number!r}</v></c>'
    if not text:
        return f'<c r="{ref}"{style_attr}/>'
    if text.startswith(FORMULA_START):  # and Excel keeps it text when someone edits the cell
        style_attr = f' s="{styles.quoted(style)}"'
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def as_written(text: str, number: float, shape: re.Match) -> str | None:
    """The number format that shows a number as its text was written; None where General does."""
    whole, decimals = shape.group(1), shape.group(2)
    if repr(number) == text and len(whole) + len(decimals or "") <= GENERAL_DIGITS:
        return None
    digits = "0" * len(whole) if whole.startswith("0") else "0"
    return digits + ("." + "0" * len(decimals) if decimals else "")


def element(xml: str):
    from lxml import etree

    return etree.fromstring(f'<c xmlns="{MAIN}"' + xml[2:])


def cell_column(ref: str) -> int:
    return column_number(CELL_REF.match(ref).group(1))


def in_schema_order(styles: bytes) -> bytes:
    """styles.xml with each <font>'s children in the order Excel's schema gives them."""
    from lxml import etree

    root = etree.fromstring(styles)
    rank = {f"{{{MAIN}}}{name}": n for n, name in enumerate(FONT_ORDER)}
    changed = False
    for font in root.iter(f"{{{MAIN}}}font"):
        children = list(font)
        ordered = sorted(children, key=lambda child: rank.get(child.tag, len(rank)))
        if ordered != children:
            font[:] = ordered
            changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else styles


class Styles:
    """The template's cell formats, plus the variants a written cell needs, added once each."""

    def __init__(self, xml: bytes, path: Path):
        self._xml, self._path, self._root, self._added = xml, path, None, {}

    @property
    def changed(self) -> bool:
        return bool(self._added)

    def quoted(self, style: str | None) -> str:
        """The style with Excel's quote prefix: typed-over text stays text."""
        return self._variant(("quoted", style or "0"), style or "0", {"quotePrefix": "1"})

    def highlighted(self, style: str | None, sample: str | None) -> str | None:
        """The style with the sample cell's fill and font, keeping its own borders and alignment."""
        source = self._format(sample or "0")
        return self._variant(("highlighted", style or "0", sample), style or "0", {"fillId": source.get("fillId", "0"), "fontId": source.get("fontId", "0"), "applyFill": "1", "applyFont": "1"})

    def unlocked(self, style: str | None) -> str:
        """The style with its cells left unlocked: the cells a protected sheet lets people type in."""
        from lxml import etree

        key = ("unlocked", style or "0")
        if key not in self._added:
            variant = self._format(self._variant(key, style or "0", {"applyProtection": "1"}))
            for old in variant.findall(f"{{{MAIN}}}protection"):
                variant.remove(old)
            protection = etree.Element(f"{{{MAIN}}}protection", locked="0")
            alignment = variant.find(f"{{{MAIN}}}alignment")  # CT_Xf: alignment, then protection
            if alignment is not None:
                alignment.addnext(protection)
            else:
                variant.insert(0, protection)
        return self._added[key]

    def number_format(self, style: str | None, code: str) -> str:
        """The style showing its number in the format `code` ('0.00', '000')."""
        key = ("number", style or "0", code)
        if key in self._added:
            return self._added[key]
        return self._variant(key, style or "0", {"numFmtId": self._format_id(code), "applyNumberFormat": "1"})

    def _format_id(self, code: str) -> str:
        from lxml import etree

        if code in BUILT_IN_FORMATS:
            return BUILT_IN_FORMATS[code]
        self._format("0")  # parses the styles
        formats = self._root.find(f"{{{MAIN}}}numFmts")
        if formats is None:
            formats = etree.Element(f"{{{MAIN}}}numFmts")
            self._root.insert(0, formats)  # numFmts comes first in a styleSheet
        taken = {int(f.get("numFmtId")): f.get("formatCode") for f in formats}
        found = next((n for n, c in taken.items() if c == code), None)
        if found is None:
            found = max([FIRST_CUSTOM_FORMAT - 1, *taken]) + 1
            etree.SubElement(formats, f"{{{MAIN}}}numFmt", numFmtId=str(found), formatCode=code)
            formats.set("count", str(len(formats)))
        return str(found)

    def _format(self, style: str):
        from lxml import etree

        if self._root is None:
            self._root = etree.fromstring(self._xml)
        formats = self._root.find(f"{{{MAIN}}}cellXfs")
        if formats is None or int(style) >= len(formats):
            raise TemplateError([problem(str(self._path), 0, STYLES, f"no cell format {style} (allowed: a workbook saved by Excel or LibreOffice)")])
        return formats[int(style)]

    def _variant(self, key: tuple, style: str, attributes: dict) -> str:
        from lxml import etree

        if key not in self._added:
            formats = self._format(style).getparent()
            variant = etree.fromstring(etree.tostring(self._format(style)))
            for name, value in attributes.items():
                variant.set(name, value)
            formats.append(variant)
            formats.set("count", str(len(formats)))
            self._added[key] = str(len(formats) - 1)
        return self._added[key]

    def xml(self) -> bytes:
        from lxml import etree

        return etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)
