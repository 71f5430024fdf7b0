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

A file that cannot be opened at all fails as `readable`.

Files are read as the zip and XML they are (the standard library only), so the checks
see exactly what a reader's software sees and need no office library.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import DataError, problem
from .formats.xlsx_cells import column_number, letter

LANGUAGE = "en-GB"
MIN_CONTRAST = 4.5
RULES = (
    "heading-order", "table-header", "merged-cells", "image-alt", "doc-title", "doc-language", "contrast",
    "empty-paragraph-layout", "sheet-name", "frozen-header", "blank-header", "pdf-tagged", "pdf-title",
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DC = "{http://purl.org/dc/elements/1.1/}"


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
    checker = {".docx": _docx, ".xlsx": _xlsx, ".pdf": _pdf, ".html": _html, ".htm": _html}.get(path.suffix.lower())
    if checker is None:
        return []
    try:
        found = checker(path, language)
    except (OSError, KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as exc:  # ParseError is a SyntaxError
        return [Failure(name, "readable", f"cannot be read: {type(exc).__name__}: {exc}")]
    return [Failure(name, rule, where) for rule, where in found]


# --- XML helpers ----------------------------------------------------------------------


MAX_PART = 200 * 1024 * 1024  # an office file's XML part is megabytes; more is a zip bomb


def _xml(archive: zipfile.ZipFile, member: str):
    if archive.getinfo(member).file_size > MAX_PART:
        raise ValueError(f"{member} unpacks to more than {MAX_PART // 1024 // 1024} MB")
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # defusedxml is a dependency; the stdlib parser refuses entity bombs since expat 2.4
        from xml.etree.ElementTree import fromstring
    return fromstring(archive.read(member))


def _member(archive: zipfile.ZipFile, member: str):
    return _xml(archive, member) if member in archive.namelist() else None


def _on(element, attribute: str = f"{W}val") -> bool:
    """A Word on/off property: present means on unless its val says off."""
    return element is not None and element.get(attribute, "true") not in ("0", "false", "off")


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _quote(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= most else text[: most - 1] + "…") + '"'


# --- colour contrast (WCAG 2.2 relative luminance) -------------------------------------------

HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF", "red": "FF0000",
    "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080", "lightGray": "C0C0C0",
}


def luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two RRGGBB colours, 1.0 to 21.0."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _hex(value: str | None) -> str | None:
    """RRGGBB from a colour value; None for auto, theme-only or unreadable values."""
    if not value:
        return None
    value = value.strip().lstrip("#")
    if len(value) == 8:  # Excel's ARGB
        value = value[2:]
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return value.upper() if re.fullmatch(r"[0-9A-Fa-f]{6}", value) else None


def _low(foreground: str | None, background: str | None) -> str | None:
    if foreground is None:
        return None
    background = background or "FFFFFF"
    ratio = contrast(foreground, background)
    if ratio < MIN_CONTRAST:
        return f"text {foreground} on {background} is {ratio:.1f}:1 (allowed: at least {MIN_CONTRAST}:1)"
    return None


# --- Word -----------------------------------------------------------------------------


class _Styles:
    """styles.xml: what a paragraph or run inherits (basedOn chains), resolved on demand."""

    def __init__(self, root):
        self.by_id = {}
        self.default_para = None
        self.default_color = None
        self.default_lang = None
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            self.by_id[style.get(f"{W}styleId")] = style
            if style.get(f"{W}type") == "paragraph" and _on(style, f"{W}default"):
                self.default_para = style.get(f"{W}styleId")
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        if defaults is not None:
            self.default_color = _color(defaults)
            lang = defaults.find(f"{W}lang")
            self.default_lang = lang.get(f"{W}val") if lang is not None else None

    def chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None

    def first(self, style_id: str | None, path: str):
        for style in self.chain(style_id):
            found = style.find(path)
            if found is not None:
                return found
        return None

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id)
        found = style.find(f"{W}name") if style is not None else None
        return found.get(f"{W}val") if found is not None else (style_id or "")

    def heading_level(self, paragraph) -> int | None:
        """1-9 for a heading (outline level, direct or from the style), None for body text."""
        ppr = paragraph.find(f"{W}pPr")
        style_id = self.paragraph_style(paragraph)
        level = ppr.find(f"{W}outlineLvl") if ppr is not None else None
        if level is None:
            level = self.first(style_id, f"{W}pPr/{W}outlineLvl")
        if level is not None:
            value = int(level.get(f"{W}val", "9"))
            return value + 1 if value < 9 else None
        match = re.fullmatch(r"heading (\d)", self.name(style_id).lower())
        return int(match.group(1)) if match else None

    def paragraph_style(self, paragraph) -> str | None:
        found = paragraph.find(f"{W}pPr/{W}pStyle")
        return found.get(f"{W}val") if found is not None else self.default_para

    def run_color(self, run, paragraph, table_color: str | None) -> str | None:
        rpr = run.find(f"{W}rPr")
        for source in (rpr, *(s.find(f"{W}rPr") for s in self.chain(_val(rpr, "rStyle")))):
            found = _color(source)
            if found:
                return None if found == "auto" else found
        for style in self.chain(self.paragraph_style(paragraph)):
            found = _color(style.find(f"{W}rPr"))
            if found:
                return None if found == "auto" else found
        found = table_color or self.default_color
        return None if found in (None, "auto") else found

    def paragraph_fill(self, paragraph) -> str | None:
        found = _fill(paragraph.find(f"{W}pPr"))
        if found:
            return found
        for style in self.chain(self.paragraph_style(paragraph)):
            found = _fill(style.find(f"{W}pPr"))
            if found:
                return found
        return None


