"""Our zip writer gives the bytes the standard library's zipfile writes for the same members."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from ka2docs.layout import zipfile_


def standard_library(members: list[tuple[str, bytes]]) -> bytes:
    """What archive() wrote before it wrote the format itself: zipfile, fixed times and permissions."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in members:
            fixed = zipfile.ZipInfo(name, zipfile_.FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_STORED if name.lower().endswith(zipfile_.COMPRESSED) else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 3
            target.writestr(fixed, body)
    return out.getvalue()


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).map(lambda s: s.replace("\\", "/").strip("/") or "x")
members = st.lists(st.tuples(st.one_of(names, names.map(lambda s: s + ".png")), st.binary(max_size=3000)), max_size=6, unique_by=lambda m: m[0])


@settings(max_examples=150, deadline=None, database=None)
@given(members)
def test_the_same_bytes_as_zipfile(parts):
    assert zipfile_.archive(parts) == standard_library(parts)


def test_a_part_seen_before_is_not_deflated_again_and_gives_the_same_bytes():
    styles = b"<styleSheet>" + b"<xf/>" * 5000 + b"</styleSheet>"
    first = zipfile_.archive([("xl/styles.xml", styles), ("xl/worksheets/sheet1.xml", b"<a>1</a>")])
    second = zipfile_.archive([("xl/styles.xml", styles), ("xl/worksheets/sheet1.xml", b"<a>2</a>")])  # kept now
    assert styles in zipfile_._DEFLATED
    third = zipfile_.archive([("xl/styles.xml", styles), ("xl/worksheets/sheet1.xml", b"<a>3</a>")])  # from what was kept
    for built, n in ((first, 1), (second, 2), (third, 3)):
        assert built == standard_library([("xl/styles.xml", styles), ("xl/worksheets/sheet1.xml", f"<a>{n}</a>".encode())])
        with zipfile.ZipFile(io.BytesIO(built)) as archive:
            assert archive.testzip() is None and archive.read("xl/styles.xml") == styles
