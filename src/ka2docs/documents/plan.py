"""The list of documents a build writes, from the document kinds in the order they print.

One document id = one template name = one output name, so any figure in any document
can be traced from its file name to its template and to the context its kind builds.
Each kind's module answers `documents(now)`: the documents it has as at that position.
"""

from __future__ import annotations

import datetime as dt

from ..history import position
from ..model import DataSet
from . import action_plans, bulletins, monitoring_report, monitoring_returns, refresh, reports, signup_matrix, submission
from .document import Document

KINDS = (submission, signup_matrix, reports, action_plans, bulletins, refresh, monitoring_returns, monitoring_report)


def plan(data: DataSet, as_at: dt.date) -> list[Document]:
    """Every document due as at the date, in a stable order."""
    now = position(data, as_at)
    return [document for kind in KINDS for document in kind.documents(now)]


def preload() -> None:
    """Import what rendering any document needs, here and now (a worker does as it starts)."""
    from ..layout import docx, eml, html, xlsx

    for layout in (docx, html, xlsx, eml):
        layout.preload()
