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


_ENVIRONMENT: list = []  # one per process, built on first use


def environment():
    """The sandbox tags render in; each template's XML is compiled once per process."""
    if not _ENVIRONMENT:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        class Compiled(SandboxedEnvironment):
            # docxtpl compiles the whole document.xml (and each header, footer and
            # property) on every render; the source is the template's, so keep the result.
            def from_string(self, source, globals=None, template_class=None):
                if globals is not None or template_class is not None or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                compiled = self.compiled.get(source)
                if compiled is None:
                    if len(self.compiled) >= 256:
                        self.compiled.pop(next(iter(self.compiled)))
                    compiled = self.compiled[source] = super().from_string(source)
                return compiled

        env = Compiled(undefined=StrictUndefined, autoescape=True)
        env.compiled = {}
        _ENVIRONMENT.append(env)
    return _ENVIRONMENT[0]


CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _import_docxtpl():
    """docxtpl, with python-docx's 'cp' prefix put back.

    docxcompose (which docxtpl imports for sub-documents) re-points python-docx's 'cp'
    prefix at the custom-properties namespace, so core properties such as lastModifiedBy
    would be written twice, once in a namespace Word does not expect.
    """
    import docxtpl
    import docxtpl.subdoc
    from docx.oxml.ns import nsmap

    nsmap["cp"] = CORE_PROPERTIES_NS
    return docxtpl


def open_template(path: Path):
    DocxTemplate = _import_docxtpl().DocxTemplate

    try:
        tpl = DocxTemplate(io.BytesIO(_template_bytes(path)))
        tpl.init_docx()  # docxtpl opens the file lazily; a damaged one must fail here, as a TemplateError
        return tpl
    except Exception as exc:  # noqa: BLE001 - a damaged or non-Word file raises many kinds
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
    _remember_style_ids(tpl.get_docx(), template)
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
    return _save(tpl)


def _save(tpl) -> bytes:
    """The finished .docx, zipped once with fixed timestamps (as zipfile_.normalise would).

    python-docx would deflate every part and normalise inflate and deflate them again;
    here the parts go straight into the normalised archive, in the order Word's writer
    puts them. Anything docxtpl replaces at save time (media) takes the long way.
    """
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        out = io.BytesIO()
        tpl.save(out)
        return zipfile_.normalise(out.getvalue())
    from docx.opc.pkgwriter import PackageWriter

    class Members:
        def __init__(self):
            self.items: list[tuple[str, bytes]] = []

        def write(self, pack_uri, blob: bytes) -> None:
            self.items.append((pack_uri.membername, blob))

    package = tpl.docx.part.package
    for part in package.parts:
        part.before_marshal()
    members = Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)
    return zipfile_.archive(members.items)


_STYLE_IDS: dict[tuple, dict] = {}


