"""Unpacking an LMS download without trusting it: limits, and names that cannot leave ``submitted/``.

Everything is read into memory and checked before ``collect`` writes anything. Each member that
is not read says why (``Unpacked.refused``). What is checked, before a byte is decompressed where
the archive's headers allow it:

- size: a notebook (or any member read) over ``max_file_mb`` unpacked; the whole download over
  ``max_total_mb`` unpacked (what is past that limit is not read);
- shape: more than ``max_members`` entries in one archive, archives nested deeper than ``max_depth``;
- names and kinds: absolute paths, ``..`` parts, symbolic and hard links, devices, encrypted or
  corrupt members.

Zip and tar (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``) archives are read, at the top
and nested.
"""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MB = 1024 * 1024
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
BOMB_RATIO = 100  # a notebook compresses about 3-10 : 1; far more than this is a compression bomb


@dataclass(frozen=True)
class UnpackLimits:
    max_file_mb: float = 20.0
    """largest notebook read, unpacked (a nested archive counts towards the total only)"""
    max_total_mb: float = 1024.0
    """everything read from one download, unpacked"""
    max_depth: int = 3
    """archive levels: the download is 1, a zip a student uploaded inside it is 2"""
    max_members: int = 10_000
    """entries in one archive"""

    def __post_init__(self):
        if min(self.max_file_mb, self.max_total_mb) <= 0 or min(self.max_depth, self.max_members) < 1:
            raise SystemExit(f"unpack limits must be positive, got {self}")