def _val(parent, tag: str) -> str | None:
    found = parent.find(f"{W}{tag}") if parent is not None else None
    return found.get(f"{W}val") if found is not None else None


def _color(rpr) -> str | None:
    """'auto', RRGGBB, or None when the run properties say nothing."""
    found = rpr.find(f"{W}color") if rpr is not None else None
    if found is None:
        return None
    value = found.get(f"{W}val", "auto")
    return "auto" if value == "auto" else _hex(value)


def _fill(properties) -> str | None:
    """The background a shading (w:shd) or highlight gives, or None."""
    if properties is None:
        return None
    highlight = properties.find(f"{W}highlight")
    if highlight is not None and highlight.get(f"{W}val") not in (None, "none"):
        return HIGHLIGHTS.get(highlight.get(f"{W}val"))
    shading = properties.find(f"{W}shd")
    if shading is not None and shading.get(f"{W}val") != "nil":
        return _hex(shading.get(f"{W}fill")) if shading.get(f"{W}fill") != "auto" else None
    return None


def _docx(path: Path, language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        document = _xml(archive, "word/document.xml")
        styles = _Styles(_member(archive, "word/styles.xml"))
        core = _member(archive, "docProps/core.xml")
        others = [(n, _xml(archive, n)) for n in archive.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
    found += _properties(core, language, styles.default_lang)
    body = document.find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    number = {id(p): n for n, p in enumerate(paragraphs, start=1)}
    found += _headings(paragraphs, styles, number)
    tables = list(body.iter(f"{W}tbl"))
    for n, table in enumerate(tables, start=1):
        found += _table(table, n, styles)
    page = document.find(f"{W}background")
    page_fill = _hex(page.get(f"{W}color")) if page is not None else None
    for part, root in [("", document), *((f" in {n.split('/')[-1]}", r) for n, r in others)]:
        found += _images(root, part)
        found += _contrast(root, styles, number, part, page_fill)
        found += _empty_runs(root, number, part)
    return found


def _properties(core, language: str, style_language: str | None = None) -> list[tuple[str, str]]:
    found = []
    title = core.findtext(f"{DC}title") if core is not None else None
    if not (title or "").strip():
        found.append(("doc-title", "no title in the document properties (File > Info > Title)"))
    stated = (core.findtext(f"{DC}language") if core is not None else None) or ""
    if style_language and style_language.lower() != language.lower():
        found.append(("doc-language", f"default text language is '{style_language}' (allowed: {language})"))
    elif language.lower() not in (stated.lower(), (style_language or "").lower()):
        found.append(("doc-language", f"language is '{stated or 'not set'}' (allowed: {language} in the properties or the default text language)"))
    return found


def _headings(paragraphs, styles: _Styles, number: dict) -> list[tuple[str, str]]:
    found, previous = [], 0
    for paragraph in paragraphs:
        level = styles.heading_level(paragraph)
        if level is None:
            continue
        text = _text(paragraph)
        where = f"paragraph {number[id(paragraph)]} {_quote(text)}"
        if not text.strip():
            found.append(("heading-order", f"paragraph {number[id(paragraph)]}: empty Heading {level}"))
            continue
        if level > previous + 1:
            after = f"follows Heading {previous}" if previous else "is the first heading (allowed: Heading 1 first)"
            found.append(("heading-order", f"{where}: Heading {level} {after}" + (f" (allowed: Heading {previous + 1} or higher)" if previous else "")))
        previous = level
    return found


def _table(table, n: int, styles: _Styles) -> list[tuple[str, str]]:
    found = []
    rows = table.findall(f"{W}tr")
    if not rows:
        return found
    first = rows[0]
    label = f"table {n} (first row {_quote(' | '.join(_text(c) for c in first.findall(f'{W}tc')))})"
    if not _on(first.find(f"{W}trPr/{W}tblHeader")):
        found.append(("table-header", f"{label}: first row is not a header row repeated on each page (Table Properties > Row > Repeat as header row)"))
    merged = []
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row.findall(f"{W}tc"), start=1):
            tcpr = cell.find(f"{W}tcPr")
            span = int(_val(tcpr, "gridSpan") or 1)
            if span > 1 or (tcpr is not None and (tcpr.find(f"{W}vMerge") is not None or tcpr.find(f"{W}hMerge") is not None)):
                merged.append((r, c))
    if merged:
        r, c = merged[0]
        found.append(("merged-cells", f"{label}: {len(merged)} merged cell{'s' if len(merged) > 1 else ''} (first at row {r}, column {c}; allowed: one value per cell)"))
    return found


def _images(root, part: str) -> list[tuple[str, str]]:
    found = []
    for n, shape in enumerate(root.iter(f"{WP}docPr"), start=1):
        if any(e.tag.endswith("}decorative") and e.get("val") in ("1", "true") for e in shape.iter()):
            continue  # Word's 'Mark as decorative': screen readers skip it
        if not (shape.get("descr") or "").strip():
            found.append(("image-alt", f"image {n} '{shape.get('name', '')}'{part}: no alternative text (Edit Alt Text, or mark as decorative)"))
    return found


def _contrast(root, styles: _Styles, number: dict, part: str, page_fill: str | None) -> list[tuple[str, str]]:
    found = []
    table_styles = {}

    def walk(element, fill: str | None, table_color: str | None) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}tbl":
                style_id = _val(child.find(f"{W}tblPr"), "tblStyle")
                table_styles[id(child)] = style_id
                table_fill = _fill(child.find(f"{W}tblPr")) or _style_fill(styles, style_id, None) or fill
                for r, row in enumerate(child.findall(f"{W}tr")):
                    conditional = "firstRow" if r == 0 else None
                    row_fill = _style_fill(styles, style_id, conditional) or table_fill
                    row_color = _style_color(styles, style_id, conditional) or table_color
                    for cell in row.findall(f"{W}tc"):
                        walk(cell, _fill(cell.find(f"{W}tcPr")) or row_fill, row_color)
            elif tag == f"{W}p":
                paragraph_fill = styles.paragraph_fill(child) or fill
                for run in child.iter(f"{W}r"):
                    if not _text(run).strip():
                        continue
                    background = _fill(run.find(f"{W}rPr")) or paragraph_fill or page_fill
                    problem_text = _low(styles.run_color(run, child, table_color), background)
                    if problem_text:
                        where = f"paragraph {number[id(child)]}" if id(child) in number else "paragraph"
                        found.append(("contrast", f"{where}{part} {_quote(_text(child))}: {problem_text}"))
                        break  # one line per paragraph is enough to find it
            else:
                walk(child, fill, table_color)

    walk(root, None, None)
    return found


