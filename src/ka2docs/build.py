"""Gather and check everything first, render into a temporary folder, swap it in last.

A build that stops half-way (an error, a kill, a power cut) leaves the previous output
and its manifest exactly as they were. A build whose inputs have not changed touches
no file at all; otherwise only documents whose context or template changed are rendered
again, the rest are carried over from the previous output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import DataError, TemplateError, problem
from .output import MANIFEST, Claim, Lock, carry_over, claim, manifest_entry, sha256, staging_folder, swap_in

if TYPE_CHECKING:
    from .documents.document import Document



@dataclass
class BuildResult:
    out: Path
    unchanged: bool = False
    written: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    pdf: object = None  # formats.pdf.Report when PDFs were converted
    gaps: list = field(default_factory=list)  # what the agreement still lacks (errors.Problem)
    notes: list[str] = field(default_factory=list)  # what the build noticed about the output folder


def inputs_digest(data_dir: Path, templates: Path, as_at: dt.date, options: dict) -> str:
    """One hash over every input file, the code and the options: equal means nothing to do."""
    digest = hashlib.sha256(json.dumps({"as_at": as_at.isoformat(), "options": options, "version": __version__}, sort_keys=True).encode())
    code = Path(__file__).parent
    for root in (data_dir, templates, code):
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


_TEMPLATE_BYTES: dict = {}


def fingerprint(document: Document, templates: Path) -> str:
    """What a document is made from: its context, its templates' bytes, our version."""
    from .layout.once import per_file

    digest = hashlib.sha256(json.dumps(document.context, sort_keys=True, default=str).encode())
    for name in document.templates:
        template = templates / name
        digest.update(per_file(_TEMPLATE_BYTES, template, Path.read_bytes) if template.is_file() else b"")  # read once per build, not per document
    digest.update(__version__.encode())
    return digest.hexdigest()


def manifest_intact(out: Path, manifest: dict) -> bool:
    """Every document the manifest lists is there with the bytes it had.

    Every document is hashed: a check on size and age alone was fooled by what users do
    (saving manifest.json again, moving back an edited copy that kept its old date, a
    symlink to one), and 7 MB hash in about 20 ms."""
    return all(_same_bytes(out / d["path"], d["sha256"]) for d in manifest["documents"])


def _same_bytes(path: Path, expected_sha: str) -> bool:
    try:
        return sha256(path.read_bytes()) == expected_sha
    except OSError:
        return False


def build(data_dir: Path, out: Path, templates: Path, as_at: dt.date, *, pdf: bool = False, progress=None, jobs: int | None = None, strict: bool = False,
          pdf_server: bool = True) -> BuildResult:
    """Build every document due as at the date into `out`.

    jobs: processes rendering documents (default: one per core, at most MAX_WORKERS);
    1 renders here, in this process. The files are the same either way.
    strict: fail on the agreement's gaps (an indicator with no lead) instead of reporting
    them in result.gaps; the sign-up matrix shows them either way.
    pdf_server: with pdf, convert through the user's PDF server (started if none runs);
    False: this build's own LibreOffice workers (build_pdf.py). The PDFs are the same.
    """
    data_dir, out, templates = Path(data_dir), Path(out), Path(templates)
    target = claim(out, data_dir, templates)
    with Lock(target.real):
        return _build(data_dir, target, templates, as_at, pdf and ("server" if pdf_server else "own"), progress, jobs, strict)


def _build(data_dir: Path, target: Claim, templates: Path, as_at: dt.date, pdf: str | bool, progress, jobs: int | None, strict: bool) -> BuildResult:
    out, old = target.out, target.manifest
    options = {"pdf": bool(pdf), "strict": strict}  # the PDFs are the same whichever way they are made
    digest = inputs_digest(data_dir, templates, as_at, options)
    if old and old.get("inputs") == digest and manifest_intact(target.real, old):
        return BuildResult(out, unchanged=True, documents=old["documents"])

    # Imported only now: a build with nothing to do should not pay for them.
    from .documents.plan import plan_by_kind
    from .validate import check

    # The workers start now and load the Word and Excel libraries while this process
    # reads and checks the data, so even a build of a few documents finds them ready.
    count = workers(jobs, MAX_WORKERS)
    pool = process_pool(count) if count > 1 else None
    try:
        gaps: list = []
        data = check(data_dir, as_at, strict=strict, warnings=gaps)
        if pdf:
            from .layout import pdf as pdf_format

            pdf_format.require_libreoffice()
        result = _write(plan_by_kind(data, as_at), target, templates, as_at, digest, gaps, pool, progress, pdf)
        if target.damaged:
            result.notes.append(f"{out}/{MANIFEST} was damaged: every document was built again")
        return result
    finally:
        if pool is not None:
            pool.terminate()


