"""Our workbooks, written straight into the template's XML.

Templates are real .xlsx files staff restyle in Excel. A template sheet marks where
things go with {{ name }} cells: header cells, and sample rows whose cells name the
fields they show. Loading and saving whole workbooks through openpyxl for that was most
of a build, so here only the sheets change: the header cells are filled, rows are written
in the sample cells' own style numbers, and the rest of the template (styles, theme,
column widths, freeze panes, print titles and set-up) is kept as it is; the workbook part
gains the print areas and the styles part any style variants the rows need.
What openpyxl would add is added too: the print area, row heights for wrapped text, the
document properties, and Excel's quote prefix on text that starts like a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import TemplateError, problem
from . import zipfile_
from .once import per_file
from .xmltext import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
STYLES = "xl/styles.xml"
PLACEHOLDER = re.compile(r"^\{\{\s*([\w.]+)\s*\}\}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
MAX_COLUMN = 16384  # XFD, Excel's last column
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters


# --- the two kinds of workbook ------------------------------------------------------


def grouped_table(template: Path, header: dict, groups: list[dict], properties: dict) -> bytes:
    """Fill the {{ }} cells from `header`, then a heading row per group and a row per item,
    in the styles of the sample {{ heading }} row and the sample data ({{ indicator }}) row.

    groups: [{"heading": str, "rows": [{field: value}]}]; properties: title, author, as_at.
    """
    book = Workbook(template)
    sheet = book.sheets[0]
    heading_row, data_row = sheet.row_of("heading"), sheet.row_of("indicator")
    if heading_row is None or data_row is None:
        raise TemplateError([problem(str(template), 0, "", "needs a sample row with {{ heading }} and one with {{ indicator }} (allowed: a template like the shipped one)")])
    heading, data = sheet.cells[heading_row], sheet.cells[data_row]
    first = min(heading_row, data_row)
    sheet.fill(header, below=first)
    n = first
    for group in groups:
        sheet.write(n, heading_row, [(c, style, group["heading"] if name == "heading" else None) for c, name, style, _ in heading], fit=True)
        n += 1
        for item in group["rows"]:
            sheet.write(n, data_row, [(c, style, sheet.field(item, name, data_row, c)) for c, name, style, _ in data], fit=True)
            n += 1
    sheet.print_area(max(n - 1, first))
    return book.save(properties)


def matrix(template: Path, context: dict, properties: dict) -> bytes:
    """The sign-up matrix: the partners x indicators grid, the gaps in words, the districts' grid."""
    book = Workbook(template)
    if len(book.sheets) < 3:
        raise TemplateError([problem(str(template), 0, "", f"has {len(book.sheets)} sheets (allowed: three sheets: sign-ups grid, gaps list, districts grid)")])
    _grid(book.sheets[0], context["signups"])
    _listing(book.sheets[1], context["gaps"])
    if context["districts"] is None:  # an area without district councils has no districts' sheet
        book.drop_last_sheet()
    else:
        _grid(book.sheets[2], context["districts"])
    return book.save(properties)


