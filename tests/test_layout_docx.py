"""layout/docx.py: tables sized to their content, and the fast save equal to docxtpl's own."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from conftest import DATA, TEMPLATES

COUNTY = "reports/kcc-county-council-2008-05-15.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tables(path):
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    for table in root.iter(f"{W}tbl"):
        widths = [int(c.get(f"{W}w")) for c in table.find(f"{W}tblGrid")]
        header = ["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in table.find(f"{W}tr").iter(f"{W}tc")]
        yield header, widths


def test_appendix_columns_are_fitted_to_their_text(may_build):
    """The partners and commentary columns hold paragraphs, the target columns a figure each:
    equal widths would make every row three times as tall and fail here."""
    found = [(h, w) for h, w in _tables(may_build / COUNTY) if h and h[0].startswith("Indicator")]
    assert found, "the Appendix has its submission tables"
    header, widths = found[0]
    by_name = dict(zip(header, widths))
    partners = next(w for h, w in by_name.items() if h.startswith("Partners"))
    year = by_name["08/09"]
    assert partners > 2 * year
    assert max(widths) > 2 * min(widths)


def test_the_fast_save_writes_what_docxtpl_would(tmp_path):
    """_save writes python-docx's parts straight into our archive (private PackageWriter API,
    pinned in pyproject.toml); it must give exactly the bytes of docxtpl's own save, normalised.
    And the body spliced in after docxtpl is the XML docxtpl would have written with it."""
    import zipfile

    from lxml import etree
    from markupsafe import Markup

    from ka2docs.data.load import load
    from ka2docs.documents import reports
    from ka2docs.history import position
    from ka2docs.layout import docx, docx_body, zipfile_

    document = next(d for d in reports.documents(position(load(DATA), dt.date(2008, 5, 1))) if d.path == COUNTY)
    template = TEMPLATES / document.template
    values = {k: v for k, v in document.context.items() if k not in ("body", "properties")}
    tpl = docx.open_template(template)
    tpl.render({**values, "body": Markup(docx.BODY_MARKER)}, jinja_env=docx.environment(), autoescape=True)
    docx._set_properties(tpl.docx, document.context["properties"])
    slow = io.BytesIO()
    tpl.save(slow)
    assert docx._save(tpl, docx.BODY_MARKER) == zipfile_.normalise(slow.getvalue())

    through = docx.open_template(template)  # the long way: the body built first, as the tag's value
    through.render_init()
    body = docx_body.body_xml(through, document.context["body"], template)
    through.render({**values, "body": Markup(body)}, jinja_env=docx.environment(), autoescape=True)
    docx._set_properties(through.docx, document.context["properties"])
    slow = io.BytesIO()
    through.save(slow)
    with zipfile.ZipFile(io.BytesIO(zipfile_.normalise(slow.getvalue()))) as a, zipfile.ZipFile(io.BytesIO(document.render(TEMPLATES))) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name == "word/document.xml":
                assert etree.tostring(etree.fromstring(a.read(name)), method="c14n") == etree.tostring(etree.fromstring(b.read(name)), method="c14n")
                assert b"ka2docs-body" not in b.read(name)
            else:
                assert a.read(name) == b.read(name), name


@pytest.mark.parametrize("library", ["docx", "docxtpl"])
def test_private_apis_used_for_speed_have_an_upper_pin(library):
    """A new major version may move what we reach into: the pin makes the upgrade deliberate."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    name = {"docx": "python-docx", "docxtpl": "docxtpl"}[library]
    assert re.search(rf'"{name}>=[\d.]+,<[\d.]+"', text), name
