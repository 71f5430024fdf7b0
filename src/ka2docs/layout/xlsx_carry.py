"""What staff put in a template around the sample rows, carried into the written sheet.

Rows below the samples (a footer note, a signature line) move down by as many rows as
were written in the samples' place, in the columns the grid layout moved them to.
Merges, conditional formats, data validations, hyperlinks, an auto-filter and page
breaks move with the rows they are on, and those on a sample row extend over every row
written from it. What cannot be carried is refused, naming the cell, never dropped.
"""

from __future__ import annotations

import posixpath
import re

from ..errors import TemplateError, problem
from .ooxml import column_number, letter
from .xlsx_cells import MAIN, cell_column

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
RANGE = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?$")
RELATIVE_REF = re.compile(r"(?<![A-Za-z_$\d])(\$?)[A-Z]{1,3}(\$?)\d+(?![\d(])")
QUOTED = re.compile(r'"[^"]*"')


class Carry:
    """Where each template row and column ends up once the rows are written."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.first, self.last = sheet.samples
        self.from_sample: dict[int, list[int]] = {}
        for n, sample in sorted(sheet.sources.items()):
            self.from_sample.setdefault(sample, []).append(n)
        self.end = max([self.first - 1, *sheet.written])  # the last written row
        self.shift = self.end - self.last
        self.columns = sheet.column_targets  # template column -> its columns now; absent: unmoved

    def refuse(self, ref: str, what: str) -> TemplateError:
        return TemplateError([problem(str(self.sheet.book.path), 0, f"{self.sheet.title}!{ref}", f"{what} is not supported (allowed: {ALLOWED})")])

    def row(self, n: int) -> int:
        return n if n < self.first else n + self.shift

    def column_span(self, c1: int, c2: int) -> tuple[int, int]:
        return min(self.columns.get(c1, [c1])), max(self.columns.get(c2, [c2]))

    def ranges(self, ref: str, per_row: bool) -> list[str] | None:
        """A range's places now: [] where its sample rows wrote nothing; None where it
        runs from the samples into other rows and `per_row` (a merge) cannot stretch."""
        match = RANGE.match(ref)
        if not match or not ref:
            raise self.refuse(ref, f"the range '{ref}'")
        c1, r1, c2, r2 = match.groups()
        if ":" not in ref:
            c2, r2 = c1, r1
        first_column, last_column = self.column_span(_number(c1, 1), _number(c2, 16384))
        cols = (letter(first_column) if c1 else "", letter(last_column) if c2 else "")
        if r1 is None or r2 is None:  # whole columns
            return [_ref(cols, None, None)]
        r1, r2 = int(r1), int(r2)
        if r2 < self.first or r1 > self.last:
            return [_ref(cols, self.row(r1), self.row(r2))]
        if r1 >= self.first and r2 <= self.last:  # on the sample rows: over every row written from them
            if per_row and r1 != r2:
                return None
            rows = sorted(n for sample in range(r1, r2 + 1) for n in self.from_sample.get(sample, []))
            return [_ref(cols, a, b) for a, b in _runs(rows)]
        if per_row:
            return None
        # From above the samples, or into the rows below: stretched as Excel does when rows are inserted.
        return [_ref(cols, r1 if r1 < self.first else self.first if r1 <= self.last else self.row(r1), self.row(r2) if r2 > self.last else self.end)]


ALLOWED = "rows below the sample rows of text, merges, conditional formats and validations; formulas and pictures above the sample rows"


def carry(sheet) -> object | None:
    """Move the rows below the samples and what lies on the sheet's rows; the first row
    kept below the samples (the written rows go before it), or None."""
    if sheet.samples is None:
        return None
    move = Carry(sheet)
    below = sorted(((n, row) for n, row in sheet.rows.items() if n > move.last), key=lambda item: item[0])
    for n, row in below:
        for cell in row.iterfind(f"{{{MAIN}}}c"):
            ref = cell.get("r") or f"?{n}"
            if cell.find(f"{{{MAIN}}}f") is not None:
                raise move.refuse(ref, "a formula below the sample rows")
            if ref[0] != "?":
                column = cell_column(ref)
                cell.set("r", f"{letter(move.column_span(column, column)[0])}{move.row(n)}")
        row.set("r", str(move.row(n)))
        row.attrib.pop("spans", None)
    root = sheet.root
    _merges(move, root)
    _sqref(move, root.iterfind(f"{{{MAIN}}}conditionalFormatting"), "a conditional format")
    _sqref(move, root.iterfind(f"{{{MAIN}}}dataValidations/{{{MAIN}}}dataValidation"), "a data validation")
    for hyperlink in root.iterfind(f"{{{MAIN}}}hyperlinks/{{{MAIN}}}hyperlink"):
        _move_one(move, hyperlink, "ref", "a hyperlink on a sample row")
    autofilter = root.find(f"{{{MAIN}}}autoFilter")
    if autofilter is not None:
        places = move.ranges(autofilter.get("ref"), per_row=False)
        if len(places) != 1:
            raise move.refuse(autofilter.get("ref"), "an auto-filter over the sample rows alone")
        autofilter.set("ref", places[0])
    for brk in root.iterfind(f"{{{MAIN}}}rowBreaks/{{{MAIN}}}brk"):
        n = int(brk.get("id"))
        if move.first <= n <= move.last:
            raise move.refuse(f"A{n}", "a page break on a sample row")
        brk.set("id", str(move.row(n)))
    if root.find(f".//{{{X14}}}conditionalFormattings") is not None or root.find(f".//{{{X14}}}dataValidations") is not None:
        raise move.refuse("A1", "a conditional format or validation saved as an Excel 2010 extension")
    _anchored(move, sheet)
    if sheet.last_row is not None and below:
        sheet.last_row = max(sheet.last_row, move.row(below[-1][0]))
    return below[0][1] if below else None


def _merges(move: Carry, root) -> None:
    merges = root.find(f"{{{MAIN}}}mergeCells")
    if merges is None:
        return
    for merge in list(merges):
        places = move.ranges(merge.get("ref"), per_row=True)
        if places is None:
            raise move.refuse(merge.get("ref").split(":")[0], f"a merge ({merge.get('ref')}) from a sample row into other rows")
        for place in places:
            copy = merge.makeelement(merge.tag, dict(merge.attrib, ref=place))
            merge.addprevious(copy)
        merges.remove(merge)
    merges.set("count", str(len(merges)))
    if not len(merges):
        root.remove(merges)  # the schema wants at least one <mergeCell>


def _sqref(move: Carry, elements, what: str) -> None:
    """Conditional formats and validations: each range moved, or extended over the rows written from its sample rows."""
    for element in list(elements):
        refs = element.get("sqref", "").split()
        places = [place for ref in refs for place in move.ranges(ref, per_row=False)]
        anchor = refs[0].split(":")[0] if refs else "A1"
        if places and places[0].split(":")[0] != anchor and _has_relative_reference(element):
            raise move.refuse(anchor, f"{what} whose formula points at cells on a row that moves")
        if places:
            element.set("sqref", " ".join(places))
        else:  # its sample rows wrote no rows
            parent = element.getparent()
            parent.remove(element)
            if parent.tag == f"{{{MAIN}}}dataValidations":
                parent.set("count", str(len(parent)))
                if not len(parent):
                    parent.getparent().remove(parent)


def _move_one(move: Carry, element, attribute: str, what: str) -> None:
    places = move.ranges(element.get(attribute), per_row=True)
    if places is None or len(places) != 1:
        raise move.refuse(element.get(attribute), what)
    element.set(attribute, places[0])


def _has_relative_reference(element) -> bool:
    formulas = [f.text or "" for f in element.iter(f"{{{MAIN}}}formula", f"{{{MAIN}}}formula1", f"{{{MAIN}}}formula2")]
    return any(not (a and b) for text in formulas for a, b in RELATIVE_REF.findall(QUOTED.sub("", text)))


def _anchored(move: Carry, sheet) -> None:
    """Pictures, charts and comments sit on rows a writer would have to move by hand: refused at or below the samples."""
    from lxml import etree

    rels_name = posixpath.join(posixpath.dirname(sheet.part), "_rels", posixpath.basename(sheet.part) + ".rels")
    if rels_name not in sheet.book.members:
        return
    rels = {r.get("Id"): r for r in etree.fromstring(sheet.book.members[rels_name])}
    for tag in ("drawing", "legacyDrawing"):
        for found in sheet.root.iterfind(f"{{{MAIN}}}{tag}"):
            rel = rels.get(found.get(f"{{{R}}}id"))
            if rel is None or tag == "legacyDrawing":
                continue
            part = posixpath.normpath(posixpath.join(posixpath.dirname(sheet.part), rel.get("Target")))
            drawing = etree.fromstring(sheet.book.members.get(part, b"<x/>"))
            for row in drawing.iterfind(f".//{{{XDR}}}from/{{{XDR}}}row"):
                if int(row.text) + 1 >= move.first:
                    raise move.refuse(f"A{int(row.text) + 1}", "a picture or chart at or below the sample rows")
    for rel in rels.values():
        if rel.get("Type", "").endswith("/comments"):
            part = posixpath.normpath(posixpath.join(posixpath.dirname(sheet.part), rel.get("Target")))
            comments = etree.fromstring(sheet.book.members.get(part, b"<x/>"))
            for comment in comments.iter(f"{{{MAIN}}}comment"):
                if int(RANGE.match(comment.get("ref")).group(2)) >= move.first:
                    raise move.refuse(comment.get("ref"), "a comment at or below the sample rows")
        if rel.get("Type", "").endswith("/table"):
            raise move.refuse("A1", "an Excel table on a template sheet")


def _number(letters: str | None, default: int) -> int:
    return column_number(letters) if letters else default


def _ref(columns: tuple[str, str], r1: int | None, r2: int | None) -> str:
    a = f"{columns[0]}{r1 if r1 is not None else ''}"
    b = f"{columns[1]}{r2 if r2 is not None else ''}"
    return a if a == b and columns[0] else f"{a}:{b}"


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[list[int]] = []
    for n in rows:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]
