"""Tiny nbgrader notebooks built in code, for testing the checks themselves."""

from __future__ import annotations

import nbformat

SETUP = 'COURSE_INSTALL = ""\nimport pg_helpers as pg\nSEED = 0\nFAST = pg.fast_mode()'
ANSWER = 'def double(x):\n    """Return 2x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION'
VISIBLE = '# Visible test for double (1 point)\nassert double(3) == 6'
HIDDEN = '# Hidden tests for double (2 points): they run when your work is graded.\n### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS'


def md(source: str):
    return nbformat.v4.new_markdown_cell(source)


def code(source: str, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        meta = {"schema_version": 3, "grade": False, "solution": False, "locked": False}
        meta.update(nbgrader)
        cell.metadata["nbgrader"] = meta
    return cell


def answer(source: str = ANSWER, gid: str = "double"):
    return code(source, solution=True, grade_id=gid)


def test(source: str, gid: str, points: float):
    return code(source, grade=True, locked=True, grade_id=gid, points=points)


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def good_notebook():
    """A notebook that passes every lint check: title with points, setup, answer, tests."""
    return notebook(
        md("# 00 · Double\n\n**Points: 3**"),
        code(SETUP),
        answer(),
        test(VISIBLE, "test_double", 1),
        test(HIDDEN, "test_double_hidden", 2),
    )


def demo(source: str):
    """A plain code cell tagged ``demo`` (an experiment the grader may leave unrun)."""
    cell = code(source)
    cell.metadata["tags"] = ["demo"]
    return cell


def with_demo(demo_cell, *after):
    """The good notebook with ``demo_cell`` after the setup, followed by ``after`` cells."""
    nb = good_notebook()
    nb.cells[2:2] = [demo_cell, *after]
    return nb
