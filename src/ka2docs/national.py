"""Build many areas at once: every area's documents, one process pool over all cores.

A Government or regional office holds one data folder per area (AREAS/<area>/, each
what `ka2docs build --data` reads). Each area is one task and an ordinary build into
OUT/<area>/ with its own manifest, temporary folder, swap and carry-over, so an area
built here is byte for byte what `ka2docs build` writes for it, and an area whose data
did not change is left untouched. One area's bad data stops only that area.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .build import build, process_pool, release_frozen, workers
from .errors import DataError, Ka2docsError, problem

AGREEMENT_FILE = "agreement.yaml"
DATA_SUFFIXES = (".csv", ".xlsx")


@dataclass
class AreaResult:
    area: str
    documents: int = 0
    written: int = 0
    reused: int = 0
    unchanged: bool = False
    problems: list[str] = field(default_factory=list)  # one line each; empty when the area built
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def areas(areas_dir: Path, out: Path | None = None) -> list[Path]:
    """The area folders, in name order: those holding agreement.yaml, and those that look
    meant to (data tables, an agreement.yml), so that a misnamed file fails its area
    aloud instead of leaving it out of the national build."""
    areas_dir = Path(areas_dir)
    if not areas_dir.is_dir():
        raise DataError([problem(str(areas_dir), 0, "", "no such folder (allowed: a folder holding one data folder per area)")])
    skip = Path(out).resolve() if out is not None else None
    found = sorted(p for p in areas_dir.iterdir() if p.is_dir() and p.resolve() != skip and _looks_like_area(p))
    if not found:
        raise DataError([problem(str(areas_dir), 0, "", f"holds no area (allowed: sub-folders each with {AGREEMENT_FILE} and the data tables)")])
    return found


def _looks_like_area(folder: Path) -> bool:
    if (folder / AGREEMENT_FILE).is_file():
        return True
    if (folder / "manifest.json").is_file():  # a build's output folder, not data
        return False
    return any(p.suffix.lower() in DATA_SUFFIXES or p.name.lower() == "agreement.yml" for p in folder.iterdir() if p.is_file())


def build_all(areas_dir: Path, out: Path, templates: Path, as_at: dt.date, *, jobs: int | None = None, progress=None) -> list[AreaResult]:
    """Build every area into out/<area>/; one result per area, in name order.

    jobs: processes (default: one per core). progress(done, total) counts areas.
    """
    out, templates = Path(out), Path(templates)
    folders = areas(areas_dir, out)
    tasks = [(folder, out / folder.name, templates, as_at) for folder in folders]
    count = workers(jobs, len(tasks))
    results: list[AreaResult] = []
    if count == 1:
        for task in tasks:
            results.append(_build_area(task))
            if progress:
                progress(len(results), len(tasks))
    else:
        with process_pool(count) as pool:
            for result in pool.imap_unordered(_build_area, tasks):
                results.append(result)
                if progress:
                    progress(len(results), len(tasks))
    return sorted(results, key=lambda r: r.area)


def _build_area(task: tuple[Path, Path, Path, dt.date]) -> AreaResult:
    """One area, rendered in this process (the pool is already one process per core)."""
    folder, out, templates, as_at = task
    start = time.perf_counter()
    try:
        done = build(folder, out, templates, as_at, jobs=1)
    except Ka2docsError as exc:
        return AreaResult(folder.name, problems=str(exc).splitlines(), seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - one area's surprise must not stop the others; said, not hidden
        line = f"{folder}: unexpected error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} (allowed: run `ka2docs build --debug --data {folder}` for the traceback)"
        return AreaResult(folder.name, problems=[line], seconds=time.perf_counter() - start)
    finally:
        release_frozen()
    return AreaResult(
        folder.name, documents=len(done.documents), written=len(done.written), reused=len(done.reused),
        unchanged=done.unchanged, seconds=time.perf_counter() - start,
    )
