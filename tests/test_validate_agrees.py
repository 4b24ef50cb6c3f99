"""nbgrader's Validate (the student's button) agrees with the grader.

Run with nbgrader's own ``Validator`` on submissions built from the release, as a student hands
them in: every correct answer the course knows (the solutions, ``CORRECT_ANSWERS``, some of which
warn on stderr) passes, and a fixed sample of wrong answers fails exactly the visible test cells
that the grader fails (``WRONG_ANSWERS`` scores, held to the grader by the round-trip test).
Correct answers that replace different cells are validated together, one run per pack
(``pack_answers``): a correct answer stays correct beside another, so a passing pack shows each passing.
Hidden tests are not in the release, so Validate cannot fail them.
"""

from __future__ import annotations

import ast

import nbformat
import pytest
from nbgrader.validator import Validator
from traitlets.config import Config

from grading.base.cells import grade_id, is_test, student_submission
from grading.base.course import Course

from .conftest import read_nb
from .wrong_answers import correct_for_assignment, for_assignment, merged, pack_answers

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
        # The solutions fill every cell the correct answers leave alone: the first pack covers them.
        for i, pack in enumerate(pack_answers(correct_for_assignment(name)) or [[]]):
            yield pytest.param(name, pack, id=f"{name}-correct-{i}-" + ("+".join(a.name for a in pack)[:60] or "solutions"))
        for wrong in _sample(name):
            yield pytest.param(name, [wrong], id=f"{name}-wrong-{wrong.name}")


def test_packing_keeps_every_correct_answer_and_never_two_for_one_cell():
    for name in NAMES:
        answers = correct_for_assignment(name)
        packs = pack_answers(answers)
        assert sorted(a.name for pack in packs for a in pack) == sorted(a.name for a in answers)
        for pack in packs:
            cells = [gid for a in pack for gid in a.answers]
            assert len(cells) == len(set(cells)), f"{name}: a pack replaces a cell twice: {[a.name for a in pack]}"


@pytest.mark.parametrize(("name", "pack"), list(_cases()))
def test_validate_fails_what_the_grader_fails(tmp_path, course, name, pack):
    release = read_nb(course.release_notebook(name))
    submission = student_submission(release, read_nb(course.source_notebook(name)), merged(pack) or None)
    tests = {grade_id(c): c for c in release.cells if is_test(c)}
    wrong = [a for a in pack if a not in correct_for_assignment(name)]
    expected = {gid for answer in wrong for gid in answer.scores if _visible(tests[gid])}
    failed = _validate(tmp_path, submission)
    what = ", ".join(f"{a.name!r} ({a.why})" for a in pack) or "the solutions"
    assert failed == expected, f"{name}: Validate failed {sorted(failed)} for {what}; the grader fails {sorted(expected)}"
