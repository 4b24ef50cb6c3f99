"""The nbgrader gradebook: sqlite by default, any SQLAlchemy URL (PostgreSQL) for shared grading.

Only the parent process of a batch writes to it (workers execute, the parent records), so
sqlite never sees two writers from one batch. Automatic scores go to ``Grade.auto_score``;
``manual_score`` is never touched, so re-grading keeps manual grades (nbgrader's ``score``
prefers the manual one).
"""

from __future__ import annotations

import time
import warnings

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry

from .cells import grade_id, is_answer, is_test, nbgrader_meta
from .course import Course, notebooks_of


def gradebook_url(course: Course, db: str | None = None) -> str:
    """``db`` if given, else the course's sqlite file, which must exist (``release`` creates it)."""
    if db:
        return db
    if not course.gradebook_path.is_file():
        raise SystemExit(f"no gradebook at {course.gradebook_path}: run `make release` (`python -m grading release`) first "
                         "(it creates the gradebook), or pass --db with a database URL")
    return course.gradebook_url


def open_gradebook(url: str, attempts: int = 5) -> Gradebook:
    """Open (and on first use create) the gradebook at ``url``.

    Two graders opening a fresh shared database at once race to create its tables; the loser
    gets a duplicate-key error and simply opens it again, when the tables exist.
    """
    from sqlalchemy.exc import DBAPIError

    # nbgrader 0.9 with SQLAlchemy 2.1 warns "... not in session" on every new submission: harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    for attempt in range(attempts):
        try:
            return Gradebook(url)
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _retry(action, attempts: int = 5):
    """Run ``action``; retry on a race with another grader creating the same rows."""
    for attempt in range(attempts):
        try:
            return action()
        except InvalidEntry:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def register_assignment(gb: Gradebook, course: Course, assignment: str) -> None:
    """Make the gradebook know ``assignment``'s notebooks and graded cells (idempotent).

    ``release`` does this for the course's sqlite file through nbgrader; a fresh shared
    database (PostgreSQL) gets it here, from the source notebooks.
    """
    import nbformat

    _retry(lambda: gb.update_or_create_assignment(assignment))
    for name in notebooks_of(course, assignment):
        nb = nbformat.read(course.solutions / assignment / f"{name}.ipynb", as_version=4)
        _retry(lambda: gb.update_or_create_notebook(name, assignment))
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid and is_test(cell):
                points = float(nbgrader_meta(cell).get("points", 0))
                _retry(lambda: gb.update_or_create_grade_cell(gid, name, assignment, max_score=points,
                                                             cell_type="code"))
            if gid and is_answer(cell):
                _retry(lambda: gb.update_or_create_solution_cell(gid, name, assignment))


def record(gb: Gradebook, result: dict) -> None:
    """Write one notebook's automatic scores and flag into the gradebook."""
    if result["status"] == "missing":
        return
    student, assignment, notebook = result["student"], result["assignment"], result["notebook"]
    _retry(lambda: gb.update_or_create_student(student))
    try:
        gb.find_submission(assignment, student)
    except MissingEntry:
        _retry(lambda: gb.add_submission(assignment, student))
    nb = gb.find_submission_notebook(notebook, assignment, student)
    for grade in nb.grades:
        if grade.name in result["scores"]:
            grade.auto_score = float(result["scores"][grade.name])
            grade.needs_manual_grade = False
    nb.flagged = result["status"] != "graded"
    gb.db.commit()


def scores_from_gradebook(gb: Gradebook, assignment: str, notebook: str, student: str) -> dict[str, float] | None:
    """Per-cell scores (manual grades win over automatic ones), or None without a submission."""
    try:
        nb = gb.find_submission_notebook(notebook, assignment, student)
    except MissingEntry:
        return None
    return {g.name: float(g.score) for g in nb.grades}


def manual_comments(gb: Gradebook, assignment: str, notebook: str, student: str) -> dict[str, str]:
    """Answer-cell name -> the comment an instructor wrote on it (in formgrader), for those with one."""
    try:
        nb = gb.find_submission_notebook(notebook, assignment, student)
    except MissingEntry:
        return {}
    return {c.name: c.manual_comment.strip() for c in nb.comments if c.manual_comment and c.manual_comment.strip()}


def as_in_gradebook(gb: Gradebook, result: dict) -> dict:
    """``result`` with the scores the gradebook holds (a manual grade wins over the automatic one, as in
    ``export`` and formgrader) and the instructor's ``comments``; as it was for a notebook the gradebook lacks."""
    where = (result["assignment"], result["notebook"], result["student"])
    scores = scores_from_gradebook(gb, *where)
    if scores is None:
        return result
    merged = {gid: scores.get(gid, score) for gid, score in result.get("scores", {}).items()}
    return {**result, "scores": merged, "comments": manual_comments(gb, *where)}
