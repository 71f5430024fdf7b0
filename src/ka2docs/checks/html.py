"""HTML (the bulletin as e-mail): headings, table headers, images, language, contrast."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .common import hex_colour, low_contrast, quote


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
                self.found.append(("heading-order", f"h{level} {quote(text)} {after}"))
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
            low = low_contrast(element[1], element[2])
            if low and not element[3]:
                element[3] = True  # one line per element is enough to find it
                self.found.append(("contrast", f"<{self.stack[-1][0]}> {quote(data)}: {low}"))


def _inline_colours(style: str) -> tuple[str | None, str | None]:
    colour = re.search(r"(?:^|;)\s*color\s*:\s*(#[0-9A-Fa-f]{3,6})", style)
    background = re.search(r"(?:^|;)\s*background(?:-color)?\s*:\s*(#[0-9A-Fa-f]{3,6})", style)
    return (hex_colour(colour.group(1)) if colour else None), (hex_colour(background.group(1)) if background else None)


def check(path: Path, language: str) -> list[tuple[str, str]]:
    return check_text(path.read_text(encoding="utf-8"), language)


def check_text(text: str, language: str) -> list[tuple[str, str]]:
    """The rules over a page's text (a file's, or an e-mail's HTML part)."""
    page = _Page()
    page.feed(text)
    page.close()
    found = list(page.found)
    if not page.title.strip():
        found.insert(0, ("doc-title", "no <title>"))
    if page.language.lower() != language.lower():
        found.insert(0, ("doc-language", f"<html lang> is '{page.language or 'not set'}' (allowed: {language})"))
    return found
