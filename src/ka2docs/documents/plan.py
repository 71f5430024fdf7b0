"""The list of documents a build writes, from the document kinds in the order they print.

One document id = one template name = one output name, so any figure in any document
can be traced from its file name to its template and to the context its kind builds.
Each kind's module answers `documents(now)`: the documents it has as at that position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..history import position
from ..model import DataSet
from . import action_plans, bulletins, monitoring_report, monitoring_returns, refresh, reports, signup_matrix, submission
from .document import Document

KINDS = (submission, signup_matrix, reports, action_plans, bulletins, refresh, monitoring_returns, monitoring_report)  # as listed


# The kinds whose documents take longest to render (charts, long bodies) are planned
# first, so a build's workers start on them while the rest is planned, and no long
# render is left for the end, one worker busy and the others idle.
LONGEST_FIRST = (monitoring_report, bulletins, reports, action_plans, submission, signup_matrix, refresh, monitoring_returns)


def plan(data: DataSet, as_at: dt.date) -> list[Document]:
    """Every document due as at the date, in a stable order."""
    now = position(data, as_at)
    return [document for kind in KINDS for document in kind.documents(now)]


def plan_by_kind(data: DataSet, as_at: dt.date) -> Iterator[tuple[int, list[Document]]]:
    """(its place in KINDS, its documents) of each kind, planned one kind at a time, longest
    to render first; a kind that plans in batches (bulletins, one at a time) gives each batch."""
    now = position(data, as_at)
    for kind in LONGEST_FIRST:
        place = KINDS.index(kind)
        if hasattr(kind, "batches"):
            for batch in kind.batches(now):
                yield place, batch
        else:
            yield place, kind.documents(now)


def preload() -> None:
    """Import what rendering any document needs, here and now (a worker does as it starts)."""
    from ..layout import docx, eml, html, xlsx

    for layout in (docx, html, xlsx, eml):
        layout.preload()