def _grid(sheet: Sheet, grid: dict) -> None:
    """Repeat the sample indicator column once per indicator and the sample rows once per row.

    Highlighted cells (gaps) take the fill and font of the {{ gap_sample }} cell, keeping
    their own borders and alignment, so staff choose the colour in Excel.
    """
    book = sheet.book
    found = sheet.placeholders()
    missing = [name for name in ("ni", "indicator_title", "cell") if name not in found]
    if missing:
        raise TemplateError([problem(str(book.path), 0, sheet.title, f"sheet needs {{{{ {name} }}}} (allowed: see scripts/make_xlsx_templates.py)") for name in missing])
    head1, head2, data = found["ni"][0], found["indicator_title"][0], found["cell"][0]
    sample_col = found["ni"][1]
    footer = found["footer_label"][0] if "footer_label" in found else None
    legend = found["legend"][0] if "legend" in found else None
    gap = found.get("gap_sample")
    samples = {r for r in (head1, head2, data, footer, legend, gap[0] if gap else None) if r}
    first = min(samples)
    sheet.fill(grid["header"], below=first)
    last = sheet.max_column
    cells = {r: {c: (name, style, text) for c, name, style, text in sheet.cells.get(r, [])} for r in samples}
    columns = grid["columns"]
    n = len(columns)

    def targets(c: int) -> list[tuple[int, int | None]]:
        """Template column -> (new column, indicator index or None)."""
        if c < sample_col:
            return [(c, None)]
        if c == sample_col:
            return [(sample_col + k, k) for k in range(n)]
        return [(c + n - 1, None)]

    sheet.repeat_columns({new: c for c in range(1, last + 1) for new, _ in targets(c)})

    def put(row: int, sample: int, item: dict, by_column: bool, fit: bool = False) -> None:
        """One row from a sample row: {{ field }} cells from item['fields'], the indicator cells from item['cells'].

        Shaded: a row's own cells when the row is a gap (a partner), or, in header and
        footer rows, the cells of the indicators that are gaps.
        """
        out = []
        for c in range(1, last + 1):
            name, style, text = cells[sample].get(c, (None, None, None))
            for new, k in targets(c):
                if k is not None:
                    value = item["cells"][k]
                elif name is not None:
                    value = sheet.field(item["fields"], name, sample, c)
                else:
                    value = text or None
                shaded = columns[k]["gap"] if by_column and k is not None else bool(item.get("gap") and k is None and name)
                out.append((new, book.styles.highlighted(style, gap[2]) if gap and shaded else style, value))
        sheet.write(row, sample, out, fit=fit)

    put(head1, head1, {"fields": grid["header"], "cells": [c["ni"] for c in columns]}, True)
    put(head2, head2, {"fields": grid["header"], "cells": [c["title"] for c in columns]}, True)
    row = data
    for item in grid["rows"]:
        put(row, data, item, False, fit=True)
        row += 1
    for item in grid["footer"] if footer else []:
        put(row, footer, item, True, fit=True)
        row += 1
    if legend and grid["legend"]:
        row += 1
        style = cells[legend].get(1, (None, None, None))[1]
        for line in grid["legend"]:
            sheet.write(row, legend, [(1, book.styles.highlighted(style, gap[2]) if gap and line["gap"] else style, line["text"])], attributes=False)
            row += 1
    sheet.print_area(max(row - 1, first), max(last + n - 1, sample_col))


def _listing(sheet: Sheet, listing: dict) -> None:
    """A header and one row per item, in the sample row's styles."""
    header = listing["header"]
    sample = next((row for name, (row, _, _) in sheet.placeholders().items() if name not in header), None)
    if sample is None:
        raise TemplateError([problem(str(sheet.book.path), 0, sheet.title, "sheet needs a sample row of {{ field }} cells (allowed: see scripts/make_xlsx_templates.py)")])
    cells = sheet.cells[sample]
    sheet.fill(header, below=sample)
    row = sample
    for item in listing["rows"]:
        sheet.write(row, sample, [(c, style, sheet.field(item, name, sample, c)) for c, name, style, _ in cells], fit=True)
        row += 1
    sheet.print_area(max(row - 1, sample - 1))


# --- a template workbook at the XML level -------------------------------------------------


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
        self.styles = _Styles(self.members[STYLES], self.path)
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
                column = _column(cell.get("r")) if cell.get("r") else column + 1
                self.cells[n].append(_cell(cell, column, shared))
                self.elements[(n, column)] = cell
        self.widths = {}
        for col in self.root.iterfind(f"{{{MAIN}}}cols/{{{MAIN}}}col"):
            for column in range(int(col.get("min")), int(col.get("max")) + 1):
                self.widths[column] = float(col.get("width") or DEFAULT_WIDTH)
        self.max_column = max([0, *(c for row in self.cells.values() for c, *_ in row)])
        self.written: dict[int, str] = {}
        self.area = None

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

    def fill(self, values: dict, below: int) -> None:
        """Fill the {{ }} cells above row `below`; drop every row from `below` on (the samples)."""
        for n, row in list(self.rows.items()):
            if n >= below:
                self.data.remove(row)
                continue
            for column, name, style, _ in self.cells[n]:
                if name is not None:
                    value = self.field(values, name, n, column)
                    row.replace(self.elements[(n, column)], _element(_cell_xml(f"{letter(column)}{n}", style, value, self.book.styles)))

    def field(self, values: dict, name: str | None, row: int, column: int):
        """The value a {{ name }} cell shows; a cell without a placeholder shows nothing."""
        if name is None:
            return None
        if name not in values:
            raise TemplateError([problem(str(self.book.path), row, f"{self.title}!{letter(column)}{row}", f"unknown field {{{{ {name} }}}} (allowed: {', '.join(sorted(values))})")])
        return values[name]

    def write(self, n: int, sample: int, cells: list[tuple[int, str | None, object]], fit: bool = False, attributes: bool = True) -> None:
        """Row n: (column, style, value) cells, with the sample row's attributes (its height);
        `fit`: taller when its text wraps (Excel and LibreOffice do not re-measure on opening)."""
        element = self.rows.get(sample)
        kept = {k: v for k, v in element.attrib.items() if k not in ("r", "spans") and "}" not in k} if attributes and element is not None else {}
        lines, parts = 1, []
        for column, style, value in cells:
            if style is None and value is None:
                continue
            parts.append(_cell_xml(f"{letter(column)}{n}", style, value, self.book.styles))
            self.max_column = max(self.max_column, column)
            if fit and isinstance(value, str) and value and not (NUMBER.match(value) and len(value) < 15):
                per_line = max(1, int(self.widths.get(column, DEFAULT_WIDTH) * 1.1))
                lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n")))
        if lines > 1:  # never lower than the sample row was made
            kept.update(ht=f"{max(15 * lines, float(kept.get('ht') or 0)):g}", customHeight="1")
        if n in self.written:
            raise TemplateError([problem(str(self.book.path), sample, self.title, f"row {n} would be written twice: sample rows share a row (allowed: each sample row on its own row, as in the shipped template)")])
        extra = "".join(f' {k}="{escape(v)}"' for k, v in kept.items())
        self.written[n] = f'<row r="{n}"{extra}>{"".join(parts)}</row>'

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

    def print_area(self, last_row: int, last_column: int | None = None) -> None:
        self.area = f"$A$1:${letter(last_column or self.max_column)}${last_row}"

    def xml(self) -> bytes:
        from lxml import etree

        if self.data is None:
            return self.book.members[self.part]
        dimension = self.root.find(f"{{{MAIN}}}dimension")
        if dimension is not None and self.area:
            dimension.set("ref", self.area.replace("$", ""))
        marker = etree.SubElement(self.data, f"{{{MAIN}}}ka2docs-rows")  # where the written rows go, as text
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

    body = cleaned(path)  # personal properties and paths gone, limits checked (formats/intake.py)
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