def _remember_style_ids(document, template: Path) -> None:
    """Look each style name up once per template, not once per paragraph.

    python-docx finds a style's id by scanning every style in the template, for every
    paragraph and cell; a bulletin has hundreds of those and a handful of style names.
    The answers depend only on the template's styles: same answers, so the same bytes.
    """
    part = document.part
    stamp = template.stat()
    lookup = part.get_style_id
    known = _STYLE_IDS.setdefault((str(template), stamp.st_mtime_ns, stamp.st_size), {})

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):
            return lookup(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in known:
            known[key] = lookup(style_or_name, style_type)
        return known[key]

    part.get_style_id = get_style_id


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
    sub = _new_subdoc(tpl)
    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            _runs(sub.add_paragraph(style=f"Heading {block.get('level', 1)}"), block["text"])
        elif kind == "paragraph":
            text = f"{block['number']}\t{block['text']}" if block.get("number") else block["text"]
            paragraph = sub.add_paragraph(style=block.get("style") or ("Numbered Paragraph" if block.get("number") else "Normal"))
            _runs(paragraph, text)
            if block.get("keep_with_next"):  # e.g. a short list that should not split across pages
                paragraph.paragraph_format.keep_with_next = True
        elif kind == "bullets":
            for item in block["items"]:
                _runs(sub.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            _table(sub, block)
        elif kind == "image":
            _image(sub, block)
        elif kind == "chart":
            from . import chart  # the context holds the chart as data; the picture is drawn here

            _image(sub, {**block, "png": chart.png(block["chart"])})
        elif kind == "section":
            _section(tpl, sub, block)
        elif kind == "page_break":
            from docx.enum.text import WD_BREAK

            sub.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise TemplateError([problem(str(template), 0, "body", f"unknown block '{kind}' (allowed: heading, paragraph, bullets, table, image, chart, section, page_break)")])
    return sub


_EMPTY_DOCUMENT: list = []  # python-docx's default document.xml element, read once


def _new_subdoc(tpl):
    """tpl.new_subdoc(), without re-reading python-docx's default document each time.

    A new sub-document is an empty copy of that document whose part is the template's
    (so the body uses the template's styles); docxtpl builds exactly this.
    """
    import copy

    from docx.document import Document
    from docxtpl.subdoc import Subdoc

    if not _EMPTY_DOCUMENT:
        import docx

        _EMPTY_DOCUMENT.append(docx.Document().element)
    tpl.init_docx()
    sub = Subdoc.__new__(Subdoc)
    sub.tpl = tpl
    sub.docx = tpl.get_docx()
    sub.subdocx = Document(copy.deepcopy(_EMPTY_DOCUMENT[0]), sub.docx.part)
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
    """A data table: a header row that repeats on each page, no merged cells.

    The rows are written with lxml directly: python-docx's per-cell calls (a style, a
    run, bold) each search the element's children and were most of a report's render
    time. The XML is exactly what those calls write (see _cell_runs).
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm
    from lxml import etree

    columns = block["columns"]
    rows = block["rows"]
    table = sub.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = TABLE_STYLE
    table.autofit = False
    widths = block.get("widths")
    text_style = table.part.get_style_id("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    trs = table._tbl.tr_lst
    _row_flag(trs[0], "tblHeader", {f"{W}val": "true"})
    for tc, text in zip(trs[0].findall(f"{W}tc"), columns):
        paragraph = _styled_paragraph(tc, text_style)
        run = etree.SubElement(paragraph, f"{W}r")
        etree.SubElement(etree.SubElement(run, f"{W}rPr"), f"{W}b")
        _run_text(run, str(text))
    emphasis = block.get("emphasis_rows", set())
    for r, values in enumerate(rows, start=1):
        tr = trs[r]
        _row_flag(tr, "cantSplit", {})
        bold = (r - 1) in emphasis
        for tc, value in zip(tr.findall(f"{W}tc"), values):
            _cell_runs(_styled_paragraph(tc, text_style), "" if value is None else str(value), bold)
    if widths:
        for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
            grid_col.w = Cm(width)  # the grid, which LibreOffice reads
        for tr in trs:
            for tc, width in zip(tr.tc_lst, widths):
                tc.width = Cm(width)  # and each cell, which Word reads
    if block.get("caption"):
        _runs(sub.add_paragraph(style="Caption"), block["caption"])


def _row_flag(tr, name: str, attributes: dict) -> None:
    """<w:trPr><w:NAME/></w:trPr> as a row's first child (a new table's rows have none)."""
    from lxml import etree

    properties = etree.Element(f"{W}trPr")
    tr.insert(0, properties)
    etree.SubElement(properties, f"{W}{name}", attributes)


def _styled_paragraph(tc, style_id: str | None):
    """The cell's (empty) paragraph with its style, as Paragraph.style = ... writes it."""
    from lxml import etree

    paragraph = tc.find(f"{W}p")
    properties = etree.SubElement(paragraph, f"{W}pPr")
    if style_id is not None:
        etree.SubElement(properties, f"{W}pStyle", {f"{W}val": style_id})
    return paragraph


def _cell_runs(paragraph, text: str, bold: bool) -> None:
    """What _runs writes (and then bold on every run when `bold`), built with lxml."""
    from lxml import etree

    for n, part in enumerate(BOLD.split(text)):
        if not part:
            continue
        lines = part.split("\n")
        for i, line in enumerate(lines):
            run = etree.SubElement(paragraph, f"{W}r")
            properties = etree.SubElement(run, f"{W}rPr")
            if bold or n % 2:
                etree.SubElement(properties, f"{W}b")
            _run_text(run, line)
            if i < len(lines) - 1:
                etree.SubElement(run, f"{W}br")


def _run_text(run, text: str) -> None:
    """A run's text as python-docx writes it: <w:t> pieces, <w:tab/> for tabs, <w:br/> for CR/LF."""
    from lxml import etree

    piece: list[str] = []

    def flush() -> None:
        chunk = "".join(piece)
        if chunk:
            t = etree.SubElement(run, f"{W}t")
            t.text = chunk
            if len(chunk.strip()) < len(chunk):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        piece.clear()

    if "\t" not in text and "\r" not in text and "\n" not in text:
        piece.append(text)
    else:
        for char in text:
            if char == "\t" or char in "\r\n":
                flush()
                etree.SubElement(run, f"{W}tab" if char == "\t" else f"{W}br")
            else:
                piece.append(char)
    flush()


def _section(tpl, sub, block: dict) -> None:
    """A new page in block['orientation'] (portrait | landscape) until the next section block or the end.

    Word keeps a section's page layout at the section's end: a paragraph carrying a copy
    of the layout so far ends the section before, and the document's last layout (the
    template's own, with its header and footer) becomes the new orientation.
    """
    import copy

    from docx.enum.section import WD_ORIENT
    from docx.section import Section

    last = tpl.docx.element.body.sectPr
    sub.add_paragraph()._p.get_or_add_pPr()._insert_sectPr(copy.deepcopy(last))
    section = Section(last, tpl.docx.part)
    landscape = block.get("orientation") == "landscape"
    if (section.orientation == WD_ORIENT.LANDSCAPE) != landscape:
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = height, width


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
