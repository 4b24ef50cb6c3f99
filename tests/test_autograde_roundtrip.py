"""Autograde round trip in a temporary copy of the course, asserted from the gradebook; one class per notebook.

Per assignment, these students hand in:
- ``reference``: the release with every answer cell filled with the solution -> full marks;
- ``blank``: the untouched release -> 0;
- ``wrong-<slug>``: one plausible wrong answer (tests/wrong_answers) -> exactly its scores;
- ``correct-<slug>``: another correct way of writing the answers -> full marks;
- ``correctpack-<i>`` and ``wrongpack-<i>``: several answers of different cells in one submission
  (``pack_answers``): the correct ones together -> full marks; the wrong ones (for each answer
  cell, its first wrong answer) -> whatever the course's grader gives, which nbgrader must match.

This course's grader (``python -m grading``: sandbox, integrity checks, demonstration cells left
unrun) grades every submission and must give each exactly its expected scores. Plain nbgrader,
several times slower (it runs every demonstration), grades a fixed sample that still touches every
TODO: the blank release and the packs. It must give exactly the scores the course's grader gives
to the same files, and full marks to the correct packs.

One class per notebook, so that pytest-xdist (``--dist loadscope``) spreads the notebooks over workers.
"""

from __future__ import annotations

import html
import os
import re
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading.authoring.release import release
from grading.base.cells import (BEGIN_HIDDEN, END_HIDDEN, grade_id, is_answer, is_test, nbgrader_meta, regions,
                                student_submission)
from grading.base.course import Course, autograded_dir
from grading.base.nbgrader_cli import run_nbgrader
from grading.engine.batch import autograde as grade_all
from grading.results.feedback import failure_message, feedback

from .conftest import copy_course, read_nb
from .wrong_answers import correct_for_assignment, for_assignment, merged, pack_answers

# PG_ROUNDTRIP_ONLY=01_softmax_policy,03_reinforce narrows a local run to some assignments (CI runs all).
_ONLY = [n for n in os.environ.get("PG_ROUNDTRIP_ONLY", "").split(",") if n]
NAMES = [n for n in Course().assignments() if not _ONLY or n in _ONLY]


def first_wrong_per_cell(name: str):
    """For each answer cell, the first wrong answer that replaces it (one answer may cover several)."""
    chosen, covered = [], set()
    for wrong in for_assignment(name):
        if set(wrong.answers) - covered:
            chosen.append(wrong)
            covered |= set(wrong.answers)
    return chosen


def nbgrader_sample(name: str) -> dict[str, list]:
    """The submissions plain nbgrader also grades: student id -> the answers it hands in.

    The blank release; the correct alternatives packed (the reference itself when there are none);
    the first wrong answer of each answer cell, packed. Every TODO is touched by a wrong answer.
    """
    sample: dict[str, list] = {"blank": []}
    for i, pack in enumerate(pack_answers(correct_for_assignment(name)) or [[]]):
        sample[f"correctpack-{i}"] = pack
    for i, pack in enumerate(pack_answers(first_wrong_per_cell(name))):
        sample[f"wrongpack-{i}"] = pack
    return sample


def _submit(course: Course, student: str, assignment: str, nb) -> None:
    path = course.root / "submitted" / student / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _grade(tmp_path_factory, name: str):
    """Release and submit one assignment; grade all with this course's grader, the sample with nbgrader.

    Returns the expected per-cell scores (None for wrong packs), nbgrader's scores (sample only)
    and this grader's results.
    """
    course = copy_course(tmp_path_factory.mktemp(f"course-{name}"))
    release(course, [name], quiet=True)
    # nbgrader's copy: the same release and gradebook, copied rather than generated a second time.
    theirs_root = tmp_path_factory.mktemp(f"nbgrader-{name}") / "course"
    shutil.copytree(course.root, theirs_root)
    theirs = Course(theirs_root)
    source = read_nb(course.source_notebook(name))
    released = read_nb(course.release_notebook(name))
    maxima = {grade_id(c): float(nbgrader_meta(c)["points"]) for c in source.cells if is_test(c)}
    expected: dict[str, dict[str, float] | None] = {}

    def hand_in(student: str, answers: dict[str, str] | None, scores: dict[str, float] | None) -> None:
        """Hand in the solutions with ``answers`` replacing some cells (None or {}: the solutions)."""
        _submit(course, student, name, student_submission(released, source, answers or None))
        expected[student] = scores

    hand_in("reference", None, dict(maxima))
    _submit(course, "blank", name, released)
    expected["blank"] = dict.fromkeys(maxima, 0.0)
    for wrong in for_assignment(name):
        unknown = set(wrong.scores) - set(maxima)
        assert not unknown, f"{name}/{wrong.name}: scores name unknown test cells {sorted(unknown)}"
        hand_in(f"wrong-{wrong.name}", wrong.answers, {**maxima, **{k: float(v) for k, v in wrong.scores.items()}})
    for correct in correct_for_assignment(name):
        assert not correct.scores, f"{name}/{correct.name}: a correct answer must get full marks"
        hand_in(f"correct-{correct.name}", correct.answers, dict(maxima))
    for student, pack in nbgrader_sample(name).items():
        if student != "blank":
            hand_in(student, merged(pack), dict(maxima) if student.startswith("correctpack") else None)

    for student in nbgrader_sample(name):
        shutil.copytree(course.root / "submitted" / student / name, theirs.root / "submitted" / student / name)
    run_nbgrader(theirs, "autograde", name, "--force", "--log-level=WARN", env={"PG_FAST": "1"}, capture=True)
    with Gradebook(theirs.gradebook_url) as gb:
        got = {student: {g.name: float(g.score) for g in gb.find_submission_notebook(name, name, student).grades}
               for student in nbgrader_sample(name)}
    ours = {r["student"]: r for r in grade_all(course, [name], jobs=2, db=course.gradebook_url, quiet=True)}
    return expected, got, ours, course


