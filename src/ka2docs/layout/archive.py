"""Limits on a zip archive a user supplies (a data workbook, a Word or Excel template),
checked from its directory before any member is inflated."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import DataError, problem

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a workbook or template is kilobytes to a few MB; a zip bomb is gigabytes
MAX_RATIO = 200  # text XML deflates about 10 to 1; a bomb a thousand to one
MAX_MEMBERS = 500


def check_archive(source: Path | bytes, display: str, error: type[DataError], what: str, unreadable: str = "") -> list[zipfile.ZipInfo]:
    """The archive's members; `error` (naming `display`) when it is not a zip (saying
    `unreadable`, when given) or would unpack too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        allowed = "an Excel workbook saved as .xlsx, or a CSV file" if what == ".xlsx workbook" else f"a {what} saved by Word, Excel or LibreOffice"
        raise error([problem(display, 0, "", unreadable or f"is not a valid {what} (allowed: {allowed})")]) from None
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or (total > 1_000_000 and total / packed > MAX_RATIO):
        raise error([problem(display, 0, "", f"{what} unpacks to {total / 1e6:.0f} MB in {len(members)} parts (allowed: at most {MAX_UNCOMPRESSED // 1_000_000} MB, {MAX_MEMBERS} parts, packed at most {MAX_RATIO} to 1)")])
    return members
