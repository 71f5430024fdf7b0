"""Office files are zip archives; make them byte-identical for identical content."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no trace of when we ran


def normalise(data: bytes, rewrite: dict | None = None) -> bytes:
    """Rewrite an archive with fixed timestamps and permissions, members in their order.

    `rewrite` maps a member name to a function that fixes its bytes (e.g. a clock stamp).
    """
    rewrite = rewrite or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            body = source.read(info.filename)
            if info.filename in rewrite:
                body = rewrite[info.filename](body)
            target.writestr(fixed, body)
    return out.getvalue()


def archive(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) members, in order, as normalise() writes them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members:
            fixed = zipfile.ZipInfo(name, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, body)
    return out.getvalue()