def _style_fill(styles: _Styles, style_id: str | None, conditional: str | None) -> str | None:
    for style in styles.chain(style_id):
        if conditional:
            for part in style.findall(f"{W}tblStylePr"):
                if part.get(f"{W}type") == conditional:
                    found = _fill(part.find(f"{W}tcPr"))
                    if found:
                        return found
        else:
            found = _fill(style.find(f"{W}tcPr")) or _fill(style.find(f"{W}tblPr"))
            if found:
                return found
    return None


def _style_color(styles: _Styles, style_id: str | None, conditional: str | None) -> str | None:
    for style in styles.chain(style_id):
        parts = [p for p in style.findall(f"{W}tblStylePr") if p.get(f"{W}type") == conditional] if conditional else []
        for source in (*(p.find(f"{W}rPr") for p in parts), style.find(f"{W}rPr")):
            found = _color(source)
            if found:
                return found
    return None


def _empty(paragraph) -> bool:
    """Nothing a reader would meet: no text, picture, page break or section break."""
    if _text(paragraph).strip():
        return False
    if paragraph.find(f"{W}pPr/{W}sectPr") is not None:
        return False
    for element in paragraph.iter():
        tag = element.tag
        if tag in (f"{W}drawing", f"{W}pict", f"{W}object", f"{W}fldChar", f"{W}instrText", f"{W}fldSimple"):
            return False
        if tag == f"{W}br" and element.get(f"{W}type") in ("page", "column"):
            return False
    return True