# --- cells ------------------------------------------------------------------------------


def _cell_xml(ref: str, style: str | None, value, styles: _Styles) -> str:
    """Numbers stay numbers; every other text stays text, even '=SUM(...)' or '+1356'."""
    style_attr = f' s="{style}"' if style is not None else ""
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)  # a spreadsheet has no number for these
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{style_attr}><v>{value!r}</v></c>'
    text = "" if value is None else str(value)
    if NUMBER.match(text) and len(text) < 15:
        return f'<c r="{ref}"{style_attr}><v>{float(text) if "." in text else int(text)!r}</v></c>'
    if not text:
        return f'<c r="{ref}"{style_attr}/>'
    if text.startswith(FORMULA_START):  # and Excel keeps it text when someone edits the cell
        style_attr = f' s="{styles.quoted(style)}"'
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _element(xml: str):
    from lxml import etree

    return etree.fromstring(f'<c xmlns="{MAIN}"' + xml[2:])


def _column(ref: str) -> int:
    return column_number(CELL_REF.match(ref).group(1))


def column_number(letters: str) -> int:
    """A column's number from its letters: A is 1, AA is 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def letter(column: int) -> str:
    """A column's letters from its number: 1 is A, 27 is AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Styles:
    """The template's cell formats, plus the variants a written cell needs, added once each."""

    def __init__(self, xml: bytes, path: Path):
        self._xml, self._path, self._root, self._added = xml, path, None, {}

    @property
    def changed(self) -> bool:
        return bool(self._added)

    def quoted(self, style: str | None) -> str:
        """The style with Excel's quote prefix: typed-over text stays text."""
        return self._variant(("quoted", style or "0"), style or "0", {"quotePrefix": "1"})

    def highlighted(self, style: str | None, sample: str | None) -> str | None:
        """The style with the sample cell's fill and font, keeping its own borders and alignment."""
        source = self._format(sample or "0")
        return self._variant(("highlighted", style or "0", sample), style or "0", {"fillId": source.get("fillId", "0"), "fontId": source.get("fontId", "0"), "applyFill": "1", "applyFont": "1"})

    def _format(self, style: str):
        from lxml import etree

        if self._root is None:
            self._root = etree.fromstring(self._xml)
        formats = self._root.find(f"{{{MAIN}}}cellXfs")
        if formats is None or int(style) >= len(formats):
            raise TemplateError([problem(str(self._path), 0, STYLES, f"no cell format {style} (allowed: a workbook saved by Excel or LibreOffice)")])
        return formats[int(style)]

    def _variant(self, key: tuple, style: str, attributes: dict) -> str:
        from lxml import etree

        if key not in self._added:
            formats = self._format(style).getparent()
            variant = etree.fromstring(etree.tostring(self._format(style)))
            for name, value in attributes.items():
                variant.set(name, value)
            formats.append(variant)
            formats.set("count", str(len(formats)))
            self._added[key] = str(len(formats) - 1)
        return self._added[key]

    def xml(self) -> bytes:
        from lxml import etree

        return etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- the workbook's print areas and properties ---------------------------------------------


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
