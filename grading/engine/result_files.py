"""A notebook's result on disk: the task it answers, the file it was graded from, and the JSON
under ``autograded/<student>/<assignment>/`` that ``batch.py`` resumes from and the results stage reads.

A result says exactly one status: graded, missing, failed (reason) or flagged (reason); a failure
whose reason starts ``environment:`` is the grading set-up's (``environment.py``), never final.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..base.cells import grade_id, is_test, nbgrader_meta
from ..base.course import Course, autograded_dir, notebooks_of, submitted_dir

RESULT_VERSION = 1
ENVIRONMENT = "environment"  # a failed notebook's reason starts "environment: " when the set-up failed it


@dataclass(frozen=True)
class Task:
    """One (student, assignment, notebook) to grade."""

    student: str
    assignment: str
    notebook: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.assignment, self.notebook)


def failed_result(task: Task, reason: str) -> dict:
    """The result of a notebook the grader could not grade (no scores, status failed)."""
    return {"student": task.student, "assignment": task.assignment, "notebook": task.notebook,
            "status": "failed", "reason": reason[:300], "scores": {}, "flags": []}


def result_path(course: Course, task: Task) -> Path:
    return autograded_dir(course, task.student, task.assignment) / f"{task.notebook}.result.json"


def find_submission(course: Course, task: Task) -> tuple[Path | None, str | None]:
    """The submitted file for ``task`` and a note if it was renamed; (None, None) if missing.

    A lone notebook under another name (``01_x (1).ipynb``, ``Copy of 01_x.ipynb``) is graded
    in place of the expected one, and flagged so the instructor sees it.
    """
    folder = submitted_dir(course, task.student, task.assignment)
    expected = folder / f"{task.notebook}.ipynb"
    if expected.is_file():
        return expected, None
    if not folder.is_dir():
        return None, None
    known = set(notebooks_of(course, task.assignment))
    others = sorted(p for p in folder.glob("*.ipynb") if p.stem not in known)
    if len(known) == 1 and len(others) == 1:
        return others[0], f"renamed notebook {others[0].name!r} graded as {task.notebook}.ipynb"
    return None, None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_result(task: Task, source) -> dict:
    """A result with every test cell at 0 and status ``missing``, to be filled in."""
    maxima = {grade_id(c): float(nbgrader_meta(c).get("points", 0)) for c in source.cells if is_test(c)}
    return {"version": RESULT_VERSION, "student": task.student, "assignment": task.assignment,
            "notebook": task.notebook, "scores": dict.fromkeys(maxima, 0.0), "max_scores": maxima,
            "flags": [], "status": "missing", "reason": "", "file": None, "sha256": None}


def is_environment_failure(result: dict) -> bool:
    """True for a notebook that failed because of the grading environment (see ``environment.py``)."""
    return result.get("status") == "failed" and str(result.get("reason", "")).startswith(ENVIRONMENT + ":")


def save_result(course: Course, task: Task, result: dict) -> dict:
    path = result_path(course, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, sort_keys=True))
    tmp.replace(path)  # atomic: an interrupted batch never leaves half a result
    return result


def load_result(course: Course, task: Task) -> dict | None:
    path = result_path(course, task)
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return result if result.get("version") == RESULT_VERSION else None


def is_current(course: Course, task: Task) -> bool:
    """True if ``task`` was graded from the file that is submitted now (resume skips it)."""
    result = load_result(course, task)
    if result is None or is_environment_failure(result):  # a broken set-up's verdict is not final
        return False
    path, _ = find_submission(course, task)
    return (path is None and result["status"] == "missing") or (
        path is not None and result.get("sha256") == sha256(path))
