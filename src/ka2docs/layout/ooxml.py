"""What every OOXML file shares: namespaces, reading a part safely, cell references.

The writers and the checks both speak OOXML; this is the one place that knows its
names, so a check reads a file the way any client would, never through our writer.
"""

from __future__ import annotations

import functools
import zipfile

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DC = "{http://purl.org/dc/elements/1.1/}"

MAX_PART = 200 * 1024 * 1024  # an office file's XML part is megabytes; more is a zip bomb


def read_xml(archive: zipfile.ZipFile, member: str):
    """One XML part of an office file, parsed without entity expansion."""
    if archive.getinfo(member).file_size > MAX_PART:
        raise ValueError(f"{member} unpacks to more than {MAX_PART // 1024 // 1024} MB")
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # defusedxml is a dependency; the stdlib parser refuses entity bombs since expat 2.4
        from xml.etree.ElementTree import fromstring
    return fromstring(archive.read(member))


def find_part(archive: zipfile.ZipFile, member: str):
    """The part parsed, or None where the file has no such part."""
    return read_xml(archive, member) if member in archive.namelist() else None


def is_on(element, attribute: str = f"{W}val") -> bool:
    """A Word on/off property: present means on unless its val says off."""
    return element is not None and element.get(attribute, "true") not in ("0", "false", "off")


def column_number(letters: str) -> int:
    """A column's number from its letters: A is 1, AA is 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


@functools.lru_cache(maxsize=4096)  # a workbook's writer asks for the same few columns on every row
def letter(column: int) -> str:
    """A column's letters from its number: 1 is A, 27 is AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
