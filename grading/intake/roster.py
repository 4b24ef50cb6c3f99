"""``roster import``: the class list an LMS exports, into the gradebook's students.

Each row becomes an nbgrader ``Student`` (id = the student's key, ``first_name``, ``last_name``,
``email``, ``lms_user_id`` = the LMS's id), so ``export`` has a row for every enrolled student and
``collect`` can tell who is not enrolled. Three layouts are read (the header row tells which):

- Canvas, the gradebook export: ``Student`` (``Last, First``), ``ID`` (the user id in the
  submission download), ...; the ``Points Possible`` row and rows without an id are skipped.
- Moodle, an assignment's grading worksheet: ``Identifier`` (``Participant 999``: the id in the
  submission download), ``Full name``, ``Email address``, ...
- A plain CSV: ``id`` and ``name`` (or ``first_name`` and ``last_name``), optionally ``email``.

A full name the roster does not split (Moodle, plain ``name``) is kept whole in ``last_name``:
no guess about which part is the family name. Importing again updates names and e-mails; keys
never change (see ``students.py``).
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..base import gradebook as gbmod
from ..base.course import Course, safe_name
from .students import normal_id, registry


@dataclass(frozen=True)
class Entry:
    lms_id: str
    first_name: str
    last_name: str
    email: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def _norm(header: str) -> str:
    return re.sub(r"[\s_-]+", " ", header.strip().lower())


def _canvas(rows: list[dict]) -> list[Entry]:
    out = []
    for row in rows:
        lms_id, student = row.get("id", "").strip(), row.get("student", "").strip()
        if not lms_id or student.lower() == "points possible":
            continue
        last, _, first = student.partition(",")
        out.append(Entry(lms_id, first.strip(), last.strip(), row.get("email", "").strip()))
    return out


def _moodle(rows: list[dict]) -> list[Entry]:
    out = []
    for row in rows:
        match = re.search(r"(\d+)", row.get("identifier", ""))
        if match:
            out.append(Entry(match.group(1), "", row.get("full name", "").strip(),
                             row.get("email address", "").strip()))
    return out


def _plain(rows: list[dict]) -> list[Entry]:
    out = []
    for row in rows:
        lms_id = row.get("id", "").strip()
        if not lms_id:
            continue
        first = row.get("first name", "").strip()
        last = row.get("last name", "").strip() or row.get("name", "").strip()
        out.append(Entry(lms_id, first, last, row.get("email", "").strip()))
    return out


def read_roster(path: Path) -> list[Entry]:
    """The students listed in ``path``; a clear error for a layout it does not know."""
    if not path.is_file():
        raise SystemExit(f"roster {path}: no such file (expected a CSV exported from Canvas or Moodle, "
                         "or one with columns id, name, email)")
    text = path.read_text(encoding="utf-8-sig")  # Excel and Moodle write a byte-order mark
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    headers = {_norm(h) for h in reader.fieldnames or []}
    rows = [{_norm(k): (v or "") for k, v in row.items() if k is not None} for row in reader]
    if {"identifier", "full name"} <= headers:
        entries = _moodle(rows)
    elif {"student", "id"} <= headers:
        entries = _canvas(rows)
    elif "id" in headers and ({"name"} <= headers or {"first name", "last name"} <= headers):
        entries = _plain(rows)
    elif "id number" in headers:
        raise SystemExit(f"roster {path}: this looks like Moodle's grades export, whose 'ID number' is not the "
                         "participant id in the submission download; export the assignment's grading "
                         "worksheet instead (Identifier, Full name, Email address)")
    else:
        raise SystemExit(f"roster {path}: unknown layout; expected Canvas (Student, ID), Moodle's grading "
                         f"worksheet (Identifier, Full name) or id, name[, email]; found columns: "
                         f"{', '.join(reader.fieldnames or []) or 'none'}")
    if not entries:
        raise SystemExit(f"roster {path}: no students in it")
    dupes = sorted({e.lms_id for e in entries if sum(normal_id(x.lms_id) == normal_id(e.lms_id) for x in entries) > 1})
    if dupes:
        raise SystemExit(f"roster {path}: ids listed more than once: {', '.join(dupes[:20])}")
    return entries


def import_roster(course: Course, path: Path, db: str | None = None, dry_run: bool = False) -> dict[str, Entry]:
    """Put the roster's students into the gradebook; return key -> entry."""
    entries = read_roster(path)
    url = gbmod.gradebook_url(course, db)
    keys = registry(course, db)
    placed: dict[str, Entry] = {}
    for entry in entries:
        key = keys.key_for(entry.lms_id, entry.name)
        if not key or not safe_name(key):
            raise SystemExit(f"roster {path}: id {entry.lms_id!r} ({entry.name}) cannot be a student key; "
                             "expected digits or a username of letters, digits, '.', '@', '-'")
        if key in placed:
            raise SystemExit(f"roster {path}: ids {placed[key].lms_id!r} and {entry.lms_id!r} both give the key {key!r}")
        placed[key] = entry
    if dry_run:
        return placed
    with gbmod.open_gradebook(url) as gb:
        for key, entry in placed.items():
            gb.update_or_create_student(key, first_name=entry.first_name or None, last_name=entry.last_name or None,
                                        email=entry.email or None, lms_user_id=entry.lms_id)
        gone = sorted(s.id for s in gb.students if s.lms_user_id and s.id not in placed)
    print(f"roster: {len(placed)} students imported into {url.split('@')[-1]}", file=sys.stderr)
    if gone:
        print(f"roster: {len(gone)} students from an earlier roster are not in this one (kept, with their "
              f"grades): {', '.join(gone[:20])}", file=sys.stderr)
    return placed
