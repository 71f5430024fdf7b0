"""Office files are zip archives; make them byte-identical for identical content.

`archive` writes the zip format itself, with the bytes the standard library's zipfile
writes for the same members (tested), for two reasons measured on a build: most parts
of a document are byte for byte its template's (styles, theme, settings), and deflating
them again for every document was 42% of the build's deflating, so a part seen before
takes its compressed bytes from the last time; and zipfile's per-member bookkeeping
cost as much again as the deflating it wraps.
"""

from __future__ import annotations

import io
import struct
import zlib

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no trace of when we ran
COMPRESSED = (".png", ".jpeg", ".jpg", ".gif")  # deflating these again costs time and saves nothing
STORED, DEFLATED = 0, 8
VERSION = 20  # 2.0: deflate, the version zipfile writes for members like ours
UNIX = 3  # "made by" a Unix system (zipfile's choice on Linux and macOS): the same bytes everywhere
UTF8 = 0x800  # the flag for a name that is not ASCII
PERMISSIONS = 0o600 << 16  # rw------- : no trace of the user's umask
DOS_DATE = (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]
DOS_TIME = FIXED_TIME[3] << 11 | FIXED_TIME[4] << 5 | FIXED_TIME[5] // 2
LIMIT = 0xFFFFFFFF  # past this a member needs zip64, which no document of ours comes near
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")

_DEFLATED: dict[bytes, tuple[int, bytes]] = {}  # part bytes -> (crc, deflated): parts repeat across documents
_SEEN: set[int] = set()  # hashes of parts deflated once: a part is kept the second time it comes
_KEPT_BYTES = [0]
MAX_KEPT_BYTES = 16 * 1024 * 1024  # a templates folder's parts many times over


def normalise(data: bytes, compress: bool = True) -> bytes:
    """Rewrite an archive with fixed timestamps and permissions, members in their order."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return archive([(info.filename, source.read(info.filename)) for info in source.infolist()], compress)


def archive(members: list[tuple[str, bytes]], compress: bool = True) -> bytes:
    """A zip of (name, bytes) members, in order, with fixed timestamps and permissions.

    compress=False: every member stored as it is, for an archive read again and again
    in memory (a template), never written out."""
    out, central, offset = [], [], 0
    for name, body in members:
        encoded = name.encode("ascii") if name.isascii() else name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8
        method = STORED if not compress or name.lower().endswith(COMPRESSED) else DEFLATED
        crc, data = (zlib.crc32(body), body) if method == STORED else _deflate(body)
        if max(len(body), len(data), offset) >= LIMIT:
            raise ValueError(f"{name}: too large for a document archive")
        out += (_LOCAL.pack(b"PK\x03\x04", VERSION, 0, flags, method, DOS_TIME, DOS_DATE, crc, len(data), len(body), len(encoded), 0), encoded, data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, flags, method, DOS_TIME, DOS_DATE, crc, len(data), len(body), len(encoded), 0, 0, 0, 0, PERMISSIONS, offset) + encoded)
        offset += _LOCAL.size + len(encoded) + len(data)
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)


def _deflate(body: bytes) -> tuple[int, bytes]:
    """(crc32, raw deflate at zlib's default level), as zipfile writes a member."""
    found = _DEFLATED.get(body)
    if found is not None:
        return found
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    done = zlib.crc32(body), compressor.compress(body) + compressor.flush()
    key = hash(body)
    if key in _SEEN:  # the second time: a template's part, not one document's own
        if _KEPT_BYTES[0] + len(body) > MAX_KEPT_BYTES:
            _DEFLATED.clear()
            _KEPT_BYTES[0] = 0
        _DEFLATED[body] = done
        _KEPT_BYTES[0] += len(body) + len(done[1])
    elif len(_SEEN) < 100_000:
        _SEEN.add(key)
    return done


def forget() -> None:
    """Empty the parts kept (see layout.once.forget)."""
    _DEFLATED.clear()
    _SEEN.clear()
    _KEPT_BYTES[0] = 0
