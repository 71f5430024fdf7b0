"""Templates cleaned on the way in: what a template carries into every document it makes.

A template restyled on someone's PC carries their name and company (docProps/app.xml,
docProps/custom.xml), the folder it was saved in (the workbook's x15ac:absPath) and a
link to their Normal.dotm; those are removed here, before any build reads the file.
What cannot be removed without changing the document (a picture linked from outside
the file, a macro project, comments, tracked changes) is refused, with what to do.
The same archive limits as data workbooks apply. `leaks` is the rule `ka2docs check`
applies to every finished document, so what is refused here is also flagged there.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import TemplateError, problem
from . import zipfile_
from .archive import check_archive

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
PERSONAL = ("Company", "Manager", "HyperlinkBase")  # app.xml fields naming people, firms or their folders
SAFE_LINKS = ("http://", "https://", "mailto:")  # a hyperlink a reader follows, not a file on someone's disk
MACROS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
COMMENTS = re.compile(r"^(word/comments[^/]*\.xml|xl/comments[^/]*\.xml|xl/threadedComments/)", re.IGNORECASE)
DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
TRACKED = re.compile(rb"<w:(ins|del|moveFrom|moveTo)\b")


def cleaned(path: Path) -> bytes:
    """The template's bytes without personal properties and paths; TemplateError for
    what cannot be cleaned (every such problem of the file at once)."""
    display = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError([problem(display, 0, "", f"cannot read template: {exc.strerror} (allowed: a readable .docx or .xlsx file)")]) from None
    kind, suffix = ("Excel", ".xlsx") if Path(path).suffix.lower() == ".xlsx" else ("Word", ".docx")
    check_archive(data, display, TemplateError, f"{kind} template", f"cannot open {kind} template: it is not a zip archive (allowed: a {suffix} file saved by {kind} or LibreOffice)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except Exception as exc:  # noqa: BLE001 - a damaged, encrypted or truncated archive raises many kinds
        raise TemplateError([problem(display, 0, "", f"cannot open template: {exc} (allowed: a .docx or .xlsx saved by Word, Excel or LibreOffice)")]) from None
    # Word and Excel never write a DTD; one in a template can only be an entity bomb or an outside fetch.
    refused = [(name, "the part declares a DTD (<!DOCTYPE>)", "XML parts as Word, Excel or LibreOffice save them") for name, body in members.items() if DOCTYPE.search(body[:4096])]
    refused += [(name, f"the part is not well-formed XML: {reason}", "XML parts as Word, Excel or LibreOffice save them") for name, reason in _malformed(members) if not any(r[0] == name for r in refused)]
    if not refused:
        refused += [(part, what, how) for part, what, how in leaks(members) if how]
    if refused:
        raise TemplateError([problem(display, 0, part, f"{what} (allowed: {how})") for part, what, how in refused])
    try:
        _remove_custom_properties(members)
        _remove_attached_template(members)
        _clean_app(members)
        _clean_workbook(members)
    except Exception as exc:  # noqa: BLE001 - malformed XML in a part we must edit
        raise TemplateError([problem(display, 0, "", f"cannot read template: {exc} (allowed: a .docx or .xlsx saved by Word, Excel or LibreOffice)")]) from None
    if "docProps/core.xml" in members:  # the writers fill it from the data; nothing of the template's stays
        members["docProps/core.xml"] = CORE
    return zipfile_.archive(list(members.items()))


def _malformed(members: dict[str, bytes]) -> list[tuple[str, str]]:
    """XML parts that do not parse: found here once, not deep inside a render in a worker."""
    from lxml import etree

    out = []
    for name, body in members.items():
        if name.endswith((".xml", ".rels")) and not DOCTYPE.search(body[:4096]):
            try:
                _xml(body)
            except etree.XMLSyntaxError as exc:
                out.append((name, str(exc).splitlines()[0][:120]))
    return out


def leaks(members: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """What in an Office archive reaches outside it or names who made it: (part, what,
    how to fix it; empty when intake removes it itself)."""
    found = []
    for name, body in members.items():
        if MACROS.search(name):
            found.append((name, "the file holds a macro project", "a template saved as a plain .docx or .xlsx, not macro-enabled"))
        elif COMMENTS.match(name):
            found.append((name, "the file holds comments, with their authors' names", "a template without comments: delete them first"))
        elif name.startswith("word/") and name.endswith(".xml") and TRACKED.search(body):
            found.append((name, "the file holds tracked changes, with their authors' names", "a template with every change accepted or rejected"))
        elif name.endswith(".rels"):
            found.extend((name, what, how) for what, how in _outside_links(body))
    if "docProps/custom.xml" in members:
        found.append(("docProps/custom.xml", "custom document properties are kept", ""))
    app = members.get("docProps/app.xml", b"")
    for field in PERSONAL:
        if re.search(rb"<(\w+:)?" + field.encode() + rb">\s*[^<\s]", app):
            found.append(("docProps/app.xml", f"the document's {field} property is filled in", ""))
    if b"absPath" in members.get("xl/workbook.xml", b""):
        found.append(("xl/workbook.xml", "the folder the workbook was saved in is recorded (absPath)", ""))
    if b"<fileSharing" in members.get("xl/workbook.xml", b""):
        found.append(("xl/workbook.xml", "a user name or password for sharing is recorded (fileSharing)", ""))
    return found


def _outside_links(rels: bytes) -> list[tuple[str, str]]:
    out = []
    for rel in _xml(rels).iter(f"{{{RELS}}}Relationship"):
        if rel.get("TargetMode") != "External":
            continue
        kind, target = rel.get("Type", "").rsplit("/", 1)[-1], rel.get("Target", "")
        if kind == "hyperlink" and target.lower().startswith(SAFE_LINKS):
            continue
        if kind == "attachedTemplate":
            out.append((f"links to the template it was made from, '{_short(target)}'", ""))
        else:
            out.append((f"links to '{_short(target)}' outside the file ({kind})", "pictures and objects embedded in the file, links only to http, https or mailto addresses"))
    return out


def _short(target: str) -> str:
    return target if len(target) <= 80 else target[:77] + "..."


def _xml(body: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(body, parser)


def _write(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_relationships(members: dict, rels_name: str, keep) -> set[str]:
    """Remove the relationships of `rels_name` that keep(rel) rejects; their ids."""
    if rels_name not in members:
        return set()
    root = _xml(members[rels_name])
    gone = set()
    for rel in list(root):
        if not keep(rel):
            gone.add(rel.get("Id"))
            root.remove(rel)
    if gone:
        members[rels_name] = _write(root)
    return gone


def _remove_custom_properties(members: dict) -> None:
    if members.pop("docProps/custom.xml", None) is None:
        return
    _drop_relationships(members, "_rels/.rels", lambda rel: not rel.get("Target", "").lstrip("/").endswith("docProps/custom.xml"))
    if "[Content_Types].xml" in members:
        types = _xml(members["[Content_Types].xml"])
        for override in list(types.iter(f"{{{TYPES}}}Override")):
            if override.get("PartName") == "/docProps/custom.xml":
                types.remove(override)
        members["[Content_Types].xml"] = _write(types)


def _remove_attached_template(members: dict) -> None:
    """Word's link to the .dotm it was made from: a path on someone's disk, used for nothing here."""
    gone = _drop_relationships(members, "word/_rels/settings.xml.rels", lambda rel: rel.get("Type", "").rsplit("/", 1)[-1] != "attachedTemplate")
    if gone and "word/settings.xml" in members:
        settings = _xml(members["word/settings.xml"])
        for element in list(settings.iter(f"{{{W}}}attachedTemplate")):
            element.getparent().remove(element)
        members["word/settings.xml"] = _write(settings)


def _clean_app(members: dict) -> None:
    if "docProps/app.xml" not in members:
        return
    app = _xml(members["docProps/app.xml"])
    changed = False
    for element in list(app):
        name = element.tag.rsplit("}", 1)[-1]
        if name in PERSONAL or (name == "Template" and re.search(r"[\\/:]", element.text or "")):
            app.remove(element)
            changed = True
    if changed:
        members["docProps/app.xml"] = _write(app)


def _clean_workbook(members: dict) -> None:
    if "xl/workbook.xml" not in members or not re.search(rb"absPath|<fileSharing", members["xl/workbook.xml"]):
        return
    book = _xml(members["xl/workbook.xml"])
    for element in list(book.iter()):
        name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if name == "fileSharing" or (name == "AlternateContent" and any(str(e.tag).endswith("}absPath") for e in element.iter())):
            element.getparent().remove(element)
    members["xl/workbook.xml"] = _write(book)
