"""Autograde round trip in a temporary copy of the course, asserted from the gradebook.

Per assignment, four kinds of students hand in:
- ``reference``: the release with every answer cell filled with the solution -> full marks;
- ``blank``: the untouched release -> 0;
- ``wrong-<slug>``: one plausible wrong answer (tests/wrong_answers) -> exactly its scores;
- ``correct-<slug>``: another correct way of writing the answers -> full marks.

This course's grader (``python -m grading``: sandbox, integrity checks, demonstration cells left
unrun) grades every submission and must give each exactly its expected scores. Plain nbgrader, about
five times slower, grades a fixed sample (``nbgrader_sample``: reference, blank, every correct
alternative, and a wrong answer for every answer cell) and must give the same scores there.
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


def nbgrader_sample(name: str) -> set[str]:
    """The students plain nbgrader also grades: a fixed sample that still touches every TODO.

    The reference, the blank release, every correct alternative (warnings on stderr among them),
    and for each answer cell the first wrong answer that replaces it. The course's grader grades
    every submission; nbgrader, five times slower, cross-checks this sample of them.
    """
    sample = {"reference", "blank"} | {f"correct-{c.name}" for c in correct_for_assignment(name)}
    covered: set[str] = set()
    for wrong in for_assignment(name):
        if set(wrong.answers) - covered:
            sample.add(f"wrong-{wrong.name}")
            covered |= set(wrong.answers)
    return sample


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release and submit every assignment; grade all with this course's grader, a sample with nbgrader.

    Returns the expected per-cell scores, nbgrader's scores (sample only) and this grader's results.
    """
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

    # nbgrader grades the sample in a copy of its own: one process per assignment, two at a time.
    theirs = copy_course(tmp_path_factory.mktemp("nbgrader"))
    release(theirs, quiet=True)
    for name in NAMES:
        for student in nbgrader_sample(name):
            src = course.root / "submitted" / student / name
            shutil.copytree(src, theirs.root / "submitted" / student / name)

    def autograde(name: str):
        return run_nbgrader(theirs, "autograde", name, "--force", "--log-level=WARN",
                            env={"PG_FAST": "1"}, capture=True)

    with ThreadPoolExecutor(max_workers=2) as pool:  # one nbgrader process per core
        list(pool.map(autograde, reversed(NAMES)))  # the heavier notebooks first; stops on failure
    got: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(theirs.gradebook_url) as gb:
        for name in NAMES:
            for student in nbgrader_sample(name):
                nb = gb.find_submission_notebook(name, name, student)
                got[(student, name)] = {g.name: float(g.score) for g in nb.grades}
    db = course.gradebook_url  # its own, created on first use
    ours = {(r["student"], r["assignment"]): r for r in grade_all(course, NAMES, jobs=2, db=db, quiet=True)}
    return expected, got, ours


def _ours(graded, student: str, name: str) -> dict[str, float]:
    _, _, ours = graded
    result = ours[(student, name)]
    assert result["status"] == "graded", f"{name}/{student}: {result['status']} ({result['reason']})"
    return result["scores"]


def test_every_todo_has_a_wrong_answer(course):
    for name in NAMES:
        answers = {grade_id(c) for c in read_nb(course.source_notebook(name)).cells if is_answer(c)}
        covered = {gid for wrong in for_assignment(name) for gid in wrong.answers}
        missing = answers - covered
        assert not missing, f"{name}: no wrong answer exercises the answer cells {sorted(missing)}"


@pytest.mark.parametrize("name", NAMES)
def test_reference_gets_full_marks(graded, name):
    expected, _, _ = graded
    assert _ours(graded, "reference", name) == expected[("reference", name)]


@pytest.mark.parametrize("name", NAMES)
def test_blank_release_gets_zero(graded, name):
    expected, _, _ = graded
    assert _ours(graded, "blank", name) == expected[("blank", name)]


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_get_exact_scores(graded, name):
    expected, _, _ = graded
    for wrong in for_assignment(name):
        key = (f"wrong-{wrong.name}", name)
        got = _ours(graded, *key)
        assert got == expected[key], f"{name}: wrong answer {wrong.name!r} ({wrong.why}) scored {got}, expected {expected[key]}"


@pytest.mark.parametrize("name", NAMES)
def test_correct_alternatives_get_full_marks(graded, name):
    expected, _, _ = graded
    alternatives = correct_for_assignment(name)
    assert alternatives, f"{name}: tests/wrong_answers has no CORRECT_ANSWERS"
    for correct in alternatives:
        key = (f"correct-{correct.name}", name)
        got = _ours(graded, *key)
        assert got == expected[key], f"{name}: correct alternative {correct.name!r} ({correct.why}) scored {got}"


@pytest.mark.parametrize("name", NAMES)
def test_nbgrader_agrees_on_the_sample(graded, name):
    expected, got, _ = graded
    sample = nbgrader_sample(name)
    wrong = {s for s in sample if s.startswith("wrong-")}
    assert {"reference", "blank"} <= sample and wrong, f"{name}: the sample must hold reference, blank and wrong answers"
    for student in sorted(sample):
        key = (student, name)
        assert got[key] == expected[key], f"{name}/{student}: nbgrader gave {got[key]}, expected {expected[key]}"


def test_the_nbgrader_sample_touches_every_todo(course):
    for name in NAMES:
        answers = {grade_id(c) for c in read_nb(course.source_notebook(name)).cells if is_answer(c)}
        wrong = {w.name: set(w.answers) for w in for_assignment(name)}
        touched = set().union(*(wrong[s.removeprefix("wrong-")] for s in nbgrader_sample(name) if s.startswith("wrong-")))
        assert touched == answers, f"{name}: nbgrader's sample misses the answer cells {sorted(answers - touched)}"
