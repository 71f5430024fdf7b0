"""The same PDF for the same document: LibreOffice stamps each PDF with the clock and a
random ID; `reproducible` puts the document's own date and a hash of the content there."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

PDF_DATE = re.compile(rb"(\(D:)(\d{14})")
XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
PDF_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)")
CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
EPOCH = dt.date(1980, 1, 1)  # as for zip members: no trace of when we ran


def reproducible(body: bytes, day: dt.date | None) -> bytes:
    """Clock stamps -> the document's date; random ID -> a hash of the content.

    Every replacement keeps its length, so the cross-reference offsets stay right.
    """
    day = day or EPOCH
    stamp = day.strftime("%Y%m%d").encode() + b"000000"
    body = PDF_DATE.sub(lambda m: m.group(1) + stamp, body)
    body = XMP_DATE.sub(lambda m: m.group(1) + day.isoformat().encode() + b"T00:00:00", body)
    blank = PDF_ID.sub(lambda m: m.group(1) + b"0" * len(m.group(2)) + m.group(3) + b"0" * len(m.group(4)) + m.group(5), body)
    blank = CHECKSUM.sub(lambda m: m.group(1) + b"0" * len(m.group(2)), blank)
    digest = hashlib.sha256(blank).hexdigest().upper().encode()

    def fit(n: int) -> bytes:
        return (digest * (n // len(digest) + 1))[:n]

    body = PDF_ID.sub(lambda m: m.group(1) + fit(len(m.group(2))) + m.group(3) + fit(len(m.group(4))) + m.group(5), blank)
    return CHECKSUM.sub(lambda m: m.group(1) + fit(len(m.group(2))), body)


def document_date(path: Path) -> dt.date | None:
    """The date an Office file says it was created (ka2docs writes the as-at date there)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    match = re.search(rb"<dcterms:created[^>]*>(\d{4}-\d{2}-\d{2})", core)
    return dt.date.fromisoformat(match.group(1).decode()) if match else None