def _empty_runs(root, number: dict, part: str) -> list[tuple[str, str]]:
    found = []
    for container in root.iter():
        run: list = []
        for child in [*list(container), None]:
            if child is not None and child.tag == f"{W}p" and _empty(child):
                run.append(child)
                continue
            if len(run) >= 2:
                first, last = number.get(id(run[0])), number.get(id(run[-1]))
                where = f"paragraphs {first}-{last}" if first else "paragraphs"
                found.append(("empty-paragraph-layout", f"{where}{part}: {len(run)} empty paragraphs in a row (allowed: spacing before/after or a page break)"))
            run = []
    return found


# --- Excel ------------------------------------------------------------------------------


def _xlsx(path: Path, language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        found += _properties(_member(archive, "docProps/core.xml"), language)
        book = _xml(archive, "xl/workbook.xml")
        rels = _xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PR}Relationship")}
        strings = _shared_strings(archive) if "xl/sharedStrings.xml" in names else []
        colours = _CellColours(archive, names)
        for sheet in book.iter(f"{S}sheet"):
            if sheet.get("state") in ("hidden", "veryHidden"):
                continue
            target = targets.get(sheet.get(f"{R}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            found += _sheet(sheet.get("name", ""), _xml(archive, member), strings, colours)
    return found


def _shared_strings(archive) -> list[str]:
    root = _xml(archive, "xl/sharedStrings.xml")
    return ["".join(t.text or "" for t in si.iter(f"{S}t")) for si in root.iter(f"{S}si")]


class _CellColours:
    """A cell style's font colour and solid fill, as RRGGBB (theme colours resolved)."""

    def __init__(self, archive, names):
        self.fonts, self.fills, self.xfs, self.theme = [], [], [], []
        if "xl/theme/theme1.xml" in names:
            scheme = next(_xml(archive, "xl/theme/theme1.xml").iter(f"{A}clrScheme"), None)
            if scheme is not None:
                for slot in scheme:
                    colour = next((c.get("lastClr") or c.get("val") for c in slot), None)
                    self.theme.append(_hex(colour))
                if len(self.theme) >= 4:  # Excel numbers lt1, dk1, lt2, dk2: the scheme lists dk first
                    self.theme[0], self.theme[1], self.theme[2], self.theme[3] = self.theme[1], self.theme[0], self.theme[3], self.theme[2]
        if "xl/styles.xml" not in names:
            return
        root = _xml(archive, "xl/styles.xml")
        self.fonts = [self._colour(f.find(f"{S}color")) for f in root.iter(f"{S}font")]
        for fill in root.iter(f"{S}fill"):
            pattern = fill.find(f"{S}patternFill")
            solid = pattern is not None and pattern.get("patternType") == "solid"
            self.fills.append(self._colour(pattern.find(f"{S}fgColor")) if solid else None)
        xfs = root.find(f"{S}cellXfs")
        self.xfs = [(int(x.get("fontId", 0)), int(x.get("fillId", 0))) for x in (xfs if xfs is not None else [])]

    def _colour(self, element) -> str | None:
        if element is None or float(element.get("tint", 0) or 0):
            return None  # no colour, or a tinted one this check does not compute
        if element.get("rgb"):
            return _hex(element.get("rgb"))
        theme = element.get("theme")
        if theme is not None and theme.isdigit() and int(theme) < len(self.theme):
            return self.theme[int(theme)]
        return {"8": "000000", "9": "FFFFFF"}.get(element.get("indexed", ""))

    def of(self, style: int) -> tuple[str | None, str | None]:
        if style >= len(self.xfs):
            return None, None
        font, fill = self.xfs[style]
        return (self.fonts[font] if font < len(self.fonts) else None), (self.fills[fill] if fill < len(self.fills) else None)


def _cell_ref(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    return int(match.group(2)), column_number(match.group(1))


def _sheet(name: str, root, strings: list[str], colours: _CellColours) -> list[tuple[str, str]]:
    found = []
    label = f"sheet '{name}'"
    if not name.strip() or re.fullmatch(r"sheet\s*\d*", name.strip(), re.IGNORECASE):
        found.append(("sheet-name", f"{label}: default sheet name (allowed: a name saying what the sheet holds)"))
    cells: dict[tuple[int, int], str] = {}
    for cell in root.iter(f"{S}c"):
        value = _cell_value(cell, strings)
        row, column = _cell_ref(cell.get("r"))
        if value.strip():
            cells[(row, column)] = value
            font, fill = colours.of(int(cell.get("s", 0)))
            low = _low(font, fill)
            if low:
                found.append(("contrast", f"{label} cell {cell.get('r')} {_quote(value)}: {low}"))
    if not cells:
        return found
    pane = root.find(f"{S}sheetViews/{S}sheetView/{S}pane")
    frozen = pane is not None and pane.get("state") in ("frozen", "frozenSplit") and float(pane.get("ySplit", 0) or 0) >= 1
    if frozen:
        header = int(float(pane.get("ySplit")))
    else:
        found.append(("frozen-header", f"{label}: header row is not frozen (View > Freeze Panes)"))
        header = _likely_header(cells)
    data_columns = {c for r, c in cells if r > header}
    if data_columns:
        blank = [c for c in range(min(data_columns), max(data_columns) + 1) if not cells.get((header, c), "").strip()]
        if blank:
            found.append(("blank-header", f"{label} row {header}: blank header cell{'s' if len(blank) > 1 else ''} in column{'s' if len(blank) > 1 else ''} {', '.join(letter(c) for c in blank)}"))
    for merge in root.iter(f"{S}mergeCell"):
        last = merge.get("ref", "").partition(":")[2]
        if last and _cell_ref(last)[0] >= header:
            found.append(("merged-cells", f"{label} {merge.get('ref')}: merged cells in the data table (allowed: one value per cell, merges only above the header row)"))
    return found


def _likely_header(cells: dict) -> int:
    """Without frozen panes: the first of the top rows with the most filled cells (titles fill one)."""
    rows = sorted({r for r, _ in cells})[:10]
    counts = {r: sum(1 for (row, _) in cells if row == r) for r in rows}
    return next(r for r in rows if counts[r] == max(counts.values()))


def _cell_value(cell, strings: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{S}t"))
    value = cell.findtext(f"{S}v") or ""
    if kind == "s" and value.isdigit():
        return strings[int(value)] if int(value) < len(strings) else ""
    return value


# --- PDF --------------------------------------------------------------------------------


def _pdf(path: Path, language: str) -> list[tuple[str, str]]:
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


# --- HTML (the bulletin as e-mail) -------------------------------------------------------


class _Page(HTMLParser):
    """Headings, tables, images, title, language and inline colours of one HTML page."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.language = ""
        self.title = ""
        self.stack: list[list] = []  # [tag, colour, background, contrast already reported]
        self.level = 0
        self.heading: tuple[int, str] | None = None
        self.tables: list[dict] = []
        self.table_count = 0
        self.images = 0
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        colour, background = _inline_colours(attrs.get("style") or "")
        parent = self.stack[-1] if self.stack else ["", None, None, False]
        if tag not in self.VOID:
            self.stack.append([tag, colour or parent[1], background or parent[2], False])
        if tag == "html":
            self.language = attrs.get("lang") or ""
        elif tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.heading = (int(tag[1]), "")
        elif tag == "table":
            self.table_count += 1
            self.tables.append({"n": self.table_count, "rows": 0, "first": [], "merged": 0})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"] += 1
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            if table["rows"] == 1:
                table["first"].append(tag)
            if int(attrs.get("colspan") or 1) > 1 or int(attrs.get("rowspan") or 1) > 1:
                table["merged"] += 1
        elif tag == "img":
            self.images += 1
            if not (attrs.get("alt") or "").strip() and attrs.get("role") != "presentation":
                self.found.append(("image-alt", f"image {self.images} '{attrs.get('src', '')[:40]}': no alt text"))

    def handle_endtag(self, tag):
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                break
        if tag == "title":
            self.in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self.heading:
            level, text = self.heading
            if level > self.level + 1:
                after = f"follows h{self.level}" if self.level else "is the first heading (allowed: h1 first)"
                self.found.append(("heading-order", f"h{level} {_quote(text)} {after}"))
            self.level, self.heading = level, None
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            label = f"table {table['n']}"
            if table["rows"] and (not table["first"] or any(t != "th" for t in table["first"])):
                self.found.append(("table-header", f"{label}: first row is not a header row (allowed: <th> cells)"))
            if table["merged"]:
                self.found.append(("merged-cells", f"{label}: {table['merged']} merged cells (colspan/rowspan; allowed: one value per cell)"))

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.heading:
            self.heading = (self.heading[0], self.heading[1] + data)
        if data.strip() and self.stack:
            element = self.stack[-1]
            low = _low(element[1], element[2])
            if low and not element[3]:
                element[3] = True  # one line per element is enough to find it
                self.found.append(("contrast", f"<{self.stack[-1][0]}> {_quote(data)}: {low}"))


def _inline_colours(style: str) -> tuple[str | None, str | None]:
    colour = re.search(r"(?:^|;)\s*color\s*:\s*(#[0-9A-Fa-f]{3,6})", style)
    background = re.search(r"(?:^|;)\s*background(?:-color)?\s*:\s*(#[0-9A-Fa-f]{3,6})", style)
    return (_hex(colour.group(1)) if colour else None), (_hex(background.group(1)) if background else None)


def _html(path: Path, language: str) -> list[tuple[str, str]]:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    found = list(page.found)
    if not page.title.strip():
        found.insert(0, ("doc-title", "no <title>"))
    if page.language.lower() != language.lower():
        found.insert(0, ("doc-language", f"<html lang> is '{page.language or 'not set'}' (allowed: {language})"))
    return found
