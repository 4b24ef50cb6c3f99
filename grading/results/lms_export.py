"""Grades in the CSV layouts that Canvas and Moodle import: one row per student, one column per assignment.

- **Canvas** (Grades > Import): ``Student`` ("Last, First"), ``ID`` (Canvas's user id, the
  roster's ``lms_id``), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per
  assignment, and a ``Points Possible`` row under the header. Canvas matches students by ``ID``.
- **Moodle** (Grades > Import > CSV file): ``Email address``, ``Full name``, then one column per
  assignment; at import, map ``Email address`` to the user's email and each assignment column to a
  grade item (or "new grade item"). Moodle's participant ids change per assignment, so the email is
  the identifier that holds across the course.

A cell is the assignment's total (all its notebooks) when every notebook was graded (or flagged:
the grade stands, the flag is for the instructor); it is left **empty** when a notebook is missing
or failed, so the LMS shows no grade (its missing-work policy applies) instead of a silent 0, and
the command lists those cells on standard error. The long CSV (``export`` without ``--format``)
keeps every status and reason.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from ..base import gradebook as gbmod
from ..base.course import Course
from .export import rows as long_rows

FORMATS = ("canvas", "moodle")
GRADED = ("graded", "flagged")


def _totals(table: list[dict], names: list[str]) -> tuple[dict, dict, list[str]]:
    """Per student and assignment: the total or None (missing/failed); max points; the blank cells, explained."""
    totals: dict[str, dict[str, float | None]] = defaultdict(dict)
    maxima: dict[str, float] = defaultdict(float)
    blanks: list[str] = []
    seen_max: set[tuple[str, str]] = set()
    for row in table:
        student, name = row["student"], row["assignment"]
        if (name, row["notebook"]) not in seen_max:
            seen_max.add((name, row["notebook"]))
            maxima[name] += row["max_score"]
        current = totals[student].get(name, 0.0)
        if row["status"].split(" ")[0] in GRADED and current is not None:
            totals[student][name] = round(current + row["score"], 4)
        else:
            if current is not None:
                blanks.append(f"{student} / {name}: {row['status']}")
            totals[student][name] = None
    return totals, {n: maxima[n] for n in names}, blanks


def _people(course: Course, db: str | None) -> dict[str, dict]:
    """Roster details per student key: first and last name, email (empty when unknown)."""
    with gbmod.open_gradebook(gbmod.gradebook_url(course, db)) as gb:
        return {s.id: {"first": s.first_name or "", "last": s.last_name or "", "email": s.email or ""}
                for s in gb.students}


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def lms_table(course: Course, fmt: str, assignments: list[str] | None = None, db: str | None = None):
    """(header, rows, blanks) of the ``fmt`` layout for the course's gradebook; see ``layout``."""
    names = course.select_assignments(assignments)
    return layout(fmt, long_rows(course, names, db), _people(course, db), names)


def layout(fmt: str, table: list[dict], people: dict[str, dict], names: list[str]):
    """The ``fmt`` layout of the long export ``table`` (``export.rows``): (header, rows, blanks).

    ``people``: roster details per student key (``first``, ``last``, ``email``); rows are lists of
    strings, one per student (Canvas adds its ``Points Possible`` row first); ``blanks`` explains
    every empty cell and every row the LMS cannot match.
    """
    totals, maxima, blanks = _totals(table, names)
    ids = {row["student"]: row["lms_id"] for row in table}
    display = {row["student"]: row["name"] for row in table}
    out = []
    if fmt == "canvas":
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names]
        out.append(["Points Possible", "", "", "", "", *[_cell(maxima[n]) for n in names]])
        for student in sorted(totals):
            who = people.get(student, {})
            name = f"{who['last']}, {who['first']}" if who.get("first") and who.get("last") else display[student] or student
            out.append([name, ids[student] or "", "", "", "", *[_cell(totals[student].get(n)) for n in names]])
    elif fmt == "moodle":
        header = ["Email address", "Full name", *names]
        for student in sorted(totals):
            who = people.get(student, {})
            if not who.get("email"):
                blanks.append(f"{student}: no email in the roster, so Moodle cannot match this row "
                              "(import the grading worksheet with `python -m grading roster import`)")
            out.append([who.get("email", ""), display[student] or student, *[_cell(totals[student].get(n)) for n in names]])
    else:
        raise SystemExit(f"export: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return header, out, blanks


def lms_export(course: Course, fmt: str, output: Path | None, assignments: list[str] | None = None,
               db: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Write the ``fmt`` CSV to ``output`` (stdout if None); list the empty cells on stderr; return the table."""
    header, body, blanks = lms_table(course, fmt, assignments, db)
    if output is None:
        _write(sys.stdout, header, body)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output, "w", newline="", encoding="utf-8") as f:
            _write(f, header, body)
        print(f"export: {fmt} layout, {sum(1 for r in body if r[0] != 'Points Possible')} students written to {output}",
              file=sys.stderr)
    for line in blanks:
        print(f"export: left empty: {line}", file=sys.stderr)
    return header, body


def _write(stream, header: list[str], body: list[list[str]]) -> None:
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(body)
