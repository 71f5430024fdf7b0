"""Word: headings, tables, images, properties, contrast and spacing paragraphs."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..layout.ooxml import WP, W, find_part, is_on, read_xml
from .common import HIGHLIGHTS, hex_colour, low_contrast, properties, quote, text_of


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
            if style.get(f"{W}type") == "paragraph" and is_on(style, f"{W}default"):
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
    return "auto" if value == "auto" else hex_colour(value)


def _fill(properties) -> str | None:
    """The background a shading (w:shd) or highlight gives, or None."""
    if properties is None:
        return None
    highlight = properties.find(f"{W}highlight")
    if highlight is not None and highlight.get(f"{W}val") not in (None, "none"):
        return HIGHLIGHTS.get(highlight.get(f"{W}val"))
    shading = properties.find(f"{W}shd")
    if shading is not None and shading.get(f"{W}val") != "nil":
        return hex_colour(shading.get(f"{W}fill")) if shading.get(f"{W}fill") != "auto" else None
    return None


def check(path: Path, language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        document = read_xml(archive, "word/document.xml")
        styles = _Styles(find_part(archive, "word/styles.xml"))
        core = find_part(archive, "docProps/core.xml")
        others = [(n, read_xml(archive, n)) for n in archive.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
    found += properties(core, language, styles.default_lang)
    body = document.find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    number = {id(p): n for n, p in enumerate(paragraphs, start=1)}
    found += _headings(paragraphs, styles, number)
    tables = list(body.iter(f"{W}tbl"))
    for n, table in enumerate(tables, start=1):
        found += _table(table, n, styles)
    page = document.find(f"{W}background")
    page_fill = hex_colour(page.get(f"{W}color")) if page is not None else None
    for part, root in [("", document), *((f" in {n.split('/')[-1]}", r) for n, r in others)]:
        found += _images(root, part)
        found += _contrast(root, styles, number, part, page_fill)
        found += _empty_runs(root, number, part)
    return found



def _headings(paragraphs, styles: _Styles, number: dict) -> list[tuple[str, str]]:
    found, previous = [], 0
    for paragraph in paragraphs:
        level = styles.heading_level(paragraph)
        if level is None:
            continue
        text = text_of(paragraph)
        where = f"paragraph {number[id(paragraph)]} {quote(text)}"
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
    label = f"table {n} (first row {quote(' | '.join(text_of(c) for c in first.findall(f'{W}tc')))})"
    if not is_on(first.find(f"{W}trPr/{W}tblHeader")):
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
                    if not text_of(run).strip():
                        continue
                    background = _fill(run.find(f"{W}rPr")) or paragraph_fill or page_fill
                    problem_text = low_contrast(styles.run_color(run, child, table_color), background)
                    if problem_text:
                        where = f"paragraph {number[id(child)]}" if id(child) in number else "paragraph"
                        found.append(("contrast", f"{where}{part} {quote(text_of(child))}: {problem_text}"))
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
    if text_of(paragraph).strip():
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
