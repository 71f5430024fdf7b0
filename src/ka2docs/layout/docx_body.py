"""A document's body as WordprocessingML, block by block, in the template's own style ids.

The body arrives as plain blocks (heading, paragraph, bullets, table, image, chart,
section, page break) and is written as text, put where the template's {{p body }} tag
was in one piece (docx.render): building it element by element through python-docx was
most of a document's render time. The XML is what python-docx's add_paragraph, add_run,
add_table and add_picture write. Text from data passes through xmltext.escape.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import TemplateError, problem
from .xmltext import escape

TABLE_STYLE = "KA2 Table"
BOLD = re.compile(r"\*\*(.+?)\*\*")


def body_xml(tpl, blocks: list[dict], template: Path) -> str:
    """The body's blocks as WordprocessingML, after docxtpl has rendered `tpl` (see docx.render)."""
    body = _Body(tpl)
    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            body.paragraph(f"Heading {block.get('level', 1)}", block["text"])
        elif kind == "paragraph":
            text = f"{block['number']}\t{block['text']}" if block.get("number") else block["text"]
            body.paragraph(block.get("style") or ("Numbered Paragraph" if block.get("number") else "Normal"), text, keep_with_next=bool(block.get("keep_with_next")))
        elif kind == "bullets":
            for item in block["items"]:
                body.paragraph("List Bullet", item)
        elif kind == "table":
            body.table(block)
        elif kind == "image":
            body.image(block)
        elif kind == "chart":
            from . import chart  # the context holds the chart as data; the picture is drawn here

            body.image({**block, "png": chart.png(block["chart"])})
        elif kind == "section":
            body.section(block)
        elif kind == "page_break":
            body.xml.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            raise TemplateError([problem(str(template), 0, "body", f"unknown block '{kind}' (allowed: heading, paragraph, bullets, table, image, chart, section, page_break)")])
    return "".join(body.xml)


class _Body:
    """The body's XML, block by block, in the template's styles and page layout."""

    def __init__(self, tpl):
        self.tpl, self.xml = tpl, []
        self.part = tpl.docx.part
        self.picture_id = tpl.docx_ids_index  # docxtpl numbered the template's pictures up to here

    def style_id(self, name: str, table: bool = False) -> str | None:
        from docx.enum.style import WD_STYLE_TYPE

        return self.part.get_style_id(name, WD_STYLE_TYPE.TABLE if table else WD_STYLE_TYPE.PARAGRAPH)  # None: the default style

    def paragraph(self, style: str, text: str, keep_with_next: bool = False, bold: bool = False) -> None:
        self.xml.append(_paragraph(self.style_id(style), text, keep_with_next, bold))

    def table(self, block: dict) -> None:
        """A data table: a header row that repeats on each page, rows that never split (unless split_rows), no merged cells."""
        columns, rows = block["columns"], block["rows"]
        if block.get("widths"):
            from docx.shared import Cm

            widths = [Cm(w).twips for w in block["widths"]]
        else:  # python-docx's add_table: the text width shared equally
            widths = [self.text_width() // len(columns)] * len(columns)
        style = self.style_id(TABLE_STYLE, table=True)
        text_style = self.style_id("Table Text")
        xml = self.xml
        xml.append("<w:tbl><w:tblPr>")
        if style:
            xml.append(f'<w:tblStyle w:val="{escape(style)}"/>')
        xml.append('<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>')
        xml.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
        xml.append("</w:tblGrid>")
        emphasis = block.get("emphasis_rows", set())
        for r, values in enumerate([columns, *rows]):
            # Rows never split, unless the table says a tall row may run on (block['split_rows']).
            body_row = "<w:tr>" if block.get("split_rows") else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            xml.append('<w:tr><w:trPr><w:tblHeader/></w:trPr>' if r == 0 else body_row)
            bold = r == 0 or (r - 1) in emphasis
            for value, width in zip(values, widths):
                xml.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>')
                xml.append(_paragraph(text_style, "" if value is None else str(value), bold=bold))
                xml.append("</w:tc>")
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        if block.get("caption"):
            self.paragraph("Caption", block["caption"])

    def image(self, block: dict) -> None:
        """A picture in its own paragraph, with the alternative text screen readers read aloud."""
        from docx.shared import Cm
        from lxml import etree

        inline = self.part.new_pic_inline(io.BytesIO(block["png"]), Cm(block.get("width_cm", 15)), None)
        doc_pr = inline.docPr
        self.picture_id += 1  # each picture its own id, as docxtpl numbers the template's
        doc_pr.set("id", str(self.picture_id))
        doc_pr.set("descr", block["alt"])
        doc_pr.set("title", block.get("title", block["alt"][:60]))
        drawing = etree.tostring(inline, encoding="unicode")
        keep = "<w:pPr><w:keepNext/></w:pPr>" if block.get("keep_with_next") else ""  # the picture and its caption on one page
        self.xml.append(f"<w:p>{keep}<w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>")
        if block.get("caption"):
            self.paragraph("Caption", block["caption"])

    def section(self, block: dict) -> None:
        """A new page in block['orientation'] (portrait | landscape) until the next section block or the end.

        Word keeps a section's page layout at the section's end: a paragraph carrying a copy
        of the layout so far ends the section before, and the document's last layout (the
        template's own, with its header and footer) becomes the new orientation.
        """
        from docx.enum.section import WD_ORIENT
        from docx.section import Section
        from lxml import etree

        last = self.tpl.docx.element.body.sectPr
        self.xml.append(f"<w:p><w:pPr>{etree.tostring(last, encoding='unicode')}</w:pPr></w:p>")
        section = Section(last, self.part)
        landscape = block.get("orientation") == "landscape"
        if (section.orientation == WD_ORIENT.LANDSCAPE) != landscape:
            width, height = section.page_width, section.page_height
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = height, width

    def text_width(self) -> int:
        """The template's page width between the margins, in twips."""
        section = self.tpl.docx.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) // 635  # EMU to twips


def _paragraph(style_id: str | None, text: str, keep_with_next: bool = False, bold: bool = False) -> str:
    properties = (f'<w:pStyle w:val="{escape(style_id)}"/>' if style_id else "") + ("<w:keepNext/>" if keep_with_next else "")
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{_runs(text, bold)}</w:p>"


def _runs(text: str, bold: bool = False) -> str:
    """Plain text as runs, with **bold** for decision words (or every run bold); line breaks kept."""
    out = []
    for n, part in enumerate(BOLD.split(text)):
        if not part:
            continue
        properties = "<w:rPr><w:b/></w:rPr>" if bold or n % 2 else ""
        lines = part.split("\n")
        for i, line in enumerate(lines):
            out.append(f"<w:r>{properties}{_run_text(line)}{'<w:br/>' if i < len(lines) - 1 else ''}</w:r>")
    return "".join(out)


def _run_text(text: str) -> str:
    """A run's text as python-docx writes it: <w:t> pieces, <w:tab/> for tabs, <w:br/> for a CR."""
    out = []
    for n, piece in enumerate(re.split(r"(\t|\r)", text)):
        if n % 2:
            out.append("<w:tab/>" if piece == "\t" else "<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)
