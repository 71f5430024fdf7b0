"""Everything that touches python-docx and docxtpl.

A Word template is a real .docx staff restyle in Word. It holds the house style (the
styles below, page set-up, header and footer) and jinja tags for the header block, plus
one `{{p body }}` paragraph where the document's body goes. The body arrives as a list
of plain blocks (heading, paragraph, bullets, table, image, page break) and is laid out
here in the template's own styles, so restyling a heading in Word restyles every report.

Text from data is escaped (docxtpl autoescape for tags, python-docx for the body), and
tags render with undefined names as errors.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from ..errors import TemplateError, problem
from . import zipfile_

# Styles the body uses; a template must define them (Word's built-in names where they exist).
PARAGRAPH_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Numbered Paragraph", "Caption", "Table Text")
TABLE_STYLE = "KA2 Table"
BOLD = re.compile(r"\*\*(.+?)\*\*")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_TEMPLATE_CACHE: dict[Path, tuple[float, bytes]] = {}


def _template_bytes(path: Path) -> bytes:
    """Template files are read once per process (a national build renders thousands)."""
    stamp = path.stat().st_mtime
    cached = _TEMPLATE_CACHE.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, path.read_bytes())
        _TEMPLATE_CACHE[path] = cached
    return cached[1]


def environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def open_template(path: Path):
    from docxtpl import DocxTemplate

    try:
        return DocxTemplate(io.BytesIO(_template_bytes(path)))
    except Exception as exc:  # a damaged or non-Word file
        raise TemplateError([problem(str(path), 0, "", f"cannot open Word template: {exc} (allowed: a .docx file)")]) from None


def template_variables(path: Path) -> set[str]:
    """The names a Word template's tags use (docxtpl reads them from the XML)."""
    import jinja2

    tpl = open_template(path)
    try:
        return set(tpl.get_undeclared_template_variables(environment()))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([problem(str(path), 0, "tag", f"syntax error in a {{{{ }}}} or {{% %}} tag: {exc.message} (allowed: jinja tags as in the shipped templates)")]) from None


def render(context: dict, template: Path) -> bytes:
    """Fill the template's tags from `context` and lay out `context['body']` in its styles."""
    import jinja2

    tpl = open_template(template)
    _require_styles(tpl.get_docx(), template)
    values = {k: v for k, v in context.items() if k not in ("body", "properties")}
    values["body"] = _body(tpl, context.get("body", []), template)
    try:
        tpl.render(values, jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc.message} (allowed: {', '.join(sorted(values))})")]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"syntax error: {exc.message} (allowed: jinja tags as in the shipped templates)")]) from None
    except jinja2.TemplateError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc} (allowed: jinja tags as in the shipped templates)")]) from None
    _set_properties(tpl.docx, context.get("properties", {}))  # get_docx() would reload the template
    out = io.BytesIO()
    tpl.save(out)
    return zipfile_.normalise(out.getvalue())


def _require_styles(document, template: Path) -> None:
    names = {s.name for s in document.styles}
    missing = [s for s in (*PARAGRAPH_STYLES, TABLE_STYLE) if s not in names]
    if missing:
        raise TemplateError([problem(str(template), 0, "styles", f"style '{name}' is missing (allowed: a template defining {', '.join((*PARAGRAPH_STYLES, TABLE_STYLE))})") for name in missing])


def _set_properties(document, properties: dict) -> None:
    """Title, author and dates from data: never the local user name, path or clock."""
    core = document.core_properties
    when = dt.datetime.fromisoformat(properties.get("date", "2000-01-01"))
    core.title = properties.get("title", "")
    core.author = core.last_modified_by = properties.get("author", "")
    core.subject = properties.get("subject", "")
    core.keywords = properties.get("keywords", "")
    core.comments = ""
    core.category = properties.get("category", "")
    core.language = "en-GB"
    core.created = core.modified = when
    core.last_printed = when
    core.revision = 1


# --- the body --------------------------------------------------------------------


def _body(tpl, blocks: list[dict], template: Path):
    sub = tpl.new_subdoc()
    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            _runs(sub.add_paragraph(style=f"Heading {block.get('level', 1)}"), block["text"])
        elif kind == "paragraph":
            text = f"{block['number']}\t{block['text']}" if block.get("number") else block["text"]
            _runs(sub.add_paragraph(style=block.get("style") or ("Numbered Paragraph" if block.get("number") else "Normal")), text)
        elif kind == "bullets":
            for item in block["items"]:
                _runs(sub.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            _table(sub, block)
        elif kind == "image":
            _image(sub, block)
        elif kind == "page_break":
            from docx.enum.text import WD_BREAK

            sub.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise TemplateError([problem(str(template), 0, "body", f"unknown block '{kind}' (allowed: heading, paragraph, bullets, table, image, page_break)")])
    return sub


def _runs(paragraph, text: str) -> None:
    """Plain text, with **bold** for decision words; line breaks kept."""
    for n, part in enumerate(BOLD.split(text)):
        if not part:
            continue
        lines = part.split("\n")
        for i, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.bold = True if n % 2 else None
            if i < len(lines) - 1:
                run.add_break()


def _table(sub, block: dict) -> None:
    """A data table: a header row that repeats on each page, no merged cells."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    columns = block["columns"]
    rows = block["rows"]
    table = sub.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = TABLE_STYLE
    table.autofit = False
    widths = block.get("widths")
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(header.cells, columns):
        cell.paragraphs[0].style = "Table Text"
        cell.paragraphs[0].add_run(str(text)).bold = True
    emphasis = block.get("emphasis_rows", set())
    for r, values in enumerate(rows, start=1):
        tr = table.rows[r]
        no_split = OxmlElement("w:cantSplit")
        tr._tr.get_or_add_trPr().append(no_split)
        for c, (cell, value) in enumerate(zip(tr.cells, values)):
            paragraph = cell.paragraphs[0]
            paragraph.style = "Table Text"
            _runs(paragraph, "" if value is None else str(value))
            if (r - 1) in emphasis:
                for run in paragraph.runs:
                    run.bold = True
    if widths:
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)  # the grid, which LibreOffice reads
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)  # and each cell, which Word reads
    if block.get("caption"):
        _runs(sub.add_paragraph(style="Caption"), block["caption"])


def _image(sub, block: dict) -> None:
    from docx.shared import Cm

    paragraph = sub.add_paragraph()
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(block["png"]), width=Cm(block.get("width_cm", 15)))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", block["alt"])  # alternative text read aloud by screen readers
    doc_pr.set("title", block.get("title", block["alt"][:60]))
    if block.get("caption"):
        _runs(sub.add_paragraph(style="Caption"), block["caption"])
