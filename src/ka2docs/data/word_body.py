"""A report body written in Word: data/reports/FILE.docx read into the narrative's sections.

Staff write the body in the house styles: a Heading 1 paragraph starts a section (the
report numbers it), Heading 2 and 3 are sub-headings, List Bullet items are bullets,
Numbered Paragraph (or List Number) items are numbered, anything else is a paragraph. A
paragraph holding only `{{p table('changes', since='2008-05-30') }}` is a table from the
data; a Caption paragraph straight after it is its caption.

The file comes from outside, so it is read defensively: size limits on the file and on
each part before it is inflated, no DTD or entities, and the text is only ever filled by
the narrative's sandbox (narrative.Filler), never run as a template itself.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import Problem, problem
from .narrative_parts import Block, Section, Text, sandbox

MAX_FILE = 10 * 1024 * 1024  # a long report with pictures is a few MB
MAX_PART = 20 * 1024 * 1024  # document.xml inflated; a zip bomb stops here
MAX_PARAGRAPHS = 5000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TABLE_TAG = re.compile(r"^\{\{p?\s*(table\s*\(.*\))\s*\}\}$", re.DOTALL)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
BULLET_STYLES = ("List Bullet", "List Paragraph")
NUMBERED_STYLES = ("Numbered Paragraph", "List Number")
ALLOWED = "a .docx saved by Word or LibreOffice"


def read_body(folder: Path, name: str, display_folder: str, problems: list[Problem], where: tuple[str, int]) -> list[Section]:
    """The sections of the Word body `name` in `folder`, every problem collected."""
    yaml_file, yaml_line = where
    if Path(name).name != name or not name.lower().endswith(".docx"):
        problems.append(problem(yaml_file, yaml_line, "body", f"'{name}' is not a Word file in the reports folder (allowed: body: NAME.docx, a file beside this one)"))
        return []
    path = folder / name
    display = f"{display_folder}/{name}"
    if not path.is_file():
        problems.append(problem(yaml_file, yaml_line, "body", f"'{name}' is not in the reports folder (allowed: body: NAME.docx, a file beside this one)"))
        return []
    if path.stat().st_size > MAX_FILE:
        problems.append(problem(display, 0, "", f"the file is {path.stat().st_size // 1024 // 1024} MB (allowed: up to {MAX_FILE // 1024 // 1024} MB)"))
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            document = _part(archive, "word/document.xml", display)
            styles = _part(archive, "word/styles.xml", display, required=False)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(problem(display, 0, "", f"cannot open it: {exc} (allowed: {ALLOWED})"))
        return []
    except _Refused as exc:
        problems.append(problem(display, 0, "", str(exc)))
        return []
    try:
        names = _style_names(styles) if styles else {}
        body = _xml(document).find(f"{W}body")
    except _Refused as exc:
        problems.append(problem(display, 0, "", str(exc)))
        return []
    if body is None:
        problems.append(problem(display, 0, "", f"the document has no body (allowed: {ALLOWED})"))
        return []
    return _sections(body, names, display, problems)


class _Refused(Exception):
    pass


def _part(archive: zipfile.ZipFile, member: str, display: str, required: bool = True) -> bytes | None:
    try:
        info = archive.getinfo(member)
    except KeyError:
        if required:
            raise _Refused(f"it has no {member} (allowed: {ALLOWED})") from None
        return None
    if info.file_size > MAX_PART:
        raise _Refused(f"{member} inflates to {info.file_size // 1024 // 1024} MB (allowed: up to {MAX_PART // 1024 // 1024} MB)")
    with archive.open(info) as stream:
        data = stream.read(MAX_PART + 1)  # the header's size may lie
    if len(data) > MAX_PART:
        raise _Refused(f"{member} inflates past {MAX_PART // 1024 // 1024} MB (allowed: up to {MAX_PART // 1024 // 1024} MB)")
    return data


def _xml(data: bytes):
    """The part's XML; with no DTD there is nothing to expand or fetch. The standard
    library's parser: `validate` stays free of the Word libraries (test_speed_paths)."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _Refused(f"it declares a DTD or entities, which Word never writes (allowed: {ALLOWED})")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _Refused(f"its XML is damaged: {exc} (allowed: {ALLOWED})") from None


