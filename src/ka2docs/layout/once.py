"""Work done once per process: on a template file while the file stays as it is, and
on the same inputs twice in one build.

A build renders every template many times (a national build thousands); what depends
only on the file (its bytes, its parsed parts, its style ids) is kept, keyed by the
file's path, size and modification time, so an edited template is read again. A few
things are made twice from the same inputs (a bulletin's chart in its Word, HTML and
e-mail copies; the draft submission written beside the e-mail that attaches it): the
second time takes the first one's bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

MAX_FILES = 32  # more templates than a templates folder holds
MAX_REMEMBERED = 64  # results kept per store: a bulletin's copies are rendered one after another


def per_file(store: dict, path: Path, work: Callable[[Path], object]):
    """work(path), from `store` when this file, unchanged, was worked on before."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in store:
        if len(store) >= MAX_FILES:
            store.clear()
        store[key] = work(path)
    return store[key]


_STORES: list[dict] = []  # every store remembered() has filled, so a worker can empty them between areas


def remembered(store: dict, key: str, work: Callable[[], bytes]) -> bytes:
    """work(), or what it gave last time for the same key (the oldest is forgotten first)."""
    if not any(known is store for known in _STORES):
        _STORES.append(store)
    if key not in store:
        if len(store) >= MAX_REMEMBERED:
            store.pop(next(iter(store)))
        store[key] = work()
    return store[key]


def forget() -> None:
    """Empty what one build remembered (a national worker, between areas: no area's
    charts or workbooks serve another's, and memory stays flat however many it builds)."""
    from . import zipfile_

    for store in _STORES:
        store.clear()
    zipfile_.forget()