def _write(kinds, target: Claim, templates: Path, as_at: dt.date, digest: str, gaps: list, pool, progress, pdf: str | bool) -> BuildResult:
    """Render into a staging folder (PDFs converted meanwhile), then swap it in."""
    previous = {d["path"]: d for d in (target.manifest or {}).get("documents", [])}
    out = target.real
    staging = staging_folder(out)
    result = BuildResult(target.out, gaps=gaps)
    pdfs = None
    try:
        if pdf:
            from .build_pdf import BuildPdfs

            pdfs = BuildPdfs(out, staging, previous, result, server=pdf == "server")
        documents, entries = _produce_all(kinds, templates, out, staging, previous, result, pool, progress, pdfs)
        if pdfs:
            entries += pdfs.finish(documents)
        # The generator first: a manifest cut short still says whose folder this is.
        manifest = {"generator": f"ka2docs {__version__}", "as_at": as_at.isoformat(), "inputs": digest, "documents": [dict(sorted(e.items())) for e in entries]}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        swap_in(staging, out)
    finally:
        if pdfs:
            pdfs.close()
        shutil.rmtree(staging, ignore_errors=True)  # after a swap this holds the old output
    result.documents = entries
    return result


def _missing_templates(documents: list[Document], templates: Path) -> set[str]:
    return {t for d in documents for t in d.templates if not (templates / t).is_file()}


def _produce_all(kinds, templates: Path, out: Path, staging: Path, previous: dict, result: BuildResult, pool, progress, pdfs=None) -> tuple[list[Document], list[dict]]:
    """Carry unchanged documents over, render the others; the documents and their manifest
    entries in plan order.

    kinds: (place in the plan, documents) of each kind as it is planned. A kind's renders
    start as soon as it is planned, in the workers if any, while the next kind is planned.
    Only this process writes files: workers return bytes, so the staging folder and the
    swap behave exactly as in a one-process build. With `pdfs` (build_pdf.BuildPdfs) each
    Word file goes to it as soon as it is in the staging folder, renders written as they
    finish.
    """
    planned: list[tuple[int, list[Document]]] = []
    made: dict[str, dict] = {}  # path -> manifest entry
    waiting: list = []  # (documents, fingerprints, bodies or the worker's pending answer)
    missing: set[str] = set()
    for place, documents in kinds:
        planned.append((place, documents))
        lacking = _missing_templates(documents, templates)
        missing |= lacking
        todo = []
        for document in documents:
            key = fingerprint(document, templates)
            target = staging / document.path
            target.parent.mkdir(parents=True, exist_ok=True)
            before = previous.get(document.path)
            if before and before.get("fingerprint") == key and carry_over(out / document.path, target, before["sha256"]):
                result.reused.append(document.path)
                made[document.path] = before
                if pdfs and document.format == "docx":
                    pdfs.add(document, before)
            else:
                todo.append((document, key))
        if not lacking:  # a kind whose template is missing is reported below, with every other one
            if pdfs:
                pdfs.order(todo)
            waiting += _start(todo, templates, pool)
    if missing:
        raise TemplateError([problem(str(templates / m), 0, "", "template file is missing (allowed: the shipped templates, restyled)") for m in sorted(missing)])
    documents = [document for _, kind in sorted(planned, key=lambda p: p[0]) for document in kind]
    done = len(made)
    for carried in range(1, done + 1) if progress else ():  # counted once the total is known
        progress(carried, len(documents))
    for batch, keys, bodies in _as_ready(waiting) if pdfs else ((b, k, _bodies(a)) for b, k, a in waiting):
        for document, key, body in zip(batch, keys, bodies):
            (staging / document.path).write_bytes(body)
            result.written.append(document.path)
            made[document.path] = manifest_entry(document.path, document.kind, document.format, document.classification, body, key, document.template)
            if pdfs and document.format == "docx":
                pdfs.add(document, made[document.path])
            done += 1
            if progress:
                progress(done, len(documents))
    order = {d.path: n for n, d in enumerate(documents)}
    result.written.sort(key=order.__getitem__)  # plan order, however many processes rendered
    result.reused.sort(key=order.__getitem__)
    return documents, [made[d.path] for d in documents]


