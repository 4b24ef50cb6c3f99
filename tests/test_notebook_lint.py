"""nbgrader metadata lint for every solution notebook."""

from __future__ import annotations

import re

import pytest

from grading.cells import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    grade_id,
    is_answer,
    is_test,
    nbgrader_meta,
    points_in_comment,
    regions,
)
from grading.course import Course

from .conftest import read_nb

NAMES = Course().assignments()
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
TOTAL_POINTS = re.compile(r"\*\*Points:\s*(\d+(?:\.\d+)?)\*\*")


@pytest.fixture(scope="module", params=NAMES)
def nb(request, course):
    return request.param, read_nb(course.source_notebook(request.param))


def test_grade_ids_valid_and_unique(nb):
    name, notebook = nb
    seen: dict[str, int] = {}
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        assert meta.get("schema_version") == 3, f"{name} cell {index}: nbgrader schema_version must be 3"
        if meta.get("grade") or meta.get("solution") or meta.get("locked"):
            gid = meta.get("grade_id")
            assert gid and GRADE_ID.match(gid), f"{name} cell {index}: bad grade_id {gid!r}"
            assert gid not in seen, f"{name}: grade_id {gid!r} used by cells {seen[gid]} and {index}"
            seen[gid] = index


def test_markers_paired_and_in_the_right_cells(nb):
    name, notebook = nb
    for index, cell in enumerate(notebook.cells):
        try:
            solutions = list(regions(cell.source, BEGIN_SOLUTION, END_SOLUTION))
            hidden = list(regions(cell.source, BEGIN_HIDDEN, END_HIDDEN))
        except ValueError as exc:
            pytest.fail(f"{name} cell {index}: {exc}")
        if solutions:
            assert is_answer(cell), f"{name} cell {index}: solution markers in a cell that is not an answer cell"
        if hidden:
            assert is_test(cell), f"{name} cell {index}: hidden-test markers in a cell that is not a test cell"
        if is_answer(cell) and cell.cell_type == "code":
            assert solutions, f"{name} cell {index} ({grade_id(cell)}): answer cell without solution markers"


def test_answer_cells_are_followed_by_tests(nb):
    name, notebook = nb
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for position, cell in enumerate(code):
        if is_answer(cell):
            following = code[position + 1] if position + 1 < len(code) else None
            assert following is not None and is_test(following), (
                f"{name}: answer cell {grade_id(cell)!r} must be followed directly by its test cell"
            )


def test_test_cells_locked_with_documented_points(nb):
    name, notebook = nb
    total = 0.0
    for cell in notebook.cells:
        if not is_test(cell):
            continue
        meta = nbgrader_meta(cell)
        gid = grade_id(cell)
        assert meta.get("locked"), f"{name}: test cell {gid!r} must be locked"
        points = meta.get("points")
        assert isinstance(points, (int, float)) and points > 0, f"{name}: test cell {gid!r} has points {points!r}"
        announced = points_in_comment(cell.source)
        assert announced == points, (
            f"{name}: test cell {gid!r} is worth {points} points but its first line announces {announced}"
        )
        total += points
    stated = [float(m) for c in notebook.cells if c.cell_type == "markdown" for m in TOTAL_POINTS.findall(c.source)]
    assert stated, f"{name}: the notebook must state its total as **Points: N** in a markdown cell"
    assert stated[0] == total, f"{name}: the notebook says **Points: {stated[0]:g}** but its test cells add up to {total:g}"


def test_setup_cells(nb):
    name, notebook = nb
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for pattern, what in [(r"^COURSE_INSTALL = ", "the Colab install cell"), (r"^SEED = \d+", "a SEED"),
                          (r"^FAST = pg\.fast_mode\(\)", "FAST = pg.fast_mode()")]:
        assert re.search(pattern, code, re.MULTILINE), f"{name}: the setup must define {what}"


def test_solutions_stored_without_outputs(nb):
    name, notebook = nb
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{name} cell {index}: clear outputs before committing a solution notebook"
            )
