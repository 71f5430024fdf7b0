"""A template workbook at the XML level: its parts, its sheets' cells, the rows written in.

Templates are real .xlsx files staff restyle in Excel. A sheet marks where things go
with {{ name }} cells: header cells above, and sample rows whose cells name the fields
they show. Only the sheets change: the header cells are filled, rows are written in the
sample cells' own style numbers, the rows staff put below the samples move down (see
xlsx_carry), and the rest of the template (styles, theme, column widths, freeze panes,
print titles and set-up) is kept as it is; the workbook part gains the print areas and
the styles part any style variants the rows need. What openpyxl would add is added too:
the print area, row heights for wrapped text, the document properties, and Excel's
quote prefix on text that starts like a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import TemplateError, problem
from . import xlsx_carry, zipfile_
from .once import per_file
from .ooxml import letter
from .xlsx_cells import MAIN, NUMBER, STYLES, Styles, cell_column, cell_xml, element, in_schema_order
from .xmltext import escape

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
PLACEHOLDER = re.compile(r"^\{\{\s*([\w.]+)\s*\}\}$")
MAX_COLUMN = 16384  # XFD, Excel's last column
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters



@dataclass(frozen=True)
class _Parts:
    """A template's parts, read once per process (the build fingerprints templates)."""

    members: tuple[tuple[str, bytes], ...]
    sheets: tuple[tuple[str, str], ...]  # (part name, tab name) in the workbook's order
    shared: tuple[str, ...]  # shared strings, where Excel keeps the placeholders' text


_PARTS: dict = {}


