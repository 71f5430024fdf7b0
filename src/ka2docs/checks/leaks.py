"""The `leak` rule: nothing in a finished Office file reaches outside it or names who
edited its template (an outside picture link, a macro project, comments, tracked changes,
personal or custom properties, the folder a workbook was saved in). The rule is the one
templates are cleaned by on the way in (layout/intake.py): what is left is a failure."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

OUTSIDE = re.compile(rb"""(?:src|href|action)\s*=\s*["']?\s*file:""", re.IGNORECASE)


def check(path: Path) -> list[tuple[str, str]]:
    if path.suffix.lower() in (".html", ".htm"):
        return [("leak", "links to a file on someone's disk (file:)")] if OUTSIDE.search(path.read_bytes()) else []
    from ..layout.intake import leaks

    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return [("leak", f"{part}: {what}") for part, what, _ in leaks(members)]
