"""Checks of a solution notebook and its release: metadata lint and leak detection.

Each function returns a list of problems (empty when all is well), one sentence each, so the
tests and ``python -m grading check`` report every problem at once.
"""

from __future__ import annotations

import ast
import re

from ..base import pyparse
from ..base.cells import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, grade_id, is_answer, is_test,
                          nbgrader_meta, points_in_comment, regions)

from ..base.demos import DEMO_TAG, bound_names, cells_to_skip, code_sources, read_names

MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
TOTAL_POINTS = re.compile(r"\*\*Points:\s*(\d+(?:\.\d+)?)\*\*")
SETUP_LINES = [
    (r"^COURSE_INSTALL = ", "the Colab install cell"),
    (r"^SEED = \d+", "SEED = <int>"),
    (r"^FAST = pg\.fast_mode\(\)", "FAST = pg.fast_mode()"),
]


def lint_source(nb) -> list[str]:
    """Problems in a solution notebook's nbgrader metadata and structure."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    total = 0.0
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        meta = nbgrader_meta(cell)
        if meta:
            if meta.get("schema_version") != 3:
                problems.append(f"{where}: nbgrader schema_version must be 3")
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                gid = meta.get("grade_id")
                if not gid or not GRADE_ID.match(gid):
                    problems.append(f"{where}: bad grade_id {gid!r} (letters, digits, _ and - only)")
                elif gid in seen:
                    problems.append(f"{where}: grade_id {gid!r} is also used by cell {seen[gid]}")
                else:
                    seen[gid] = index
        try:
            solutions = list(regions(cell.source, BEGIN_SOLUTION, END_SOLUTION))
            hidden = list(regions(cell.source, BEGIN_HIDDEN, END_HIDDEN))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if solutions and not is_answer(cell):
            problems.append(f"{where}: solution markers in a cell that is not an answer cell")
        if hidden and not is_test(cell):
            problems.append(f"{where}: hidden-test markers in a cell that is not a test cell")
        if is_answer(cell) and cell.cell_type == "code" and not solutions:
            problems.append(f"{where} ({grade_id(cell)}): answer cell without solution markers")
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            problems.append(f"{where}: stored outputs; clear them before committing")
        if is_test(cell):
            gid = grade_id(cell)
            points = meta.get("points")
            if not meta.get("locked"):
                problems.append(f"{where}: test cell {gid!r} must be locked")
            if not isinstance(points, (int, float)) or points <= 0:
                problems.append(f"{where}: test cell {gid!r} has points {points!r}")
                continue
            announced = points_in_comment(cell.source)
            if announced != points:
                problems.append(f"{where}: test cell {gid!r} is worth {points:g} points but its first line announces {announced}")
            total += points
            problems += _partial_credit_problems(where, gid, cell.source)
    for position, cell in enumerate(code_cells):
        if is_answer(cell):
            following = code_cells[position + 1] if position + 1 < len(code_cells) else None
            if following is None or not is_test(following):
                problems.append(f"answer cell {grade_id(cell)!r} must be followed directly by its test cell")
    stated = [float(m) for c in nb.cells if c.cell_type == "markdown" for m in TOTAL_POINTS.findall(c.source)]
    if not stated:
        problems.append("the notebook must state its total as **Points: N** in a markdown cell")
    elif stated[0] != total:
        problems.append(f"the notebook says **Points: {stated[0]:g}** but its test cells add up to {total:g}")
    problems += _demo_problems(nb)
    code = "\n".join(c.source for c in code_cells)
    for pattern, what in SETUP_LINES:
        if not re.search(pattern, code, re.MULTILINE):
            problems.append(f"the setup must define {what}")
    return problems


# Calls that end a test cell and return None: nbgrader turns a number shown by the last line of
# a test cell into partial credit (and this course's grader does not), so a test cell ends in one.
NONE_RETURNING_CALLS = re.compile(r"^(pg\.(passed|check_\w+)|print)$")


def _partial_credit_problems(where: str, gid: str, source: str) -> list[str]:
    try:
        body = pyparse.parse(source).body
    except SyntaxError as exc:
        return [f"{where}: test cell {gid!r} does not parse ({exc.msg}, line {exc.lineno})"]
    last = body[-1] if body else None
    if isinstance(last, ast.Expr):
        call = last.value.func if isinstance(last.value, ast.Call) else None
        if call is None or not NONE_RETURNING_CALLS.match(ast.unparse(call)):
            return [f"{where}: test cell {gid!r} ends with the expression {ast.unparse(last)[:60]!r}, whose value "
                    "nbgrader would read as partial credit; end it with pg.passed(...), a pg.check_* or print(...)"]
    return []


def _demo_problems(nb) -> list[str]:
    """A ``demo`` tag must be on a plain code cell whose names nothing after it reads."""
    problems = []
    tagged = [i for i, c in enumerate(nb.cells) if DEMO_TAG in c.get("metadata", {}).get("tags", [])]
    demos = set()
    for i in tagged:
        cell = nb.cells[i]
        if cell.cell_type != "code" or nbgrader_meta(cell):
            problems.append(f"cell {i}: only a plain code cell can be tagged {DEMO_TAG!r} (not markdown, "
                            "not an answer, test or read-only nbgrader cell)")
        else:
            demos.add(i)
    sources = code_sources(nb.cells)
    skipped = set(cells_to_skip(sources, demos, set()))
    for i in sorted(demos - skipped):
        binds = bound_names(sources[i]) or set()
        reads = {j: read_names(sources[j]) for j in range(i + 1, len(sources)) if j not in skipped}
        readers = {j: sorted(binds if r is None else binds & r) for j, r in reads.items()}  # None: unparsable
        readers = {j: names for j, names in readers.items() if names}
        problems.append(f"cell {i}: tagged {DEMO_TAG!r}, but later cells read what it defines, so the grader "
                        f"must run it: " + "; ".join(f"cell {j} reads {', '.join(n)}" for j, n in readers.items()))
    return problems


def check_course(course, assignments: list[str] | None = None) -> list[str]:
    """Every lint, leak and concept-check problem of the selected assignments, prefixed with where."""
    import nbformat

    from .concept_checks import guessing_problems, read_checks

    names = course.select_assignments(assignments)
    problems, checks = [], []
    for name in names:
        source = nbformat.read(course.source_notebook(name), as_version=4)
        problems += [f"solutions/{name}: {p}" for p in lint_source(source)]
        found, malformed = read_checks(name, source)
        checks += found
        problems += [f"solutions/{p}" for p in malformed]
        release_path = course.release_notebook(name)
        if not release_path.is_file():
            problems.append(f"notebooks/{name}: not released yet (run `python -m grading release`)")
        else:
            release = nbformat.read(release_path, as_version=4)
            problems += [f"notebooks/{name}: {p}" for p in find_leaks(source, release)]
    return problems + [f"concept checks: {p}" for p in guessing_problems(checks)]


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def secret_lines(source_nb) -> set[str]:
    """Lines of solution and hidden-test regions that do not also stand in the public part.

    A line like ``return p`` that the stub or the text shows anyway is public, not a leak.
    """
    secret: set[str] = set()
    public: set[str] = set()
    for cell in source_nb.cells:
        hidden: set[str] = set()
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            for region in regions(cell.source, begin, end):
                hidden |= _lines("\n".join(region))
        secret |= hidden
        public |= _lines(cell.source) - hidden - set(MARKERS)
    return secret - public


def find_leaks(source_nb, release_nb) -> list[str]:
    """Problems in a release: markers, solution or hidden-test lines, stored outputs."""
    problems: list[str] = []
    secret = secret_lines(source_nb)
    if not secret:
        problems.append("the source has no solution or hidden-test lines at all")
    for index, cell in enumerate(release_nb.cells):
        for marker in MARKERS:
            if marker in cell.source:
                problems.append(f"cell {index}: the release still has {marker!r}")
        leaked = sorted(_lines(cell.source) & secret)
        if leaked:
            problems.append(f"cell {index}: solution or hidden-test lines in the release: {leaked[:5]}")
        if cell.cell_type == "code" and cell.get("outputs"):
            problems.append(f"cell {index}: the release has stored outputs")
    return problems