@pytest.fixture(scope="class")
def graded(request, tmp_path_factory):
    """One notebook's grading (``_grade``), for the tests of its class."""
    return _grade(tmp_path_factory, request.cls.name)


class _RoundTrip:
    name: str

    def _ours(self, graded, student: str) -> dict[str, float]:
        result = graded[2][student]
        assert result["status"] == "graded", f"{self.name}/{student}: {result['status']} ({result['reason']})"
        return result["scores"]

    def test_reference_gets_full_marks(self, graded):
        assert self._ours(graded, "reference") == graded[0]["reference"]

    def test_blank_release_gets_zero(self, graded):
        assert self._ours(graded, "blank") == graded[0]["blank"]

    def test_wrong_answers_get_exact_scores(self, graded):
        for wrong in for_assignment(self.name):
            student = f"wrong-{wrong.name}"
            got, want = self._ours(graded, student), graded[0][student]
            assert got == want, f"{self.name}: wrong answer {wrong.name!r} ({wrong.why}) scored {got}, expected {want}"

    def test_correct_alternatives_get_full_marks(self, graded):
        alternatives = correct_for_assignment(self.name)
        assert alternatives, f"{self.name}: tests/wrong_answers has no CORRECT_ANSWERS"
        for student in [f"correct-{c.name}" for c in alternatives] + [s for s in graded[0] if s.startswith("correctpack")]:
            got = self._ours(graded, student)
            assert got == graded[0][student], f"{self.name}: {student} scored {got}"

    def test_nbgrader_agrees_on_the_sample(self, graded):
        expected, got, _, _ = graded
        for student in sorted(nbgrader_sample(self.name)):
            ours = self._ours(graded, student)
            assert got[student] == ours, f"{self.name}/{student}: nbgrader gave {got[student]}, this grader {ours}"
            if expected[student] is not None:
                assert ours == expected[student], f"{self.name}/{student}: {ours}, expected {expected[student]}"
        wrong_packs = [s for s in got if s.startswith("wrongpack")]
        assert any(ours != graded[0]["reference"] for ours in (self._ours(graded, s) for s in wrong_packs)), \
            f"{self.name}: the wrong packs lost no point, so the sample checks no failure"


    def test_feedback_says_what_failed_and_shows_no_hidden_test(self, graded):
        course = graded[3]
        students = [f"wrong-{w.name}" for w in for_assignment(self.name)]
        pages = feedback(course, [self.name], students, course.gradebook_url)
        assert len(pages) == len(students), f"{self.name}: feedback wrote {len(pages)} pages for {len(students)} students"
        hidden = hidden_test_lines(read_nb(course.source_notebook(self.name)))
        for page in pages:
            student = page.parent.parent.name
            text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
            executed = read_nb(autograded_dir(course, student, self.name) / f"{self.name}.ipynb")
            messages = [failure_message(c) for c in executed.cells if is_test(c) and failure_message(c)]
            assert messages, f"{self.name}/{student}: a wrong answer whose test cells raised nothing"
            for message in messages:
                assert message in text, f"{self.name}/{student}: the feedback does not say {message!r}"
            # Whole lines, not prefixes; a line the student's own cells hold (their answer) is theirs to see.
            own = {line.strip() for c in executed.cells if not is_test(c) for line in c.source.splitlines()}
            leaked = sorted((hidden - own) & {line.strip() for line in text.splitlines()})
            assert not leaked, f"{self.name}/{student}: the feedback shows hidden-test lines: {leaked[:3]}"


def hidden_test_lines(source_nb, shortest: int = 12) -> set[str]:
    """Lines of the hidden-test regions that appear nowhere else in the notebook (long enough to be telling)."""
    hidden, public = set(), set()
    for cell in source_nb.cells:
        inside = {line.strip() for region in regions(cell.source, BEGIN_HIDDEN, END_HIDDEN) for line in region}
        hidden |= inside
        public |= {line.strip() for line in cell.source.splitlines()} - inside
    return {line for line in hidden - public if len(line) >= shortest}


for _name in NAMES:
    _cls = f"TestRoundTrip_{_name}"
    globals()[_cls] = type(_cls, (_RoundTrip,), {"name": _name})


def test_every_todo_has_a_wrong_answer(course):
    for name in NAMES:
        answers = {grade_id(c) for c in read_nb(course.source_notebook(name)).cells if is_answer(c)}
        covered = {gid for wrong in for_assignment(name) for gid in wrong.answers}
        missing = answers - covered
        assert not missing, f"{name}: no wrong answer exercises the answer cells {sorted(missing)}"


def test_the_nbgrader_sample_touches_every_todo(course):
    for name in NAMES:
        answers = {grade_id(c) for c in read_nb(course.source_notebook(name)).cells if is_answer(c)}
        touched = {gid for student, pack in nbgrader_sample(name).items() if student.startswith("wrongpack")
                   for gid in merged(pack)}
        assert touched == answers, f"{name}: nbgrader's sample misses the answer cells {sorted(answers - touched)}"
