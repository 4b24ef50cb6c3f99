"""Released notebooks contain no hidden test and no line of solution code.

Compared against the solution sources, not only the markers (see grading.authoring.lint.find_leaks).
"""

from __future__ import annotations

import pytest

from grading.authoring.lint import find_leaks
from grading.base.course import Course

from . import notebook_factory as nbf
from .conftest import read_nb

STUB = "def double(x):\n    \"\"\"Return 2x.\"\"\"\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_every_assignment_is_released(course, assignments):
    for name in assignments:
        assert course.release_notebook(name).is_file(), f"{name} has no release: run `make release`"


@pytest.mark.parametrize("name", Course().assignments())
def test_release_leaks_nothing(course, name):
    problems = find_leaks(read_nb(course.source_notebook(name)), read_nb(course.release_notebook(name)))
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def _release(answer_source: str, hidden_source: str = "# Hidden tests for double (2 points): they run when your work is graded."):
    return nbf.notebook(nbf.code(nbf.SETUP), nbf.answer(answer_source), nbf.test(nbf.VISIBLE, "test_double", 1),
                        nbf.test(hidden_source, "test_double_hidden", 2))


def test_a_clean_release_passes():
    assert find_leaks(nbf.good_notebook(), _release(STUB)) == []


def test_a_solution_line_without_markers_is_caught():
    problems = find_leaks(nbf.good_notebook(), _release(STUB.replace("raise NotImplementedError()", "return 2 * x")))
    assert any("return 2 * x" in p for p in problems), problems


def test_a_hidden_test_line_is_caught():
    problems = find_leaks(nbf.good_notebook(), _release(STUB, "assert double(-1) == -2"))
    assert any("assert double(-1) == -2" in p for p in problems), problems


def test_markers_and_outputs_are_caught():
    release = _release(STUB + "\n### BEGIN SOLUTION")
    release.cells[0].outputs = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    problems = find_leaks(nbf.good_notebook(), release)
    assert any("### BEGIN SOLUTION" in p for p in problems) and any("stored outputs" in p for p in problems)


def test_a_line_the_source_shows_publicly_is_not_a_leak():
    source = nbf.good_notebook()
    source.cells[1].source += "\nprint(2 * x)"  # stands outside the solution region too
    source.cells[2].source = source.cells[2].source.replace("return 2 * x", "print(2 * x)\n    return 2 * x")
    assert find_leaks(source, _release(STUB + "\nprint(2 * x)")) == []
