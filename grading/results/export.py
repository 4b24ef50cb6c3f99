"""``export``: one CSV row per (student, assignment, notebook), with exactly one status.

Status is one of ``graded``, ``missing``, ``failed (reason)``, ``flagged (reason)``. Scores come
from the gradebook (a manual grade wins over the automatic one); a notebook with no
gradebook entry (missing, unreadable) scores 0 and its status says why. Every student with a
folder in ``submitted/`` or a place in the gradebook (a roster import puts the whole class there)
gets a row per notebook; ``lms_id`` and ``name`` come from the roster (``lms_id`` from the key
without one), so the CSV can go back to the LMS.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from ..base import gradebook as gbmod
from ..base.course import Course, notebooks_of
from ..engine.batch import submitted_students
from ..engine.result_files import Task, find_submission
from ..intake.students import display_name, lms_id_of_key
from .nbgrader_results import course_or_nbgrader_result

COLUMNS = ["student", "lms_id", "name", "assignment", "notebook", "score", "max_score", "status"]


def status_text(result: dict) -> str:
    status = result["status"]
    if status in ("failed", "flagged"):
        return f"{status} ({result.get('reason') or 'no reason recorded'})"
    return status


def rows(course: Course, assignments: list[str] | None = None, db: str | None = None) -> list[dict]:
    names = course.select_assignments(assignments)
    url = gbmod.gradebook_url(course, db)
    out = []
    with gbmod.open_gradebook(url) as gb:
        enrolled = {s.id: s for s in gb.students}
        students = sorted(set(submitted_students(course)) | set(enrolled))
        for student in students:
            known = enrolled.get(student)
            lms_id = (known.lms_user_id if known else None) or lms_id_of_key(student)
            full_name = display_name(known.first_name, known.last_name, "") if known else ""
            for name in names:
                for notebook in notebooks_of(course, name):
                    task = Task(student, name, notebook)
                    result = course_or_nbgrader_result(course, task, gb)
                    if result is None:
                        path, _ = find_submission(course, task)
                        result = ({"status": "missing"} if path is None else
                                  {"status": "failed", "reason": "not autograded yet: run `python -m grading autograde`"})
                    try:
                        max_score = sum(c.max_score for c in gb.find_notebook(notebook, name).grade_cells)
                    except Exception:
                        max_score = sum((result.get("max_scores") or {}).values())
                    scores = gbmod.scores_from_gradebook(gb, name, notebook, student)
                    if result["status"] == "missing" or scores is None:
                        score = sum((result.get("scores") or {}).values()) if result["status"] != "missing" else 0.0
                    else:
                        score = sum(scores.values())
                    out.append({"student": student, "lms_id": lms_id, "name": full_name,
                                "assignment": name, "notebook": notebook,
                                "score": round(float(score), 4), "max_score": round(float(max_score), 4),
                                "status": status_text(result)})
    return out


def export(course: Course, output: Path | None, assignments: list[str] | None = None, db: str | None = None) -> list[dict]:
    """Write the CSV to ``output`` (stdout if None); return the rows."""
    table = rows(course, assignments, db)
    if output is None:
        writer = csv.DictWriter(sys.stdout, COLUMNS)
        writer.writeheader()
        writer.writerows(table)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(table)
        print(f"export: {len(table)} rows written to {output}", file=sys.stderr)
    return table
