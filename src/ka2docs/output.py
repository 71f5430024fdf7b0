"""The output folder: ours only when it says so, held by one build at a time, swapped whole.

A build writes into a folder that does not exist yet, an empty one, or one a previous
build wrote (it holds our manifest). Anything else is a user's folder and is refused
before a byte is written: a build never deletes files it did not make. The folder itself
is kept as the user made it: its mode, the symlink that points at it, the mount it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from .errors import DataError, problem

MANIFEST = "manifest.json"
GENERATOR = "ka2docs"
TEMP_PREFIX = ".ka2docs-build-"
OLD_PREFIX = ".ka2docs-old-"
LOCK_PREFIX = ".ka2docs-lock-"
MANIFEST_KEYS = {"path": str, "kind": str, "format": str, "sha256": str, "size": int}


@dataclass
class Claim:
    """An output folder a build may write: where it really is, and what it held."""

    out: Path  # as the user named it
    real: Path  # symlinks resolved: where the files are
    manifest: dict | None  # the previous build's, when intact
    damaged: bool = False  # our manifest is there but cannot be read: build everything again


def _refuse(out: Path, message: str) -> DataError:
    return DataError([problem(str(out), 0, "", message)])


def _inside(a: Path, b: Path) -> bool:
    return a == b or b in a.parents


def claim(out: Path, data_dir: Path, templates: Path) -> Claim:
    """Check that `out` may be written, before anything is read or rendered."""
    out = Path(out)
    real = out.resolve()
    if out.exists() and not real.is_dir():
        raise _refuse(out, "is a file, not a folder; nothing was changed (allowed: a new folder, an empty one, or one a previous build wrote)")
    for name, folder in (("data", data_dir), ("templates", templates)):
        where = Path(folder).resolve()
        if _inside(real, where) or _inside(where, real):
            raise _refuse(out, f"overlaps the {name} folder {folder}; nothing was changed (allowed: a folder outside the data and templates)")
    if not real.is_dir() or not _contents(real):
        return Claim(out, real, None)
    text = _manifest_text(real)
    if text is None or f'"{GENERATOR}' not in text:
        raise _refuse(out, "holds files that no ka2docs build wrote (there is no manifest.json of ours); nothing was changed "
                           "(allowed: a new folder, an empty one, or one a previous build wrote)")
    manifest = _parse(text)
    return Claim(out, real, manifest, damaged=manifest is None)


def _contents(folder: Path) -> list[Path]:
    """What a user would see in the folder: our own staging and old copies left by a kill aside."""
    return [p for p in folder.iterdir() if not p.name.startswith((TEMP_PREFIX, OLD_PREFIX))]


def _manifest_text(folder: Path) -> str | None:
    try:
        return (folder / MANIFEST).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _parse(text: str) -> dict | None:
    """The manifest when every entry has the fields a build relies on; None when damaged."""
    try:
        manifest = json.loads(text)
    except ValueError:
        return None
    documents = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(documents, list):
        return None
    for entry in documents:
        if not isinstance(entry, dict) or any(not isinstance(entry.get(k), t) for k, t in MANIFEST_KEYS.items()):
            return None
        if Path(entry["path"]).is_absolute() or ".." in Path(entry["path"]).parts:
            return None
    return manifest


_HELD: set = set()  # the lock files this process holds open


def _forget_locks_in_child() -> None:
    """A forked worker closes its copy of the lock: if the build is killed, the lock goes
    with it, though a worker may still be finishing a render it was given."""
    for handle in list(_HELD):
        try:  # the descriptor now points at /dev/null: the file object stays safe to close
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, handle.fileno())
            os.close(null)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


class Lock:
    """One build at a time per output folder: a second exits 2 naming the process that holds it.

    The lock file stands beside the folder (the folder itself is swapped, so a file inside
    it would move away with the old output) and is removed when the build ends.
    """

    def __init__(self, real: Path):
        self.path = real.parent / f"{LOCK_PREFIX}{real.name}"
        self.handle = None

    def __enter__(self) -> Self:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = open(self.path, "a+", encoding="utf-8")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise _refuse(self.path.parent / self.path.name[len(LOCK_PREFIX):],
                              f"another build ({holder}) is writing this folder; nothing was changed (allowed: wait for it to finish, or build into another folder)") from None
            # The holder before us may have removed the file after we opened it: lock the one on disk.
            try:
                same = os.fstat(handle.fileno()).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        self.handle = handle
        _HELD.add(handle)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass
        _HELD.discard(self.handle)
        self.handle.close()


def staging_folder(real: Path) -> Path:
    """A fresh folder for the new output, on the same file system as `real`: beside it, or
    inside it when `real` is a mount point (a rename cannot cross into the folder above)."""
    for stale in _stale(real):
        shutil.rmtree(stale, ignore_errors=True)  # left by a killed build; the lock says no build runs
    if _is_mount(real):
        return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=real))
    real.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{real.name}-", dir=real.parent))


def _stale(real: Path) -> list[Path]:
    found = list(real.parent.glob(f"{TEMP_PREFIX}{real.name}-*"))
    if real.is_dir():
        found += [p for p in real.iterdir() if p.name.startswith((TEMP_PREFIX, OLD_PREFIX))]
    return found


def _is_mount(real: Path) -> bool:
    return real.is_dir() and os.path.ismount(real)


def swap_in(staging: Path, real: Path) -> None:
    """Put the new output in place of the old. The caller removes `staging` afterwards
    (it then holds the old output, or nothing)."""
    if not real.exists():
        os.chmod(staging, 0o777 & ~_umask())  # as a folder the user made would be
        os.rename(staging, real)
        staging.mkdir()
        return
    if staging.parent == real.parent:
        _keep_mode(real, staging)
        if sys.platform.startswith("linux") and _exchange(staging, real):
            return
    swap_contents(staging, real)


def swap_contents(staging: Path, real: Path) -> None:
    """Where the folder cannot be exchanged (a mount point, not Linux): move the old files
    out and the new ones in, the manifest last, so the folder stays ours throughout."""
    old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=real))
    for entry in _contents(real):
        if entry.name != MANIFEST:
            os.rename(entry, old / entry.name)
    for entry in staging.iterdir():
        if entry.name != MANIFEST:
            os.rename(entry, real / entry.name)
    os.replace(staging / MANIFEST, real / MANIFEST)
    shutil.rmtree(old, ignore_errors=True)


def _keep_mode(real: Path, staging: Path) -> None:
    info = real.stat()
    os.chmod(staging, stat.S_IMODE(info.st_mode))
    try:
        os.chown(staging, info.st_uid, info.st_gid)
    except OSError:  # not ours to give away: the folder stays the builder's
        pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two folders atomically (Linux 3.15+)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


# --- the staging folder's files and their manifest entries -------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_entry(path: str, kind: str, fmt: str, classification: str, body: bytes, key: str, template: str) -> dict:
    return {
        "path": path, "kind": kind, "format": fmt, "classification": classification,
        "sha256": sha256(body), "size": len(body), "fingerprint": key, "template": template,
    }


def carry_over(old: Path, new: Path, expected_sha: str) -> bool:
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
