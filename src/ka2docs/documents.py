"""The list of documents a build writes: id, kind, format, template, context, output path.

One document id = one template name = one output name, so any figure in any document
can be traced from its file name to its template and to the context built here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import context
from .history import Position, position
from .model import DataSet


@dataclass
class Document:
    id: str
    kind: str  # submission | matrix | committee-report | local-action-plan | bulletin | refresh-schedule
    format: str  # xlsx | docx | html
    template: str  # relative to the templates folder
    context: dict
    classification: str = "part1"

    @property
    def path(self) -> str:
        folder = "restricted/" if self.classification == "part2" else ""
        return f"{folder}{self.id}.{self.format}"


def plan(data: DataSet, as_at: dt.date) -> list[Document]:
    """Every document due as at the date, in a stable order."""
    # Imported here, not at the top: each of these imports Document from this module.
    from . import action_plans, bulletins, refresh, reports, signup_matrix

    now = position(data, as_at)
    return [
        *submissions(now),
        *signup_matrix.documents(now),
        *reports.documents(data, as_at),
        *action_plans.documents(now),
        *bulletins.documents(data, as_at),
        *refresh.documents(data, as_at),
    ]


def submissions(now: Position, prefix: str = "") -> list[Document]:
    docs = [Document(f"{prefix}submission", "submission", "xlsx", "xlsx/submission.xlsx", context.submission(now))]
    if has_restricted(now):
        docs.append(Document(f"{prefix}submission", "submission", "xlsx", "xlsx/submission.xlsx", context.submission(now, part2=True), "part2"))
    return docs


def has_restricted(now: Position) -> bool:
    return any(i.status and i.status.restricted and i.status.commentary for i in now.indicators)


def preload() -> None:
    """Import what rendering any document needs, here and now (a worker does as it starts)."""
    from .formats import docx, html, xlsx

    for renderer in (docx, html, xlsx):
        renderer.preload()


def render(document: Document, templates: Path) -> bytes:
    """The finished file's bytes; each format's library is imported only here, on demand."""
    template = templates / document.template
    if document.format == "xlsx":
        from .formats import xlsx

        return getattr(xlsx, document.kind.replace("-", "_"))(document.context, template)
    if document.format == "docx":
        from .formats import docx

        return docx.render(document.context, template)
    if document.format == "html":
        from .formats import html

        return html.render(document.context, template)
    raise ValueError(f"no renderer for {document.kind} {document.format}")
