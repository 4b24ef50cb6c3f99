"""formgrader and the course's grader in any order: the instructor's path through nbgrader's own tools.

One class of a real assignment (01) is graded by ``python -m grading autograde``; then, as formgrader does
through nbgrader's API, a manual score and a comment are saved in the gradebook; then the course's
``autograde --force``; then formgrader's ⚡ Autograde (plain ``nbgrader autograde --force`` for one
student); then the course's ``autograde`` again, over the read-only files nbgrader leaves. After each
step the feedback page, ``grades.csv``'s rows, the Canvas export and the gradebook say the same score,
and the page shows the comment. nbgrader leaves its files read-only (0444): the course's grader gives
their owner write permission back (root could write them anyway; an instructor's own user could not).
"""

from __future__ import annotations

import csv
import html
import re

import pytest
from nbgrader.api import Gradebook

from grading.base.course import autograded_dir
from grading.base.nbgrader_cli import run_nbgrader
from grading.engine.batch import autograde
from grading.results.export import rows
from grading.results.feedback import feedback
from grading.results.lms_export import lms_export

from ..conftest import graded_class
from ..wrong_answers import for_assignment

NAME = "01_softmax_policy"
COMMENT = "Subtract the max before exp: see the stable softmax <b>above</b>."


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return graded_class(tmp_path_factory.mktemp("formgrader") / "course", NAME)[0]


def _gradebook_total(course, student) -> float:
    with Gradebook(course.gradebook_url) as gb:
        return float(gb.find_submission_notebook(NAME, NAME, student).score)


def _agree(course, student: str, comment: str | None) -> float:
    """The page, the CSV rows, the Canvas export and the gradebook give one score; the page has the comment."""
    total = _gradebook_total(course, student)
    row = next(r for r in rows(course, [NAME]) if r["student"] == student)
    assert row["score"] == pytest.approx(total), f"grades.csv says {row['score']}, the gradebook {total}"
    out = course.root / "canvas.csv"
    lms_export(course, "canvas", out, [NAME])
    canvas = {r["ID"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert float(canvas[student][NAME]) == pytest.approx(total), f"Canvas export {canvas[student][NAME]}, gradebook {total}"
    [page] = feedback(course, [NAME], [student])
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    top = re.search(r"Score: ([\d.]+) / ([\d.]+)", text)
    assert top and float(top.group(1)) == pytest.approx(total), f"the page says {top and top.group(0)}, gradebook {total}"
    if comment:
        assert f"comment from your instructor: {comment}" in text
    return total


def test_manual_grade_and_comment_survive_every_order(course):
    auto = _agree(course, "bob", None)
    cell = for_assignment(NAME)[0]
    answer_cell = next(iter(cell.answers))
    test_cell = next(g for g in cell.scores if g.endswith("_hidden"))
    with Gradebook(course.gradebook_url) as gb:  # what formgrader's grade and comment boxes write
        gb.find_grade(test_cell, NAME, NAME, "bob").manual_score = 1.0 + gb.find_grade(test_cell, NAME, NAME, "bob").auto_score
        gb.find_comment(answer_cell, NAME, NAME, "bob").manual_comment = COMMENT
        gb.db.commit()
    manual = _agree(course, "bob", COMMENT)
    assert manual == auto + 1.0
    autograde(course, [NAME], ["bob"], force=True, jobs=1, quiet=True)
    assert _agree(course, "bob", COMMENT) == manual
    # formgrader's ⚡ Autograde: plain nbgrader re-grades bob, replacing the course's autograded/ folder.
    run_nbgrader(course, "autograde", NAME, "--student", "bob", "--force", "--log-level=WARN", env={"PG_FAST": "1"},
                 capture=True)
    folder = autograded_dir(course, "bob", NAME)
    assert not (folder / f"{NAME}.result.json").exists()
    assert (folder / f"{NAME}.ipynb").stat().st_mode & 0o777 == 0o444, "nbgrader's autograde leaves its files 0444"
    after_flash = _agree(course, "bob", COMMENT)
    row = next(r for r in rows(course, [NAME]) if r["student"] == "bob")
    assert row["status"].startswith("flagged (graded by plain nbgrader"), row["status"]
    autograde(course, [NAME], ["bob"], jobs=1, quiet=True)  # not current any more: the course grades it again
    assert _agree(course, "bob", COMMENT) == after_flash == manual
    assert next(r for r in rows(course, [NAME]) if r["student"] == "bob")["status"] == "graded"
    # Root writes a 0444 file anyway; a non-root instructor cannot, unless the grader gave the owner write back.
    assert all(p.stat().st_mode & 0o200 for p in folder.iterdir()), "a file left read-only for its owner"
    assert _agree(course, "ann", None) == _gradebook_total(course, "ann")