@dataclass
class Unpacked:
    notebooks: list[tuple[str, bytes]] = field(default_factory=list)
    """(path inside the download, content) of every ``.ipynb`` read"""
    others: list[str] = field(default_factory=list)
    """paths of files that are neither notebooks nor archives (listed, never read)"""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(path inside the download, why it was not read)"""


def is_archive(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".zip") or lower.endswith(TAR_SUFFIXES)


def _stem(name: str) -> str:
    """``a/b.tar.gz`` -> ``a/b``: nested archives become folders in the paths collect matches."""
    lower = name.lower()
    for suffix in (".zip",) + TAR_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def unsafe_name(name: str) -> str | None:
    """Why a member name could point outside the folder it is unpacked into, or None."""
    if "\x00" in name:
        return "a NUL character in its name"
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in parts:
        return "a '..' in its path"
    return None


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB"


class _Reader:
    """One pass over a download; collects notebooks, other names and refusals."""

    def __init__(self, limits: UnpackLimits):
        self.limits = limits
        self.max_file = int(limits.max_file_mb * MB)
        self.max_total = int(limits.max_total_mb * MB)
        self.total = 0
        self.out = Unpacked()

    def refuse(self, rel: str, why: str) -> None:
        self.out.refused.append((rel, why))

    def admit(self, rel: str, size: int, packed: int | None) -> bool:
        """Whether a member of ``size`` unpacked bytes may be read; refuses it otherwise.

        A nested archive is held whole in memory too, so it counts towards the download's total,
        but the limit per file is for what it holds, not for itself.
        """
        if size > self.max_file and not is_archive(rel):
            bomb = f"; compressed {size // max(packed, 1)}:1, a compression bomb" if packed and size > BOMB_RATIO * packed else ""
            self.refuse(rel, f"{_mb(size)} unpacked, over the {self.limits.max_file_mb:g} MB limit per file{bomb}")
            return False
        if self.total + size > self.max_total:
            self.refuse(rel, f"the download unpacks to more than the {self.limits.max_total_mb:g} MB limit; "
                             "not read (raise --max-download-mb, or collect in parts)")
            return False
        self.total += size
        return True

    def take(self, rel: str, data: bytes, depth: int) -> None:
        """A member's content: an archive to open, a notebook to keep."""
        if is_archive(rel):
            self.archive(rel, data, depth + 1, _stem(rel) + "/")
        else:
            self.out.notebooks.append((rel, data))

    def wanted(self, rel: str, depth: int) -> bool:
        """Notebooks, and archives not nested too deep, are read; anything else is only listed."""
        if is_archive(rel) and depth >= self.limits.max_depth:
            self.refuse(rel, f"an archive nested {depth + 1} deep (limit {self.limits.max_depth} levels); not read")
            return False
        if rel.lower().endswith(".ipynb") or is_archive(rel):
            return True
        self.out.others.append(rel)
        return False

    def cap(self, rel: str, size: int) -> int:
        """Bytes to read at most: a header that lies about the size stops there."""
        return size if is_archive(rel) else self.max_file

    def archive(self, rel: str, data: bytes | Path, depth: int, prefix: str) -> None:
        """Read the archive ``rel`` (bytes, or a file at the top level; depth 1 is the download),
        naming its members ``prefix`` + their name."""
        if depth > self.limits.max_depth:
            self.refuse(rel, f"an archive nested {depth} deep (limit {self.limits.max_depth} levels); not read")
            return
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        try:
            if rel.lower().endswith(".zip"):
                with zipfile.ZipFile(source) as zf:
                    self.zip_members(zf, rel, prefix, depth)
            else:
                with tarfile.open(fileobj=source) if isinstance(source, io.BytesIO) else tarfile.open(source) as tf:
                    self.tar_members(tf, rel, prefix, depth)
        except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError, ValueError) as exc:
            self.refuse(rel, f"unreadable archive ({type(exc).__name__}: {exc})")

    def zip_members(self, zf: zipfile.ZipFile, rel: str, prefix: str, depth: int) -> None:
        infos = zf.infolist()
        if len(infos) > self.limits.max_members:
            self.refuse(rel, f"{len(infos)} entries, over the limit of {self.limits.max_members} per archive; not read")
            return
        for info in infos:
            name = prefix + info.filename
            why = unsafe_name(info.filename)
            if why:
                self.refuse(name, f"refused: {why}")
                continue
            mode = info.external_attr >> 16
            if info.is_dir() or _hidden(info.filename):
                continue
            if stat.S_ISLNK(mode):
                self.refuse(name, "refused: a symbolic link")
                continue
            if not self.wanted(name, depth):
                continue
            if info.flag_bits & 0x1:
                self.refuse(name, "encrypted (password-protected); not read")
                continue
            if not self.admit(name, info.file_size, info.compress_size):
                continue
            try:
                with zf.open(info) as f:
                    data = f.read(self.cap(name, info.file_size) + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                self.refuse(name, f"corrupt member ({type(exc).__name__}: {exc})")
                continue
            if len(data) > self.cap(name, info.file_size):
                self.refuse(name, f"more than its header says, or over the {self.limits.max_file_mb:g} MB limit per file")
                continue
            self.take(name, data, depth)

    def tar_members(self, tf: tarfile.TarFile, rel: str, prefix: str, depth: int) -> None:
        count = 0
        # One member at a time: a compressed tar is a stream, and listing it all first would
        # decompress it all, bomb included.
        while (member := tf.next()) is not None:
            count += 1
            if count > self.limits.max_members:
                self.refuse(rel, f"more than {self.limits.max_members} entries, the limit per archive; the rest not read")
                return
            name = prefix + member.name
            why = unsafe_name(member.name)
            if why:
                self.refuse(name, f"refused: {why}")
                continue
            if member.isdir() or _hidden(member.name):
                continue
            if member.issym() or member.islnk():
                self.refuse(name, f"refused: a {'symbolic' if member.issym() else 'hard'} link")
                continue
            if not member.isfile():
                self.refuse(name, "refused: not a regular file (device, FIFO)")
                continue
            if not self.wanted(name, depth) or not self.admit(name, member.size, None):
                continue
            f = tf.extractfile(member)
            self.take(name, f.read(self.cap(name, member.size)) if f else b"", depth)


def _hidden(name: str) -> bool:
    """macOS resource forks and dot-files, which LMS zips made on a Mac are full of."""
    path = PurePosixPath(name)
    return "__MACOSX" in path.parts or any(part.startswith(".") for part in path.parts)


def unpack(download: Path, limits: UnpackLimits = UnpackLimits()) -> Unpacked:
    """Every notebook in ``download`` (an archive, or a folder of archives and notebooks), checked."""
    reader = _Reader(limits)
    if download.is_file() and is_archive(download.name):
        reader.archive(download.name, download, 1, "")
    elif download.is_dir():
        for path in sorted(download.rglob("*")):
            rel = path.relative_to(download).as_posix()
            if _hidden(rel) or (path.is_dir() and not path.is_symlink()):
                continue
            if path.is_symlink():
                reader.refuse(rel, "refused: a symbolic link")
                continue
            if not path.is_file():
                reader.refuse(rel, "refused: not a regular file (device, FIFO)")
                continue
            if not reader.wanted(rel, 0):
                continue
            if is_archive(rel):  # read member by member, never whole
                reader.archive(rel, path, 1, _stem(rel) + "/")
            elif reader.admit(rel, path.stat().st_size, None):
                reader.take(rel, path.read_bytes(), 0)
    else:
        raise SystemExit(f"{download}: expected a .zip or .tar(.gz) file, or a folder of archives and notebooks")
    return reader.out
