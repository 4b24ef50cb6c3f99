"""nbgrader metadata lint: every solution notebook passes, and each check catches its mistake."""

from __future__ import annotations

import pytest

from grading.authoring.lint import lint_source
from grading.base.course import Course

from . import notebook_factory as nbf
from .conftest import read_nb


@pytest.mark.parametrize("name", Course().assignments())
def test_solution_notebook_passes_lint(course, name):
    problems = lint_source(read_nb(course.source_notebook(name)))
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_the_good_example_passes():
    assert lint_source(nbf.good_notebook()) == []


def _broken(index: int, cell):
    nb = nbf.good_notebook()
    nb.cells[index] = cell
    return nb


@pytest.mark.parametrize(
    "nb, expected",
    [
        (_broken(4, nbf.test(nbf.HIDDEN, "test_double", 2)), "grade_id 'test_double' is also used by cell 3"),
        (_broken(4, nbf.test(nbf.HIDDEN, "test double", 2)), "bad grade_id 'test double'"),
        (_broken(2, nbf.answer(nbf.ANSWER.replace("    ### END SOLUTION", ""))), "is never closed"),
        (_broken(2, nbf.answer("def double(x):\n    return 2 * x")), "answer cell without solution markers"),
        (_broken(3, nbf.code(nbf.VISIBLE)), "answer cell 'double' must be followed directly by its test cell"),
        (_broken(3, nbf.test(nbf.VISIBLE, "test_double", 2)), "worth 2 points but its first line announces 1"),
        (_broken(4, nbf.test(nbf.HIDDEN, "test_double_hidden", 2.5)), "but its first line announces 2"),
        (_broken(0, nbf.md("# 00 · Double\n\n**Points: 4**")), "says **Points: 4** but its test cells add up to 3"),
        (_broken(0, nbf.md("# 00 · Double")), "must state its total"),
        (_broken(1, nbf.code("import pg_helpers as pg")), "the setup must define the Colab install cell"),
        (_broken(1, nbf.code(nbf.HIDDEN)), "hidden-test markers in a cell that is not a test cell"),
        (_broken(4, nbf.code(nbf.HIDDEN, grade=True, locked=False, grade_id="h", points=2)), "must be locked"),
        (_broken(3, nbf.test(nbf.VISIBLE + "\ndouble(0.5)", "test_double", 1)),
         "ends with the expression 'double(0.5)', whose value nbgrader would read as partial credit"),
        (_broken(3, nbf.test(nbf.VISIBLE + "\nscore = 1\nscore", "test_double", 1)), "ends with the expression 'score'"),
        (nbf.with_demo(nbf.demo("curve = [1, 2]"), nbf.code("print(curve)")),
         "tagged 'demo', but later cells read what it defines, so the grader must run it: cell 3 reads curve"),
        (nbf.with_demo(nbf.demo("import numpy as np"), nbf.code("x = np.zeros(2)")), "cell 3 reads np"),
        # a demo read only by another demo that must run is itself needed
        (nbf.with_demo(nbf.demo("a = 1"), nbf.demo("b = a + 1"), nbf.code("print(b)")), "cell 3 reads a"),
    ],
)
def test_lint_catches(nb, expected):
    problems = lint_source(nb)
    assert any(expected in p for p in problems), f"expected a problem containing {expected!r}, got {problems}"


def test_lint_accepts_a_demo_that_nothing_reads():
    nb = nbf.with_demo(nbf.demo("curve = [double(k) for k in range(3)]\nprint(curve)"), nbf.code("print(2)"))
    assert lint_source(nb) == []


def test_lint_rejects_demo_tags_on_other_cells():
    for cell in (nbf.md("text"), nbf.answer()):
        cell.metadata["tags"] = ["demo"]
        nb = nbf.good_notebook()
        nb.cells.insert(1, cell)
        assert any("only a plain code cell can be tagged 'demo'" in p for p in lint_source(nb)), cell.cell_type


def test_lint_catches_stored_outputs():
    nb = nbf.good_notebook()
    nb.cells[1].execution_count = 3
    assert any("stored outputs" in p for p in lint_source(nb))
