"""Everything that touches python-docx and docxtpl.

A Word template is a real .docx staff restyle in Word. It holds the house style (the
styles below, page set-up, header and footer) and jinja tags for the header block, plus
one `{{p body }}` paragraph where the document's body goes. The body arrives as a list
of plain blocks (heading, paragraph, bullets, table, image, page break) and is laid out
in the template's own styles (docx_body.py), so restyling a heading in Word restyles
every report.

Text from data is escaped (docxtpl autoescape for tags, xmltext.escape for the body), and
tags render with undefined names as errors.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from ..errors import TemplateError, problem
from . import zipfile_
from .docx_body import TABLE_STYLE, body_xml
from .intake import cleaned
from .once import per_file

# Styles the body uses; a template must define them (Word's built-in names where they exist).
PARAGRAPH_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Numbered Paragraph", "Caption", "Table Text")

_TEMPLATE_BYTES: dict = {}


_ENVIRONMENT: list = []  # one per process, built on first use


def environment():
    """The sandbox tags render in; each template's XML is compiled once per process."""
    if not _ENVIRONMENT:
        from jinja2 import StrictUndefined

        from .sandbox import LimitedSandbox

        class Compiled(LimitedSandbox):
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


def preload() -> None:
    """The libraries a render uses, imported ahead (see documents.preload)."""
    from . import chart

    _import_docxtpl()
    environment()
    chart.preload()


def open_template(path: Path):
    """The template ready to render: a copy of the one opened first in this process (python-docx
    opens a package in three times the time a copy of the opened one takes)."""
    import copy

    DocxTemplate = _import_docxtpl().DocxTemplate

    body, opened = per_file(_TEMPLATE_BYTES, path, _opened)
    tpl = DocxTemplate(io.BytesIO(body))
    tpl.docx = copy.deepcopy(opened)
    tpl.init_docx()
    return tpl


def _opened(path: Path):
    """The cleaned template (personal properties and paths gone, limits checked), unzipped, and opened."""
    from docx import Document

    body = zipfile_.normalise(cleaned(path), compress=False)
    try:
        return body, Document(io.BytesIO(body))
    except Exception as exc:  # noqa: BLE001 - a damaged or non-Word file raises many kinds
        reason = re.sub(r"file '<_io\.BytesIO object at 0x[0-9a-f]+>' ", "", str(exc))  # it was read from memory, after cleaning
        raise TemplateError([problem(str(path), 0, "", f"cannot open Word template: {reason} (allowed: a .docx file)")]) from None


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
    from markupsafe import Markup

    tpl = open_template(template)
    _require_styles(tpl.get_docx(), template)
    _remember_style_ids(tpl.get_docx(), template)
    values = {k: v for k, v in context.items() if k not in ("body", "properties")}
    # docxtpl fills the template's tags, with a marker paragraph for the body; the body
    # goes in after, at the XML level: through docxtpl, hundreds of paragraphs would be
    # scanned by its regular expressions and parsed again, for no change.
    values["body"] = Markup(BODY_MARKER)
    try:
        tpl.render(values, jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc.message} (allowed: {', '.join(sorted(values))})")]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"syntax error: {exc.message} (allowed: jinja tags as in the shipped templates)")]) from None
    except jinja2.TemplateError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc} (allowed: jinja tags as in the shipped templates)")]) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:  # {{ 1 / 0 }}, {{ title + 1 }} in a tag
        raise TemplateError([problem(str(template), 0, "tag", f"a tag cannot be filled in: {type(exc).__name__}: {exc} (allowed: jinja tags as in the shipped templates)")]) from None
    body = body_xml(tpl, context.get("body", []), template)  # after the render: on the rendered tree's last section
    _set_properties(tpl.docx, context.get("properties", {}))  # get_docx() would reload the template
    return _save(tpl, body)


BODY_MARKER = "<w:p><w:r><w:t>ka2docs-body-7f3c2a9e</w:t></w:r></w:p>"  # text no template holds


def _save(tpl, body: str) -> bytes:
    """The finished .docx with the body in the marker's place, zipped once with fixed timestamps.

    python-docx would deflate every part and normalise inflate and deflate them again;
    here the parts go straight into the normalised archive, in the order Word's writer
    puts them. Anything docxtpl replaces at save time (media) takes the long way.
    """
    main = tpl.docx.part.partname.membername
    marker, body_bytes = BODY_MARKER.encode(), body.encode("utf-8")

    def spliced(name: str, blob: bytes) -> bytes:
        return blob.replace(marker, body_bytes) if name == main else blob

    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        import zipfile

        out = io.BytesIO()
        tpl.save(out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as written:
            return zipfile_.archive([(i.filename, spliced(i.filename, written.read(i.filename))) for i in written.infolist()])
    from docx.opc.pkgwriter import PackageWriter

    class Members:
        def __init__(self):
            self.items: list[tuple[str, bytes]] = []

        def write(self, pack_uri, blob: bytes) -> None:
            self.items.append((pack_uri.membername, spliced(pack_uri.membername, blob)))

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
    lookup = part.get_style_id
    known = per_file(_STYLE_IDS, template, lambda _: {})

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):
            return lookup(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in known:
            try:
                known[key] = lookup(style_or_name, style_type)
            except KeyError:  # LibreOffice saves Word's built-in names capitalised ('Heading 1', not 'heading 1')
                found = [s for s in document.styles if s.type == style_type and (s.name or "").lower() == style_or_name.lower()]
                if not found:
                    raise
                known[key] = found[0].style_id
        return known[key]

    part.get_style_id = get_style_id


_STYLE_NAMES: dict = {}


def _require_styles(document, template: Path) -> None:
    names = per_file(_STYLE_NAMES, template, lambda _: {s.name for s in document.styles})  # a template's styles, once
    missing = [s for s in (*PARAGRAPH_STYLES, TABLE_STYLE) if s not in names]
    if missing:
        raise TemplateError([problem(str(template), 0, "styles", f"style '{name}' is missing (allowed: a template defining {', '.join((*PARAGRAPH_STYLES, TABLE_STYLE))})") for name in missing])


def _set_properties(document, properties: dict) -> None:
    """Title, author and dates from data: never the local user name, path or clock."""
    core = document.core_properties
    when = dt.datetime.fromisoformat(properties.get("date", "2000-01-01"))

    def text(key: str) -> str:  # Word keeps at most 255 characters; the data's limits keep names well under
        value = properties.get(key, "")
        return value if len(value) <= 255 else value[:254] + "\u2026"

    core.title = text("title")
    core.author = core.last_modified_by = text("author")
    core.subject = text("subject")
    core.keywords = text("keywords")
    core.comments = ""
    core.category = text("category")
    core.language = "en-GB"
    core.created = core.modified = when
    core.last_printed = when
    core.revision = 1
