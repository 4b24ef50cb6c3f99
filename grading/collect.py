"""``collect``: an LMS download (zip, or folder of zips and notebooks) into ``submitted/``.

Each notebook's path inside the download is matched against file-name patterns (regular
expressions with a ``student`` group; built in for common LMS exports, more with
``--pattern``). The assignment is the course assignment whose name the file name contains;
the notebook is filed as ``submitted/<student>/<assignment>/<assignment>.ipynb`` whatever the
LMS called it (``01_x (1).ipynb``, ``01_x-2.ipynb``). Files that match no pattern, name no
assignment, or collide with another file for the same student are listed, never guessed.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .course import Course
from .grader import safe_name

# Tried in order on the path inside the download (folders joined with "/").
BUILTIN_PATTERNS = [
    # Canvas: smithjane_12345_67890_01_softmax_policy.ipynb, smithjane_LATE_12345_67890_...
    r"(?:^|/)(?P<student>[a-z0-9]+)_(?:LATE_)?\d+_\d+_(?P<file>[^/]+)$",
    # Moodle: Jane Smith_12345_assignsubmission_file_/01_softmax_policy.ipynb
    r"(?:^|/)(?P<student>[^/_]+)_\d+_assignsubmission_file_?/(?:.*/)?(?P<file>[^/]+)$",
    # Blackboard: 01 Softmax_jsmith_attempt_2024-01-31-12-00-00_01_softmax_policy.ipynb
    r"(?:^|/)[^/]*?_(?P<student>[A-Za-z0-9.@-]+)_attempt_[\d-]+_(?P<file>[^/]+)$",
    # A folder per student and assignment: jsmith/01_softmax_policy/01_softmax_policy.ipynb
    r"(?:^|/)(?P<student>[A-Za-z0-9.@-]+)/\d\d_[A-Za-z0-9_-]+/(?P<file>[^/]+\.ipynb)$",
    # A folder per student: jsmith/01_softmax_policy.ipynb (the innermost folder names the student)
    r"(?:^|/)(?P<student>[A-Za-z0-9.@-]+)/(?P<file>[^/]+\.ipynb)$",
    # student__file: jsmith__01_softmax_policy.ipynb
    r"(?:^|/)(?P<student>[A-Za-z0-9.@-]+)__(?P<file>[^/]+)$",
]


@dataclass
class Collected:
    placed: list[tuple[str, Path]] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)
    """(file in the download, why it was not placed)"""


def student_id(raw: str) -> str:
    """A folder-safe student id: ``Jane Smith`` -> ``jane-smith``."""
    sid = re.sub(r"[^a-z0-9.@-]+", "-", raw.strip().lower()).strip("-.")
    return sid


def _assignment_for(file_name: str, assignments: list[str]) -> str | None:
    """The assignment whose name the file name contains (the longest, if several do)."""
    hits = [a for a in assignments if a.lower() in file_name.lower()]
    return max(hits, key=len) if hits else None


def _entries(download: Path):
    """(path inside the download, bytes) for every notebook, unpacking zips (one level of nesting)."""
    def from_zip(zf: zipfile.ZipFile, prefix: str):
        for info in zf.infolist():
            name = info.filename
            if info.is_dir() or "__MACOSX" in name or PurePosixPath(name).name.startswith("."):
                continue
            if name.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(zf.read(info))) as inner:
                    yield from from_zip(inner, prefix + name[:-4] + "/")
            else:
                yield prefix + name, zf.read(info)

    if download.is_file() and download.suffix == ".zip":
        with zipfile.ZipFile(download) as zf:
            yield from from_zip(zf, "")
    elif download.is_dir():
        for path in sorted(download.rglob("*")):
            rel = path.relative_to(download).as_posix()
            if path.is_dir() or any(part.startswith(".") for part in PurePosixPath(rel).parts):
                continue
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as zf:
                    yield from from_zip(zf, rel[:-4] + "/")
            else:
                yield rel, path.read_bytes()
    else:
        raise SystemExit(f"{download}: expected a .zip file or a folder of zips and notebooks")


def collect(course: Course, download: Path, patterns: list[str] | None = None, force: bool = False,
            dry_run: bool = False) -> Collected:
    assignments = course.select_assignments()
    regexes = [re.compile(p) for p in (patterns or [])] + [re.compile(p) for p in BUILTIN_PATTERNS]
    for rx in regexes:
        if "student" not in rx.groupindex:
            raise SystemExit(f"pattern {rx.pattern!r} needs a (?P<student>...) group")
    out = Collected()
    seen: dict[Path, str] = {}
    entries = list(_entries(download))
    if not entries:
        raise SystemExit(f"{download}: empty download (no files found)")
    for rel, data in entries:
        if not rel.endswith(".ipynb"):
            out.unplaced.append((rel, "not a notebook"))
            continue
        match = next((m for rx in regexes if (m := rx.search(rel))), None)
        if match is None:
            out.unplaced.append((rel, "matches no file-name pattern (add one with --pattern)"))
            continue
        sid = student_id(match.group("student"))
        file_name = match.groupdict().get("file") or PurePosixPath(rel).name
        assignment = _assignment_for(file_name, assignments) or _assignment_for(rel, assignments)
        if not sid or not safe_name(sid):
            out.unplaced.append((rel, f"unusable student id {match.group('student')!r}"))
            continue
        if assignment is None:
            out.unplaced.append((rel, f"names no assignment of this course ({', '.join(assignments)})"))
            continue
        dest = course.root / "submitted" / sid / assignment / f"{assignment}.ipynb"
        if dest in seen:
            out.unplaced.append((rel, f"a second notebook for {sid}/{assignment} (first: {seen[dest]})"))
            continue
        seen[dest] = rel
        if dest.exists() and not force and dest.read_bytes() != data:
            out.unplaced.append((rel, f"{dest.relative_to(course.root)} exists with other content (use --force)"))
            continue
        if not dry_run:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        out.placed.append((rel, dest))
    return out


def report(result: Collected, root: Path) -> None:
    for rel, dest in result.placed:
        print(f"  {rel} -> {dest.relative_to(root)}")
    print(f"collect: {len(result.placed)} notebooks placed, {len(result.unplaced)} files not placed")
    for rel, why in result.unplaced:
        print(f"  NOT PLACED {rel}: {why}", file=sys.stderr)