def _start(todo: list[tuple[Document, str]], templates: Path, pool) -> list:
    """Renders begun: a bulletin's copies in one batch, to one worker, which shares what it
    made once among them (see Document.batch); without workers, rendered here and now."""
    batches: dict[str, list[tuple[Document, str]]] = {}
    for document, key in todo:
        batches.setdefault(document.batch, []).append((document, key))
    started = []
    for batch in batches.values():
        documents, keys = [d for d, _ in batch], [k for _, k in batch]
        answer = _render_batch((documents, templates)) if pool is None else pool.apply_async(_render_batch, ((documents, templates),))
        started.append((documents, keys, answer))
    return started


def _bodies(answer) -> list[bytes]:
    bodies, error = answer if isinstance(answer, tuple) else answer.get()
    if error:
        kind, problems = error
        raise kind(problems)
    return bodies


def _as_ready(waiting: list):
    """(documents, fingerprints, bodies) of each batch as its render finishes, so a long
    one does not hold back the Word files after it; an error raised is the first in plan
    order, as when they are taken in turn."""
    pending = list(range(len(waiting)))
    while pending:
        ready = [i for i in pending if isinstance(waiting[i][2], tuple) or waiting[i][2].ready()]
        if not ready:
            waiting[pending[0]][2].wait(0.01)
            continue
        for i in ready:
            answer = waiting[i][2]
            if (answer if isinstance(answer, tuple) else answer.get())[1] is not None:
                for j in (j for j in pending if j < i):
                    _bodies(waiting[j][2])  # an earlier batch's error first
                _bodies(answer)
            pending.remove(i)
            yield waiting[i][0], waiting[i][1], _bodies(answer)


MAX_WORKERS = 8  # a build of one area has about 80 documents: more workers would mostly start up


def workers(jobs: int | None, tasks: int) -> int:
    """How many processes to use: `jobs`, or one per core available, never more than tasks."""
    if jobs is None:
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, tasks))


def process_pool(count: int):
    """A pool of `count` processes: forked on Linux (they start with our modules loaded),
    each loading the renderers' libraries as it starts."""
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method).Pool(count, initializer=_worker_start)


COLLECT_EVERY = 4  # documents between two garbage collections in a worker
_WORKER = {"on": False, "rendered": 0}


def _worker_start() -> None:
    """In each worker as it starts. Ctrl-C is the parent's to handle (it ends the pool). A
    library that fails to load is reported by the first render: raising here would make
    the pool start workers again and again, and the build would never end."""
    import signal

    from .documents.plan import preload

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["on"] = True
    try:
        preload()
    except Exception as exc:  # noqa: BLE001 - whatever it was, the render reports it
        _WORKER["failed"] = exc


def _tidy() -> None:
    """In our own worker processes: free each few documents' garbage, then freeze the rest.

    python-docx leaves every document's parts in reference cycles; Python collects them
    only now and then, so a worker grows by ~9 MB a bulletin in between. A full collection
    scans every object (50 ms with the libraries loaded); freezing what survives (gc.freeze)
    leaves only the next few documents' objects to scan (about 2 ms a document). Frozen
    objects are still freed when nothing refers to them. Never in the caller's process:
    freezing is not a library's decision to make there.
    """
    if not _WORKER["on"]:
        return
    _WORKER["rendered"] += 1
    if _WORKER["rendered"] % COLLECT_EVERY == 0:
        import gc

        gc.collect()
        gc.freeze()


def release_frozen() -> None:
    """In our own workers, after each task (an area of build-all): forget what the area's
    build remembered (charts, workbooks, deflated parts), give the frozen objects back to
    the collector and collect, so a worker's memory does not grow with the number of areas
    it has built (frozen cycles, python-docx's, are otherwise never freed)."""
    if not _WORKER["on"]:
        return
    import gc

    from .layout.once import forget

    forget()
    gc.unfreeze()
    gc.collect()


def _render_batch(task: tuple[list[Document], Path]) -> tuple[list[bytes] | None, tuple | None]:
    """Render documents, in a worker or here; our errors travel back as (class, problems)."""
    documents, templates = task
    if "failed" in _WORKER:
        raise _WORKER["failed"]
    try:
        bodies = []
        for document in documents:
            bodies.append(document.render(templates))
            _tidy()
        return bodies, None
    except DataError as exc:  # TemplateError included; its problems are plain data
        return None, (type(exc), exc.problems)
