"""``collect``: an LMS download (zip, tar, or a folder of them and notebooks) into ``submitted/``.

The download is unpacked in memory by ``archive.unpack``, within limits (size per notebook and per
download, nesting depth, entries per archive) and refusing links and names that would leave the
folder; nothing is written until every file has been read and checked. Each notebook's path
inside the download is then matched against file-name patterns (regular expressions; built in for
common LMS exports, more with ``--pattern``): the ``student`` group is the LMS's unique id for
the student, an optional ``name`` group their name. ``students.Registry`` turns them into the
student's key (``zoe-nunez_999``, see ``students.py``). The assignment is the course assignment
whose name the file name contains; the notebook is filed as
``submitted/<key>/<assignment>/<assignment>.ipynb`` whatever the LMS called it. Files that match
no pattern, name no assignment, or collide with another file for the same student are listed,
never guessed; with a roster in the gradebook, students not on it are listed too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..base.course import Course, safe_name
from .archive import UnpackLimits, unpack
from .students import record_names, registry, student_id

__all__ = ["BUILTIN_PATTERNS", "Collected", "collect", "report", "student_id"]

# Tried in order on the path inside the download (folders joined with "/"). `student` is the
# LMS's unique id for the student, `name` (where the LMS writes one) their name in any script.
BUILTIN_PATTERNS = [
    # Canvas: smithjane_12345_67890_01_softmax_policy.ipynb (user id 12345), smithjane_LATE_12345_...
    r"(?:^|/)(?P<name>[^/_]+)_(?:LATE_)?(?P<student>\d+)_\d+_(?P<file>[^/]+)$",
    # Moodle: Zoë Ñúñez_999_assignsubmission_file_/01_softmax_policy.ipynb (participant id 999),
    # or without the folder: Zoë Ñúñez_999_assignsubmission_file_01_softmax_policy.ipynb
    r"(?:^|/)(?P<name>[^/_]+)_(?P<student>\d+)_assignsubmission_file_?(?:/(?:.*/)?)?(?P<file>[^/]+)$",
    # Blackboard: 01 Softmax_jsmith_attempt_2024-01-31-12-00-00_01_softmax_policy.ipynb (username)
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
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(file in the download, why it was not even read: limits, links, unsafe names)"""
    not_on_roster: list[tuple[str, str]] = field(default_factory=list)
    """(file in the download, student key) of placed files whose student the roster lacks"""
    named: int | None = 0
    """students given the name the download carries in the gradebook (None: no gradebook yet)"""


def _assignment_for(file_name: str, assignments: list[str]) -> str | None:
    """The assignment whose name the file name contains (the longest, if several do)."""
    hits = [a for a in assignments if a.lower() in file_name.lower()]
    return max(hits, key=len) if hits else None


def _compile(patterns: list[str]) -> list[re.Pattern]:
    regexes = []
    for p in patterns:
        try:
            rx = re.compile(p)
        except re.error as exc:
            raise SystemExit(f"pattern {p!r} is not a regular expression: {exc}") from None
        if "student" not in rx.groupindex:
            raise SystemExit(f"pattern {rx.pattern!r} needs a (?P<student>...) group")
        regexes.append(rx)
    return regexes


def collect(course: Course, download: Path, patterns: list[str] | None = None, force: bool = False,
            dry_run: bool = False, limits: UnpackLimits = UnpackLimits(), db: str | None = None) -> Collected:
    """File every notebook of ``download``; ``db`` is the gradebook whose roster and keys to use
    (default: the course's sqlite gradebook, if it exists)."""
    assignments = course.select_assignments()
    regexes = _compile(list(patterns or []) + BUILTIN_PATTERNS)
    unpacked = unpack(download, limits)
    if not (unpacked.notebooks or unpacked.others or unpacked.refused):
        raise SystemExit(f"{download}: empty download (no files found)")
    students = registry(course, db)
    submitted = (course.root / "submitted").resolve()
    out = Collected(refused=list(unpacked.refused))
    out.unplaced += [(rel, "not a notebook") for rel in unpacked.others]
    seen: dict[Path, str] = {}
    names: dict[str, str] = {}  # key -> the name the download writes, where its pattern has one
    for rel, data in unpacked.notebooks:
        match = next((m for rx in regexes if (m := rx.search(rel))), None)
        if match is None:
            out.unplaced.append((rel, "matches no file-name pattern (add one with --pattern)"))
            continue
        key = students.key_for(match.group("student"), match.groupdict().get("name"))
        file_name = match.groupdict().get("file") or PurePosixPath(rel).name
        assignment = _assignment_for(file_name, assignments) or _assignment_for(rel, assignments)
        if not key or not safe_name(key):
            out.unplaced.append((rel, f"unusable student id {match.group('student')!r}"))
            continue
        if assignment is None:
            out.unplaced.append((rel, f"names no assignment of this course ({', '.join(assignments)})"))
            continue
        dest = course.root / "submitted" / key / assignment / f"{assignment}.ipynb"
        if not dest.resolve().is_relative_to(submitted):  # a symlink planted under submitted/
            out.refused.append((rel, f"refused: {dest} resolves outside {submitted}"))
            continue
        if dest in seen:
            out.unplaced.append((rel, f"a second notebook for {key}/{assignment} (first: {seen[dest]})"))
            continue
        seen[dest] = rel
        if dest.exists() and not force and dest.read_bytes() != data:
            out.unplaced.append((rel, f"{dest.relative_to(course.root)} exists with other content (use --force)"))
            continue
        if not dry_run:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        out.placed.append((rel, dest))
        names.setdefault(key, match.groupdict().get("name") or "")
        if not students.on_roster(key):
            out.not_on_roster.append((rel, key))
    if not dry_run:
        out.named = record_names(course, db, names)
    return out


def report(result: Collected, root: Path) -> None:
    for rel, dest in result.placed:
        print(f"  {rel} -> {dest.relative_to(root)}")
    print(f"collect: {len(result.placed)} notebooks placed, {len(result.unplaced)} files not placed, "
          f"{len(result.refused)} refused")
    if result.named is None:
        print("  names not recorded: no gradebook yet (`make release` creates it; then collect again)", file=sys.stderr)
    elif result.named:
        print(f"  {result.named} students named in the gradebook from the download (a roster import overrides)")
    for rel, why in result.unplaced:
        print(f"  NOT PLACED {rel}: {why}", file=sys.stderr)
    for rel, why in result.refused:
        print(f"  REFUSED {rel}: {why}", file=sys.stderr)
    for rel, key in result.not_on_roster:
        print(f"  NOT ON THE ROSTER {key} (from {rel}): placed; add them with `roster import` or remove "
              f"submitted/{key}/", file=sys.stderr)
