"""Reading nbgrader cells: answer cells, test cells, solution and hidden-test regions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# "# Visible test for softmax (1 point)" / "# Hidden tests for softmax (2 points): ..."
POINTS_COMMENT = re.compile(r"^#.*\((\d+(?:\.\d+)?) points?\)")


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def regions(source: str, begin: str, end: str) -> Iterator[list[str]]:
    """Yield the lines strictly between each ``begin`` / ``end`` marker pair.

    Raises ``ValueError`` for unpaired or nested markers.
    """
    inside: list[str] | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == begin:
            if inside is not None:
                raise ValueError(f"line {number}: {begin!r} inside an open region")
            inside = []
        elif stripped == end:
            if inside is None:
                raise ValueError(f"line {number}: {end!r} without {begin!r}")
            yield inside
            inside = None
        elif inside is not None:
            inside.append(line)
    if inside is not None:
        raise ValueError(f"{begin!r} is never closed by {end!r}")


def without_markers(source: str) -> str:
    """The answer as a student who wrote the solution would hand it in: markers removed."""
    markers = {BEGIN_SOLUTION, END_SOLUTION}
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


def points_in_comment(source: str) -> float | None:
    """Points announced on a test cell's first line, e.g. ``(2 points)``; None if absent."""
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    match = POINTS_COMMENT.match(first)
    return float(match.group(1)) if match else None


def student_submission(release_nb, source_nb, answers: dict[str, str] | None = None):
    """A submission built from the released notebook, as a student would hand it in.

    Every answer cell gets the solution's code (markers removed), except those named in
    ``answers`` (grade_id -> source), which get the given source. ``answers=None`` hands in
    the solutions; pass ``{}`` for the same.
    """
    answers = dict(answers or {})
    solutions = {grade_id(c): without_markers(c.source) for c in source_nb.cells if is_answer(c)}
    unknown = set(answers) - set(solutions)
    if unknown:
        raise KeyError(f"no answer cells named {sorted(unknown)}; answer cells are {sorted(solutions)}")
    nb = nbformat.from_dict(release_nb)  # a deep copy
    for cell in nb.cells:
        if is_answer(cell):
            gid = grade_id(cell)
            cell.source = answers.get(gid, solutions[gid])
    return nb