def _style_names(styles: bytes) -> dict[str, str]:
    """Style id -> the name Word shows ('Heading1' -> 'Heading 1'); Word writes names in lower case for built-ins."""
    names = {}
    for style in _xml(styles).iter(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None:
            value = name.get(f"{W}val", "")
            names[style.get(f"{W}styleId", "")] = value[:1].upper() + value[1:]  # 'heading 1' -> 'Heading 1'
    return names


def paragraph_text(paragraph) -> str:
    """A paragraph's text as the narrative writes it: tabs and line breaks kept, bold runs as **bold**.

    Word splits text into runs anywhere (spelling marks, edits), often inside a
    {{ }} tag: the runs are joined first, and a tag takes the boldness of its first letter
    so that no ** falls inside it.
    """
    chars: list[tuple[str, bool]] = []
    for run in _runs(paragraph):
        properties = run.find(f"{W}rPr")
        bold_element = properties.find(f"{W}b") if properties is not None else None
        bold = bold_element is not None and bold_element.get(f"{W}val", "true") not in ("0", "false", "off")
        for child in run:
            if child.tag == f"{W}t":
                chars += [(c, bold) for c in child.text or ""]
            elif child.tag == f"{W}tab":
                chars.append(("\t", bold))
            elif child.tag in (f"{W}br", f"{W}cr"):
                chars.append(("\n", bold))
    text = "".join(c for c, _ in chars)
    flags = [b for _, b in chars]
    for match in TAG.finditer(text):
        flags[match.start():match.end()] = [flags[match.start()]] * (match.end() - match.start())
    out, n = [], 0
    while n < len(text):
        end = n
        while end < len(text) and flags[end] == flags[n]:
            end += 1
        piece = text[n:end]
        out.append(f"**{piece}**" if flags[n] and piece.strip() else piece)
        n = end
    return "".join(out)


def _runs(element):
    """The runs of a paragraph in order, inside hyperlinks and insertions too, but not tracked deletions."""
    for child in element:
        if child.tag == f"{W}r":
            yield child
        elif child.tag not in (f"{W}del", f"{W}moveFrom"):
            yield from _runs(child)


def opening_words(text: str, count: int = 5) -> str:
    """The first words, to find the paragraph by; a {{ }} tag is kept whole."""
    words = text.replace("**", "").split()
    shown = words[:count]
    while len(shown) < len(words) and " ".join(shown).count("{{") > " ".join(shown).count("}}"):
        shown.append(words[len(shown)])  # finish the tag
    return " ".join(shown) + (" ..." if len(words) > len(shown) else "")


def _sections(body, names: dict[str, str], display: str, problems: list[Problem]) -> list[Section]:
    sections: list[Section] = []
    number = 0
    last_table: Block | None = None
    for element in body:
        tag = element.tag
        if tag == f"{W}tbl":
            problems.append(problem(display, number, "table", "a table typed in Word (allowed: a table from the data, a paragraph holding only {{p table('name') }}; `ka2docs names` lists them)"))
            continue
        if tag != f"{W}p":
            continue
        number += 1
        if number > MAX_PARAGRAPHS:
            problems.append(problem(display, number, "", f"the body has more than {MAX_PARAGRAPHS} paragraphs (allowed: up to {MAX_PARAGRAPHS})"))
            break
        style_element = element.find(f"{W}pPr/{W}pStyle")
        style_id = style_element.get(f"{W}val", "") if style_element is not None else ""
        style = names.get(style_id, style_id) or "Normal"
        raw = paragraph_text(element)
        source = raw.strip()
        if element.find(f".//{W}drawing") is not None or element.find(f".//{W}pict") is not None:
            problems.append(problem(display, number, f"paragraph {number}", "a picture (allowed: text, headings, lists and tables from the data; charts come from the data)"))
        if not source:
            continue
        text = Text(source, display, number, f"paragraph {number} '{opening_words(source)}'")
        if style == "Heading 1":
            sections.append(Section(text, []))
            last_table = None
            continue
        if not sections:
            problems.append(problem(display, number, text.column, "text before the first Heading 1 (allowed: start the body with a Heading 1 paragraph; the header block stays in the YAML)"))
            continue
        blocks = sections[-1].blocks
        if style == "Caption" and last_table is not None and last_table.caption is None:
            last_table.caption = text
            continue
        last_table = None
        table = TABLE_TAG.match(source.replace("**", ""))
        if table:
            last_table = _table_block(table.group(1), text, problems)
            if last_table is not None:
                blocks.append(last_table)
        elif style.startswith(("Heading 2", "Heading 3")):
            blocks.append(Block("subheading", [text]))
        elif style.startswith(BULLET_STYLES) or style.startswith(NUMBERED_STYLES):
            kind = "bullets" if style.startswith(BULLET_STYLES) else "numbered"
            if blocks and blocks[-1].kind == kind:
                blocks[-1].texts.append(text)
            else:
                blocks.append(Block(kind, [text]))
        else:
            blocks.append(Block("text", [text]))
    return sections


def _table_block(call: str, where: Text, problems: list[Problem]) -> Block | None:
    """table('changes', since='2008-05-30') read without running it: a name and plain options."""
    name, options, error = parse_table_call(call)
    if error:
        problems.append(problem(where.file, where.line, where.column, error))
        return None
    return Block("table", texts=[where], table=name, options=options)


def parse_table_call(call: str) -> tuple[str, dict, str]:
    """The name and options of a table(...) tag, parsed by the template engine but never evaluated."""
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError


    usage = "(allowed: {{p table('name') }} or {{p table('name', option='value') }} alone in its paragraph)"
    try:
        tree = sandbox().parse("{{ " + call + " }}")
    except TemplateSyntaxError as exc:
        return "", {}, f"cannot read the table tag: {exc.message} {usage}"
    output = tree.body[0] if len(tree.body) == 1 else None
    node = output.nodes[0] if isinstance(output, nodes.Output) and len(output.nodes) == 1 else None
    if not isinstance(node, nodes.Call) or not isinstance(node.node, nodes.Name) or node.node.name != "table":
        return "", {}, f"cannot read the table tag {usage}"
    if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const) or not all(isinstance(k.value, nodes.Const) for k in node.kwargs):
        return "", {}, f"a table tag takes one name in quotes and options written option='value' {usage}"
    return str(node.args[0].value), {k.key: k.value.value for k in node.kwargs}, ""
