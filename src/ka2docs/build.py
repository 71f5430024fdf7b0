"""Gather and check everything first, render into a temporary folder, swap it in last.

A build that stops half-way (an error, a kill, a power cut) leaves the previous output
and its manifest exactly as they were. A build whose inputs have not changed touches
no file at all; otherwise only documents whose context or template changed are rendered
again, the rest are carried over from the previous output.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .documents import Document, plan, render
from .errors import TemplateError, problem
from .validate import check

MANIFEST = "manifest.json"
TEMP_PREFIX = ".ka2docs-build-"


@dataclass
class BuildResult:
    out: Path
    unchanged: bool = False
    written: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_digest(data_dir: Path, templates: Path, as_at: dt.date, options: dict) -> str:
    """One hash over every input file, the code and the options: equal means nothing to do."""
    digest = hashlib.sha256(json.dumps({"as_at": as_at.isoformat(), "options": options, "version": __version__}, sort_keys=True).encode())
    code = Path(__file__).parent
    for root in (data_dir, templates, code):
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(document: Document, templates: Path) -> str:
    template = templates / document.template
    body = json.dumps(document.context, sort_keys=True, default=str).encode()
    return sha256(body + (template.read_bytes() if template.exists() else b"") + __version__.encode())


def read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def manifest_intact(out: Path, manifest: dict) -> bool:
    """Every document the manifest lists exists with the size it had (sha checked on reuse)."""
    return all((out / d["path"]).is_file() and (out / d["path"]).stat().st_size == d.get("size", -1) for d in manifest.get("documents", []))


def build(data_dir: Path, out: Path, templates: Path, as_at: dt.date, *, pdf: bool = False, progress=None) -> BuildResult:
    data_dir, out, templates = Path(data_dir), Path(out), Path(templates)
    options = {"pdf": pdf}
    digest = inputs_digest(data_dir, templates, as_at, options)
    old = read_manifest(out)
    if old and old.get("inputs") == digest and manifest_intact(out, old):
        return BuildResult(out, unchanged=True, documents=old["documents"])

    data = check(data_dir, as_at)
    documents = plan(data, as_at)
    _check_templates(documents, templates)
    if pdf:
        from .formats import pdf as pdf_format

        pdf_format.require_libreoffice()

    previous = {d["path"]: d for d in (old or {}).get("documents", [])}
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{out.name}-", dir=out.parent))
    result = BuildResult(out)
    try:
        entries = []
        for n, document in enumerate(documents, start=1):
            entries.append(_produce(document, templates, out, staging, previous, result))
            if progress:
                progress(n, len(documents))
        if pdf:
            entries += _pdfs(documents, entries, out, staging, previous, result)
        manifest = {"as_at": as_at.isoformat(), "generator": f"ka2docs {__version__}", "inputs": digest, "documents": entries}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after a swap this holds the old output
    result.documents = entries
    return result


def _check_templates(documents: list[Document], templates: Path) -> None:
    missing = sorted({d.template for d in documents if not (templates / d.template).is_file()})
    if missing:
        raise TemplateError([problem(str(templates / m), 0, "", "template file is missing (allowed: the shipped templates, restyled)") for m in missing])


def _produce(document: Document, templates: Path, out: Path, staging: Path, previous: dict, result: BuildResult) -> dict:
    key = fingerprint(document, templates)
    target = staging / document.path
    target.parent.mkdir(parents=True, exist_ok=True)
    before = previous.get(document.path)
    if before and before.get("fingerprint") == key and _carry_over(out / document.path, target, before["sha256"]):
        result.reused.append(document.path)
        return before
    body = render(document, templates)
    target.write_bytes(body)
    result.written.append(document.path)
    return _entry(document.path, document.kind, document.format, document.classification, body, key, document.template)


def _entry(path: str, kind: str, fmt: str, classification: str, body: bytes, key: str, template: str) -> dict:
    return {
        "path": path, "kind": kind, "format": fmt, "classification": classification,
        "sha256": sha256(body), "size": len(body), "fingerprint": key, "template": template,
    }


def _carry_over(old: Path, new: Path, expected_sha: str) -> bool:
    """Bring an unchanged document into the new output (a hard link: no copy, same bytes)."""
    try:
        if sha256(old.read_bytes()) != expected_sha:
            return False
        try:
            os.link(old, new)
        except OSError:
            shutil.copy2(old, new)
        return True
    except OSError:
        return False


def _pdfs(documents, entries, out, staging, previous, result) -> list[dict]:
    from .formats import pdf as pdf_format

    wanted = [(d, e) for d, e in zip(documents, entries) if d.format == "docx"]
    todo, made = [], []
    for document, entry in wanted:
        path = str(Path(document.path).with_suffix(".pdf"))
        before = previous.get(path)
        key = entry["sha256"]  # a PDF depends only on the Word file it was made from
        if before and before.get("fingerprint") == key and _carry_over(out / path, staging / path, before["sha256"]):
            result.reused.append(path)
            made.append(before)
        else:
            todo.append((document, path, key))
    pdf_format.convert([staging / document.path for document, _, _ in todo])
    for document, path, key in todo:
        body = (staging / path).read_bytes()
        result.written.append(path)
        made.append(_entry(path, document.kind, "pdf", document.classification, body, key, document.template))
    return made


def _remove_stale_temps(out: Path) -> None:
    """Folders left by a build that was killed: never part of any output."""
    for stale in out.parent.glob(f"{TEMP_PREFIX}{out.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` in one step where the system allows it."""
    if not out.exists():
        os.rename(staging, out)
        staging.mkdir()  # the caller removes it
        return
    if sys.platform.startswith("linux") and _exchange(staging, out):
        return
    # Elsewhere: two renames; a crash between them leaves the old output at `.old`.
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    os.rename(staging, out)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two folders atomically (Linux 3.15+)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