class Workbook:
    def __init__(self, path: Path):
        self.path = Path(path)
        parts = per_file(_PARTS, self.path, _parse)
        self.members = dict(parts.members)
        self.styles = Styles(self.members[STYLES], self.path)
        self.sheets = [Sheet(self, index, name, title, parts.shared) for index, (name, title) in enumerate(parts.sheets)]

    def drop_last_sheet(self) -> None:
        """Leave the template's last sheet out: its tab, print titles, relationship and part."""
        from lxml import etree

        sheet = self.sheets.pop()
        book = etree.fromstring(self.members["xl/workbook.xml"])
        entry = book.findall(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")[sheet.index]
        rel_id = entry.get(f"{{{REL}}}id")
        entry.getparent().remove(entry)
        names = book.find(f"{{{MAIN}}}definedNames")
        for name in names.findall(f"{{{MAIN}}}definedName") if names is not None else ():
            if name.get("localSheetId") == str(sheet.index):
                names.remove(name)
        if names is not None and not len(names):
            book.remove(names)
        for view in book.iterfind(f"{{{MAIN}}}bookViews/{{{MAIN}}}workbookView"):
            for attribute in ("activeTab", "firstSheet"):
                if int(view.get(attribute) or 0) >= sheet.index:
                    view.set(attribute, "0")
        self.members["xl/workbook.xml"] = etree.tostring(book, xml_declaration=True, encoding="UTF-8", standalone=True)
        rels = "xl/_rels/workbook.xml.rels"
        self.members[rels] = re.sub(rb'<Relationship [^>]*Id="' + re.escape(rel_id.encode()) + rb'"[^>]*/>', b"", self.members[rels])
        self.members["[Content_Types].xml"] = re.sub(rb'<Override [^>]*PartName="/' + re.escape(sheet.part.encode()) + rb'"[^>]*/>', b"", self.members["[Content_Types].xml"])
        folder, name = posixpath.split(sheet.part)
        for part in (sheet.part, f"{folder}/_rels/{name}.rels"):
            self.members.pop(part, None)

    def save(self, properties: dict) -> bytes:
        """The finished workbook, dated as at the data's date, zipped with fixed timestamps."""
        from lxml import etree

        book = etree.fromstring(self.members["xl/workbook.xml"])
        for sheet in self.sheets:
            self.members[sheet.part] = sheet.xml()
            if sheet.area:
                _set_print_area(book, sheet.index, sheet.title, sheet.area)
        self.members["xl/workbook.xml"] = etree.tostring(book, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.styles.changed:
            self.members[STYLES] = self.styles.xml()
        _set_properties(self.members, properties)
        return zipfile_.archive(list(self.members.items()))


class Sheet:
    """One sheet: its cells by row, what it holds in {{ }}, and the rows written into it."""

    def __init__(self, book: Workbook, index: int, part: str, title: str, shared: tuple[str, ...]):
        from lxml import etree

        self.book, self.index, self.part, self.title = book, index, part, title
        self.root = etree.fromstring(book.members[part])
        self.data = self.root.find(f"{{{MAIN}}}sheetData")  # None: a chart sheet, kept as it is
        self.rows: dict[int, object] = {}
        self.cells: dict[int, list] = {}  # (column, placeholder name or None, style number, text) for each cell of each row
        self.elements: dict[tuple[int, int], object] = {}
        n = 0
        for row in self.data.iterfind(f"{{{MAIN}}}row") if self.data is not None else ():
            n = int(row.get("r") or n + 1)  # r may be left out: the row after the one before
            self.rows[n], self.cells[n], column = row, [], 0
            for cell in row.iterfind(f"{{{MAIN}}}c"):
                column = cell_column(cell.get("r")) if cell.get("r") else column + 1
                self.cells[n].append(_cell(cell, column, shared))
                self.elements[(n, column)] = cell
        self.widths = {}
        for col in self.root.iterfind(f"{{{MAIN}}}cols/{{{MAIN}}}col"):
            for column in range(int(col.get("min")), int(col.get("max")) + 1):
                self.widths[column] = float(col.get("width") or DEFAULT_WIDTH)
        self.max_column = max([0, *(c for row in self.cells.values() for c, *_ in row)])
        self.written: dict[int, str] = {}
        self.sources: dict[int, int] = {}  # written row -> the sample row it was written from
        self.samples: tuple[int, int] | None = None  # the first and last sample rows, once filled
        self.column_targets: dict[int, list[int]] = {}  # template column -> its columns, where the grid moved them
        self.last_row: int | None = None  # of the print area
        self.last_column: int | None = None

    def row_of(self, name: str) -> int | None:
        return self.placeholders().get(name, (None,))[0]

    def placeholders(self) -> dict[str, tuple[int, int, str | None]]:
        """Each {{ name }} in the sheet and the first cell holding it: (row, column, style)."""
        found: dict = {}
        for n in sorted(self.cells):
            for column, name, style, _ in self.cells[n]:
                if name is not None:
                    found.setdefault(name, (n, column, style))
        return found

    def fill(self, values: dict, below: int, last: int | None = None) -> None:
        """Fill the {{ }} cells above row `below`; drop the sample rows, `below` to `last`;
        the rows after `last` move down below the written rows (see xlsx_carry)."""
        last = max([below, *self.rows]) if last is None else last
        self.samples = (below, last)
        for n, row in list(self.rows.items()):
            if n > last:
                continue
            if n >= below:
                self.data.remove(row)
                continue
            for column, name, style, _ in self.cells[n]:
                if name is not None:
                    value = self.field(values, name, n, column)
                    row.replace(self.elements[(n, column)], element(cell_xml(f"{letter(column)}{n}", style, value, self.book.styles)))

    def field(self, values: dict, name: str | None, row: int, column: int):
        """The value a {{ name }} cell shows; a cell without a placeholder shows nothing."""
        if name is None:
            return None
        if name not in values:
            raise TemplateError([problem(str(self.book.path), row, f"{self.title}!{letter(column)}{row}", f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(values))})")])
        return values[name]

    def write(self, n: int, sample: int, cells: list[tuple[int, str | None, object]], fit: bool = False, attributes: bool = True, literal: bool = False) -> None:
        """Row n: (column, style, value) cells, with the sample row's attributes (its height);
        `fit`: taller when its text wraps (Excel and LibreOffice do not re-measure on opening);
        `literal`: text stays text even where it reads as a number (see cell_xml)."""
        element = self.rows.get(sample)
        kept = {k: v for k, v in element.attrib.items() if k not in ("r", "spans") and "}" not in k} if attributes and element is not None else {}
        lines, parts, styles, widest = 1, [], self.book.styles, self.max_column
        for column, style, value in cells:
            if style is None and value is None:
                continue
            parts.append(cell_xml(f"{letter(column)}{n}", style, value, styles, literal))
            widest = max(widest, column)
            if fit and value and isinstance(value, str) and (literal or len(value) >= 15 or not NUMBER.match(value)):
                per_line = max(1, int(self.widths.get(column, DEFAULT_WIDTH) * 1.1))
                if len(value) > per_line or "\n" in value:  # else one line, as a row is
                    lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n")))
        self.max_column = widest
        if lines > 1:  # never lower than the sample row was made
            kept.update(ht=f"{max(15 * lines, float(kept.get('ht') or 0)):g}", customHeight="1")
        if n in self.written:
            raise TemplateError([problem(str(self.book.path), sample, self.title, f"row {n} would be written twice: sample rows share a row (allowed: each sample row on its own row, as in the shipped template)")])
        extra = "".join(f' {k}="{escape(v)}"' for k, v in kept.items())
        self.written[n] = f'<row r="{n}"{extra}>{"".join(parts)}</row>'
        self.sources[n] = sample

    def repeat_columns(self, sources: dict[int, int]) -> None:
        """Column n takes the width and format of template column sources[n] (the grid repeats
        its sample column); template columns past the last source move along with it."""
        import copy

        cols = self.root.find(f"{{{MAIN}}}cols")
        if cols is None:
            return
        last_source = max(sources.values())
        shift = max(sources) - last_source
        originals = list(cols)
        covering = {c: col for col in originals for c in range(int(col.get("min")), min(int(col.get("max")), last_source) + 1)}
        for col in originals:
            cols.remove(col)

        def add(col, first: int, last: int) -> None:
            new = copy.deepcopy(col)
            new.set("min", str(first))
            new.set("max", str(last))
            cols.append(new)

        for column in sorted(n for n, source in sources.items() if source in covering):
            add(covering[sources[column]], column, column)
        for col in originals:
            if int(col.get("max")) > last_source:
                add(col, max(int(col.get("min")), last_source + 1) + shift, min(int(col.get("max")) + shift, MAX_COLUMN))
        if not len(cols):
            self.root.remove(cols)  # the schema wants at least one <col>
        self.widths = {n: self.widths[source] for n, source in sources.items() if source in self.widths}
        for n, source in sorted(sources.items()):
            self.column_targets.setdefault(source, []).append(n)

    def print_area(self, last_row: int, last_column: int | None = None) -> None:
        self.last_row, self.last_column = last_row, last_column

    @property
    def area(self) -> str | None:
        """The print area: its columns, down to the last row written or carried."""
        if self.last_row is None:
            return None
        return f"$A$1:${letter(self.last_column or self.max_column)}${self.last_row}"

    def xml(self) -> bytes:
        from lxml import etree

        if self.data is None:
            return self.book.members[self.part]
        kept_below = xlsx_carry.carry(self)
        dimension = self.root.find(f"{{{MAIN}}}dimension")
        if dimension is not None and self.area:
            dimension.set("ref", self.area.replace("$", ""))
        marker = etree.Element(f"{{{MAIN}}}ka2docs-rows")  # where the written rows go, as text
        if kept_below is not None:
            kept_below.addprevious(marker)
        else:
            self.data.append(marker)
        xml = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.data.remove(marker)
        rows = "".join(self.written[n] for n in sorted(self.written))
        prefix = f"{self.root.prefix}:" if self.root.prefix else ""
        if prefix:  # a sheet written with a prefix for its namespace (<x:row>): ours follow suit
            rows = re.sub(r"<(/?)(row|c|v|is|t)([ >/])", rf"<\1{prefix}\2\3", rows)
        return xml.replace(f"<{prefix}ka2docs-rows/>".encode(), rows.encode("utf-8"), 1)


def _parse(path: Path) -> _Parts:
    import io
    import zipfile

    from lxml import etree

    from .intake import cleaned

    body = cleaned(path)  # personal properties and paths gone, limits checked (layout/intake.py)
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = tuple((info.filename, archive.read(info.filename)) for info in archive.infolist())
        parts = dict(members)
        book = etree.fromstring(parts["xl/workbook.xml"])
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts["xl/_rels/workbook.xml.rels"])}
        sheets = []
        for sheet in book.iterfind(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet"):
            target = rels[sheet.get(f"{{{REL}}}id")]
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            sheets.append((name, sheet.get("name")))
        missing = [name for name in (*(name for name, _ in sheets), STYLES) if name not in parts]
        if missing:
            raise KeyError(f"no part {missing[0]}")
        shared = ()
        if "xl/sharedStrings.xml" in parts:
            strings = etree.fromstring(parts["xl/sharedStrings.xml"])
            shared = tuple("".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t")) for si in strings.iterfind(f"{{{MAIN}}}si"))
    except Exception as exc:  # noqa: BLE001 - a damaged or non-Excel file raises many kinds
        raise TemplateError([problem(str(path), 0, "", f"cannot open template: {exc} (allowed: an .xlsx workbook)")]) from None
    # Excel keeps calcChain in step with its formulas; rows removed here would leave it stale, so it goes (as openpyxl does).
    if "xl/calcChain.xml" in parts:
        members = tuple((name, body) for name, body in members if name != "xl/calcChain.xml")
        drop = {"[Content_Types].xml": rb'<Override[^>]*PartName="/xl/calcChain.xml"[^>]*/>', "xl/_rels/workbook.xml.rels": rb'<Relationship[^>]*Target="[^"]*calcChain.xml"[^>]*/>'}
        members = tuple((name, re.sub(drop[name], b"", body) if name in drop else body) for name, body in members)
    members = tuple((name, in_schema_order(body) if name == STYLES else body) for name, body in members)
    return _Parts(members, tuple(sheets), shared)


def _cell(cell, column: int, shared: tuple[str, ...]) -> tuple[int, str | None, str | None, str]:
    text = _text(cell, shared)
    match = PLACEHOLDER.match(text)
    return column, match.group(1) if match else None, cell.get("s"), text


def _text(cell, shared: tuple[str, ...]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{MAIN}}}t"))
    value = cell.find(f"{{{MAIN}}}v")
    if value is None or value.text is None:
        return ""
    if kind == "s":
        index = int(value.text)
        return shared[index] if 0 <= index < len(shared) else ""
    return value.text if kind in ("str", None) else ""



def _set_print_area(book, index: int, title: str, cells: str) -> None:
    """A sheet's print area: its columns, down to the last written row."""
    from lxml import etree

    names = book.find(f"{{{MAIN}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{MAIN}}}definedNames")
        anchor = [book.find(f"{{{MAIN}}}{tag}") for tag in ("sheets", "functionGroups", "externalReferences")]
        [a for a in anchor if a is not None][-1].addnext(names)
    for name in names.findall(f"{{{MAIN}}}definedName"):
        if name.get("name") == "_xlnm.Print_Area" and name.get("localSheetId") == str(index):
            names.remove(name)
    area = etree.SubElement(names, f"{{{MAIN}}}definedName", name="_xlnm.Print_Area", localSheetId=str(index))
    area.text = "'" + title.replace("'", "''") + "'!" + cells


def _set_properties(members: dict, properties: dict) -> None:
    """docProps/core.xml from the data: title, author, the as-at date (never the clock)."""
    when = dt.datetime.fromisoformat(properties["as_at"]).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = escape(properties["author"])
    members["docProps/core.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(properties['title'])}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
        f'<dc:language>en-GB</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
    ).encode()
    if b"/docProps/core.xml" not in members["[Content_Types].xml"]:  # a template saved without properties: declare the part
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/docProps/core.xml" ContentType="{CORE_TYPE}"/></Types>'.encode())
    if b"docProps/core.xml" not in members["_rels/.rels"]:
        members["_rels/.rels"] = members["_rels/.rels"].replace(
            b"</Relationships>", f'<Relationship Id="rIdKa2docsCore" Type="{CORE_REL}" Target="docProps/core.xml"/></Relationships>'.encode())
