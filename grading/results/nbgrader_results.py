"""What plain nbgrader leaves, read as the course's own result: formgrader's ⚡ Autograde and the course's
grader in any order.

formgrader's ⚡ Autograde re-grades one submission with plain ``nbgrader autograde --force``: it replaces
``autograded/<student>/<assignment>/`` with its own executed notebook (read-only, 0444), so the course's
result file there is gone, and it writes its automatic scores to the gradebook (manual grades stay).
Nothing is lost: ``export`` and ``feedback`` then read that notebook and the gradebook's scores as a
result flagged "graded by plain nbgrader", and the course's ``autograde`` re-grades it in its sandbox
on its next run (the file is then not current), writing over the read-only files.
"""

from __future__ import annotations

from ..base import gradebook as gbmod
from ..base.course import autograded_dir
from ..engine.grader import read_source
from ..engine.result_files import Task, find_submission, load_result, new_result, sha256

PLAIN_NBGRADER = ("graded by plain nbgrader (formgrader's Autograde), without the course's sandbox and checks; "
                  "`python -m grading autograde` grades it again")


def result_from_nbgrader(course, task: Task, gb) -> dict | None:
    """The result plain nbgrader's autograde left for ``task``, or None if it left none."""
    executed = autograded_dir(course, task.student, task.assignment) / f"{task.notebook}.ipynb"
    scores = gbmod.scores_from_gradebook(gb, task.assignment, task.notebook, task.student)
    if not executed.is_file() or scores is None:
        return None
    result = new_result(task, read_source(course, task.assignment, task.notebook)[0])
    path, _ = find_submission(course, task)
    result.update(scores={gid: scores.get(gid, 0.0) for gid in result["max_scores"]}, status="flagged",
                  reason=PLAIN_NBGRADER, file=str(path.relative_to(course.root)) if path else None,
                  sha256=sha256(path) if path else None)
    return result


def course_or_nbgrader_result(course, task: Task, gb) -> dict | None:
    """The course's result for ``task`` if it has one, else what plain nbgrader left, else None."""
    return load_result(course, task) or result_from_nbgrader(course, task, gb)

