"""A document a build writes: what it says (its context) and what lays it out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Document:
    """One output file. The id names the output, the template its house style; the layout
    is the function that turns the context and the template into the file's bytes."""

    id: str
    kind: str  # submission | matrix | committee-report | local-action-plan | bulletin | refresh-schedule
    template: str  # relative to the templates folder: FORMAT/NAME, e.g. docx/county-report.docx
    context: dict
    layout: Callable[[dict, Path], bytes]
    classification: str = "part1"
    file_format: str = ""  # when not the template's folder: an e-mail laid out from the HTML template
    uses: tuple[str, ...] = ()  # other templates the layout reads (the e-mail's attached submission)
    together: str = ""  # rendered with the documents of this id, in one process: they share what it made once

    @property
    def batch(self) -> str:
        """Documents of one batch go to one worker, in plan order: a bulletin's copies share its chart
        and the e-mail's attachment is its draft submission's bytes."""
        return self.together or self.id

    @property
    def format(self) -> str:
        """xlsx, docx, html or eml: the templates folder a template lives in says it, unless the document says."""
        return self.file_format or self.template.split("/", 1)[0]

    @property
    def templates(self) -> tuple[str, ...]:
        """Every template the file is made from: a change to any of them renders it again."""
        return (self.template, *self.uses)

    @property
    def path(self) -> str:
        folder = "restricted/" if self.classification == "part2" else ""
        return f"{folder}{self.id}.{self.format}"

    def render(self, templates: Path) -> bytes:
        return self.layout(self.context, Path(templates) / self.template)
