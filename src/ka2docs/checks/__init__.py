"""Accessibility checks on finished files: what a screen reader or a keyboard user meets.

The rules follow WCAG 2.2 AA as applied to documents (the public sector accessibility
regulations). Each has a short id that `ka2docs check` prints as `FILE: rule: where`:

    heading-order           Word heading styles in order: the first heading is level 1,
                            no level skipped on the way down (1 -> 3)
    table-header            every table's first row is a header row (Word: marked to repeat
                            on each page; HTML: <th> cells)
    merged-cells            no merged cells in a data table (workbooks: from the header row down)
    image-alt               every image has alternative text (or is marked decorative)
    doc-title               the document has a title in its properties
    doc-language            the document says its language (en-GB)
    contrast                text colour against its background at least 4.5:1 (WCAG formula)
    empty-paragraph-layout  no runs of 2+ empty paragraphs used for spacing
    sheet-name              every worksheet has a name saying what it holds (not 'Sheet1')
    frozen-header           every worksheet freezes its header row
    blank-header            no blank cell in a worksheet's header row over the data's columns
    pdf-tagged              the PDF is tagged (/StructTreeRoot, /MarkInfo /Marked true)
    pdf-title               the PDF has a title
    leak                    nothing links outside the file or names who edited its template:
                            outside links (file://, linked pictures), macros, comments, tracked
                            changes, custom or personal properties, a workbook's saved-in folder
    mail-parts              an e-mail has a plain-text and an HTML part, and every cid: picture
                            its HTML shows travels in the message (its HTML part meets the HTML rules)

A file that cannot be opened at all fails as `readable`.

Files are read as the zip and XML they are (the standard library only), so the checks
see exactly what a reader's software sees and need no office library.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, problem

LANGUAGE = "en-GB"
RULES = (
    "heading-order", "table-header", "merged-cells", "image-alt", "doc-title", "doc-language", "contrast",
    "empty-paragraph-layout", "sheet-name", "frozen-header", "blank-header", "pdf-tagged", "pdf-title", "mail-parts", "leak",
)


@dataclass(frozen=True, order=True)
class Failure:
    file: str
    rule: str
    where: str

    def __str__(self) -> str:
        return f"{self.file}: {self.rule}: {self.where}"


def check_output(out: Path, language: str = LANGUAGE) -> list[Failure]:
    """Check every document listed in OUT/manifest.json."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        paths = [d["path"] for d in manifest["documents"]]
    except OSError:
        raise DataError([problem(str(manifest_path), 0, "", "no manifest (allowed: a folder written by 'ka2docs build')")]) from None
    except (ValueError, KeyError, TypeError):
        raise DataError([problem(str(manifest_path), 0, "", "not a ka2docs manifest (allowed: the manifest.json a build writes)")]) from None
    failures: list[Failure] = []
    for path in paths:
        failures += check_file(out / path, path, language)
    return failures


def check_file(path: Path, name: str | None = None, language: str = LANGUAGE) -> list[Failure]:
    """Every rule that applies to the file's format; a file that cannot be read is a failure too."""
    path = Path(path)
    name = name or path.name
    from . import docx, eml, html, leaks, pdf, xlsx

    module = {".docx": docx, ".xlsx": xlsx, ".pdf": pdf, ".html": html, ".htm": html, ".eml": eml}.get(path.suffix.lower())
    if module is None:
        return []
    try:
        found = module.check(path, language)
        if module in (docx, xlsx, html):
            found = [*found, *leaks.check(path)]
    except (OSError, KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as exc:  # ParseError is a SyntaxError
        return [Failure(name, "readable", f"cannot be read: {type(exc).__name__}: {exc}")]
    return [Failure(name, rule, where) for rule, where in found]
