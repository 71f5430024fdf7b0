"""The GOSE submission workbook as at the build's date (and its Part 2 copy with restricted notes)."""

from __future__ import annotations

from ..history import Position
from ..layout import xlsx
from . import context
from .document import Document

KIND = "submission"
TEMPLATE = "xlsx/submission.xlsx"


def documents(now: Position) -> list[Document]:
    docs = [Document("submission", KIND, TEMPLATE, context.submission(now), xlsx.submission)]
    if has_restricted(now):
        docs.append(Document("submission", KIND, TEMPLATE, context.submission(now, part2=True), xlsx.submission, "part2"))
    return docs


def has_restricted(now: Position) -> bool:
    return any(i.status and i.status.restricted and i.status.commentary for i in now.indicators)
