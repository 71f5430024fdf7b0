"""Office files are zip archives; make them byte-identical for identical content."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no trace of when we ran
COMPRESSED = (".png", ".jpeg", ".jpg", ".gif")  # deflating these again costs time and saves nothing


def normalise(data: bytes) -> bytes:
    """Rewrite an archive with fixed timestamps and permissions, members in their order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return archive([(info.filename, source.read(info.filename)) for info in source.infolist()])


def archive(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) members, in order, with fixed timestamps and permissions."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in members:
            fixed = zipfile.ZipInfo(name, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_STORED if name.lower().endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, body)
    return out.getvalue()
