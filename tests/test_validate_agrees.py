"""nbgrader's Validate (the student's button) agrees with the grader.

Run with nbgrader's own ``Validator`` on submissions built from the release, as a student hands
them in: every correct answer the course knows (the solutions, ``CORRECT_ANSWERS``, some of which
warn on stderr) passes, and a fixed sample of wrong answers fails exactly the visible test cells
that the grader fails (``WRONG_ANSWERS`` scores, held to the grader by the round-trip test).
Hidden tests are not in the release, so Validate cannot fail them.
"""

from __future__ import annotations

import ast

import nbformat
import pytest
from nbgrader.validator import Validator
from traitlets.config import Config

from grading.cells import grade_id, is_test, student_submission
from grading.course import Course

from .conftest import read_nb
from .wrong_answers import correct_for_assignment, for_assignment

NAMES = Course().assignments()


def _validate(tmp_path, nb) -> set[str]:
    """grade_ids of the test cells nbgrader's Validator reports as failed."""
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, path)
    config = Config()
    config.Execute.timeout = 120
    results = Validator(config=config).validate(str(path))
    assert set(results) <= {"failed"}, f"Validate did not run the tests: {sorted(results)}"
    by_source = {c.source.strip(): grade_id(c) for c in nb.cells if is_test(c)}
    return {by_source.get(failed["source"], failed["source"][:60]) for failed in results.get("failed", [])}


def _visible(cell) -> bool:
    """A test cell with code in the release (not just the comment of a hidden test)."""
    return bool(ast.parse(cell.source).body)


def _sample(name: str):
    """A fixed sample: the first wrong answer that leaves the concept checks alone (their letters are
    checked by hidden tests only, so Validate passes a wrong letter by design)."""
    return [w for w in for_assignment(name) if not any("ANSWER_" in src for src in w.answers.values())][:1]


def _cases():
    for name in NAMES:
        yield pytest.param(name, None, id=f"{name}-solutions")
        for correct in correct_for_assignment(name):
            yield pytest.param(name, correct, id=f"{name}-correct-{correct.name}")
        for wrong in _sample(name):
            yield pytest.param(name, wrong, id=f"{name}-wrong-{wrong.name}")


@pytest.mark.parametrize(("name", "answer"), list(_cases()))
def test_validate_fails_what_the_grader_fails(tmp_path, course, name, answer):
    release = read_nb(course.release_notebook(name))
    submission = student_submission(release, read_nb(course.source_notebook(name)), answer.answers if answer else None)
    tests = {grade_id(c): c for c in release.cells if is_test(c)}
    correct = answer is None or answer in correct_for_assignment(name)
    expected = set() if correct else {gid for gid in answer.scores if _visible(tests[gid])}
    failed = _validate(tmp_path, submission)
    what = "the solutions" if answer is None else f"{answer.name!r} ({answer.why})"
    assert failed == expected, f"{name}: Validate failed {sorted(failed)} for {what}; the grader fails {sorted(expected)}"
