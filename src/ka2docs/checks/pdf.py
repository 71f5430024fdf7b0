"""PDF: tagged for screen readers, and titled."""

from __future__ import annotations

import re
import zlib
from pathlib import Path


def check(path: Path, language: str) -> list[tuple[str, str]]:
    body = path.read_bytes()
    if not body.startswith(b"%PDF"):
        raise ValueError("not a PDF file")
    text = body
    if not (b"/StructTreeRoot" in body and b"/Title" in body and b"/Lang" in body):
        text += b"\n".join(_streams(body))  # catalog or info may sit in compressed object streams
    found = []
    if not re.search(rb"/StructTreeRoot\s+\d+\s+\d+\s+R", text) or not re.search(rb"/MarkInfo\s*<<[^>]*/Marked\s+true", text):
        found.append(("pdf-tagged", "not a tagged PDF (no structure tree, or /MarkInfo not Marked true; export with 'Tagged PDF')"))
    if not _pdf_title(text):
        found.append(("pdf-title", "no document title (/Title in the document information)"))
    lang = re.search(rb"/Lang\s*\(([^)]*)\)", text)
    if not lang or lang.group(1).decode("latin-1").lower() != language.lower():
        found.append(("doc-language", f"language is '{lang.group(1).decode('latin-1') if lang else 'not set'}' (allowed: {language} as the PDF's /Lang)"))
    return found


def _streams(body: bytes):
    for match in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", body):
        start = match.end()
        end = body.find(b"endstream", start)
        try:
            yield zlib.decompressobj().decompress(body[start:end], 2_000_000)
        except zlib.error:
            continue


def _pdf_title(text: bytes) -> str:
    match = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", text)
    if match:
        raw = match.group(1)
        if raw.startswith(b"<"):
            data = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode())
            title = data[2:].decode("utf-16-be", "replace") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
        else:
            title = re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")
        if title.strip().strip("\x00"):
            return title
    xmp = re.search(rb"<dc:title>.*?<rdf:li[^>]*>([^<]+)</rdf:li>", text, re.DOTALL)
    return xmp.group(1).decode("utf-8", "replace").strip() if xmp else ""
