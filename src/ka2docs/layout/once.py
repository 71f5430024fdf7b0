"""Work on a template file done once per process while the file stays as it is.

A build renders every template many times (a national build thousands); what depends
only on the file (its bytes, its parsed parts, its style ids) is kept, keyed by the
file's path, size and modification time, so an edited template is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

MAX_FILES = 32  # more templates than a templates folder holds


def per_file(store: dict, path: Path, work: Callable[[Path], object]):
    """work(path), from `store` when this file, unchanged, was worked on before."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in store:
        if len(store) >= MAX_FILES:
            store.clear()
        store[key] = work(path)
    return store[key]
