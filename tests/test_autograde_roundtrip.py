"""Autograde round trip in a temporary copy of the course, asserted from the gradebook.

Per assignment, four kinds of students hand in:
- ``reference``: the release with every answer cell filled with the solution -> full marks;
- ``blank``: the untouched release -> 0;
- ``wrong-<slug>``: one plausible wrong answer (tests/wrong_answers) -> exactly its scores;
- ``correct-<slug>``: another correct way of writing the answers -> full marks.

The same submissions are also graded by this course's grader (``python -m grading``: sandbox,
integrity checks, demonstration cells left unrun), which must give every one the same scores.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.batch import autograde as grade_all
from grading.cells import grade_id, is_answer, is_test, nbgrader_meta, student_submission
from grading.course import Course
from grading.nbgrader_cli import run_nbgrader
from grading.release import release

from .conftest import copy_course, read_nb
from .wrong_answers import correct_for_assignment, for_assignment

# PG_ROUNDTRIP_ONLY=01_softmax_policy,03_reinforce narrows a local run to some assignments (CI runs all).
_ONLY = [n for n in os.environ.get("PG_ROUNDTRIP_ONLY", "").split(",") if n]
NAMES = [n for n in Course().assignments() if not _ONLY or n in _ONLY]


def _submit(course: Course, student: str, assignment: str, nb) -> None:
    path = course.root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release, submit and autograde every assignment once; return per-cell scores and maxima."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    release(course, quiet=True)
    expected: dict[tuple[str, str], dict[str, float]] = {}
    maxima: dict[str, dict[str, float]] = {}
    for name in NAMES:
        source = read_nb(course.source_notebook(name))
        released = read_nb(course.release_notebook(name))
        maxima[name] = {grade_id(c): float(nbgrader_meta(c)["points"]) for c in source.cells if is_test(c)}
        _submit(course, "reference", name, student_submission(released, source))
        _submit(course, "blank", name, released)
        expected[("reference", name)] = dict(maxima[name])
        expected[("blank", name)] = dict.fromkeys(maxima[name], 0.0)
        for wrong in for_assignment(name):
            unknown = set(wrong.scores) - set(maxima[name])
            assert not unknown, f"{name}/{wrong.name}: scores name unknown test cells {sorted(unknown)}"
            student = f"wrong-{wrong.name}"
            _submit(course, student, name, student_submission(released, source, wrong.answers))
            expected[(student, name)] = {**maxima[name], **{k: float(v) for k, v in wrong.scores.items()}}
        for correct in correct_for_assignment(name):
            assert not correct.scores, f"{name}/{correct.name}: a correct answer must get full marks"
            student = f"correct-{correct.name}"
            _submit(course, student, name, student_submission(released, source, correct.answers))
            expected[(student, name)] = dict(maxima[name])

    def autograde(job: tuple[str, str]):
        name, students = job
        return run_nbgrader(course, "autograde", name, f"--student={students}", "--force", "--log-level=WARN",
                            env={"PG_FAST": "1"}, capture=True)

    # Two halves per assignment (the wrong answers, and everyone else), the later and heavier
    # notebooks first, so that the two processes finish together.
    jobs = [(name, students) for name in reversed(NAMES) for students in ("wrong-*", "[!w]*")]

    ours_course = copy_course(tmp_path_factory.mktemp("ours"))
    shutil.copytree(course.root / "submitted", ours_course.root / "submitted")
    with ThreadPoolExecutor(max_workers=2) as pool:  # one nbgrader process per core
        list(pool.map(autograde, jobs))  # run_nbgrader stops the test if nbgrader fails
    got: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(course.gradebook_url) as gb:
        for student, name in expected:
            nb = gb.find_submission_notebook(name, name, student)
            got[(student, name)] = {g.name: float(g.score) for g in nb.grades}
    db = ours_course.gradebook_url  # its own, created on first use
    ours = {(r["student"], r["assignment"]): r for r in grade_all(ours_course, NAMES, jobs=2, db=db, quiet=True)}
    return expected, got, ours


def test_every_todo_has_a_wrong_answer(course):
    for name in NAMES:
        answers = {grade_id(c) for c in read_nb(course.source_notebook(name)).cells if is_answer(c)}
        covered = {gid for wrong in for_assignment(name) for gid in wrong.answers}
        missing = answers - covered
        assert not missing, f"{name}: no wrong answer exercises the answer cells {sorted(missing)}"


@pytest.mark.parametrize("name", NAMES)
def test_reference_gets_full_marks(graded, name):
    expected, got, _ = graded
    assert got[("reference", name)] == expected[("reference", name)]


@pytest.mark.parametrize("name", NAMES)
def test_blank_release_gets_zero(graded, name):
    expected, got, _ = graded
    assert got[("blank", name)] == expected[("blank", name)]


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_get_exact_scores(graded, name):
    expected, got, _ = graded
    for wrong in for_assignment(name):
        key = (f"wrong-{wrong.name}", name)
        assert got[key] == expected[key], (
            f"{name}: wrong answer {wrong.name!r} ({wrong.why}) scored {got[key]}, expected {expected[key]}"
        )


@pytest.mark.parametrize("name", NAMES)
def test_correct_alternatives_get_full_marks(graded, name):
    expected, got, _ = graded
    alternatives = correct_for_assignment(name)
    assert alternatives, f"{name}: tests/wrong_answers has no CORRECT_ANSWERS"
    for correct in alternatives:
        key = (f"correct-{correct.name}", name)
        assert got[key] == expected[key], f"{name}: correct alternative {correct.name!r} ({correct.why}) scored {got[key]}"


@pytest.mark.parametrize("name", NAMES)
def test_this_courses_grader_agrees_with_nbgrader(graded, name):
    expected, _, ours = graded
    for (student, assignment), want in expected.items():
        if assignment != name:
            continue
        result = ours[(student, name)]
        assert result["status"] == "graded", f"{name}/{student}: {result['status']} ({result['reason']})"
        assert result["scores"] == want, f"{name}/{student}: this grader gave {result['scores']}, expected {want}"
