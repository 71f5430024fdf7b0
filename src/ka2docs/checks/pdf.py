"""PDF: tagged for screen readers, titled, and in the document's language.

Read through pypdf, as a PDF reader would: the catalog found from the trailer, objects
inside compressed object streams, titles in any string encoding, the XMP title where
the document information has none.
"""

from __future__ import annotations

import logging
from pathlib import Path


def check(path: Path, language: str) -> list[tuple[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with open(path, "rb") as handle:
        if not handle.read(5).startswith(b"%PDF"):
            raise ValueError("not a PDF file")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about repaired files are not ours to print
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted")
        catalog = reader.trailer["/Root"].get_object()
        found = []
        tree = catalog.get("/StructTreeRoot")
        marked = (catalog.get("/MarkInfo") or {}).get("/Marked")
        if not (hasattr(tree, "keys") and getattr(marked, "value", marked) is True):
            found.append(("pdf-tagged", "not a tagged PDF (no structure tree, or /MarkInfo not Marked true; export with 'Tagged PDF')"))
        if not _title(reader):
            found.append(("pdf-title", "no document title (/Title in the document information)"))
        lang = str(catalog.get("/Lang") or "")
        if lang.lower() != language.lower():
            found.append(("doc-language", f"language is '{lang or 'not set'}' (allowed: {language} as the PDF's /Lang)"))
        return found
    except PdfReadError as exc:
        raise ValueError(f"damaged PDF: {exc}") from None


def _title(reader) -> str:
    info = reader.metadata
    title = str(info.title or "").strip().strip("\x00") if info else ""
    if title:
        return title
    try:
        xmp = reader.xmp_metadata
    except Exception:  # noqa: BLE001 - unreadable XMP is the same as none
        return ""
    titles = (xmp.dc_title or {}) if xmp else {}
    return next((t.strip() for t in titles.values() if t and t.strip()), "")
