"""The instructor's path in a real browser: formgrader (`make formgrader`) on a course graded by
``python -m grading``, in Debian's Chromium driven by Playwright.

A class of two hands in notebook 01 (Ann the solutions, Bob a wrong answer); the course's grader grades
it. formgrader's list of submissions shows the scores ``grades.csv`` gives; no page warns about a missing
exchange; Bob's grading view shows his executed notebook; a manual score and a comment typed there
reach Bob's feedback page. Screenshots go to ``artifacts/browser/instructor-*.png``.
"""

from __future__ import annotations

import html
import re

import pytest

from grading.results.export import rows
from grading.results.feedback import feedback

from .conftest import graded_class
from .lab_server import running_lab
from .test_browser import ARTIFACTS, browser, page  # noqa: F401 (the fixtures: Chromium and a fresh page)

NAME = "01_softmax_policy"
COMMENT = "Subtract the largest logit before exp."


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return graded_class(tmp_path_factory.mktemp("instructor") / "course", NAME)


def _comments(course) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gb:
        return [c.manual_comment for c in gb.find_submission_notebook(NAME, NAME, "bob").comments if c.manual_comment]


def _scores(course) -> dict[str, float]:
    return {r["student"]: r["score"] for r in rows(course, [NAME])}


def test_formgrader_shows_the_grades_and_takes_a_manual_grade(graded, page):  # noqa: F811
    course, wrong = graded
    want = _scores(course)
    with running_lab(course.root, course.root.parent / "formgrader.log", target="formgrader") as (base, token):
        page.goto(f"{base}/login?token={token}")  # the login cookie: formgrader's pages call its API with it
        page.goto(f"{base}/formgrader/manage_assignments")
        page.locator("table tbody tr td", has_text=NAME).first.wait_for()
        assert "does not exist" not in page.inner_text("body"), "formgrader warns: " + page.inner_text("body")[:400]
        page.goto(f"{base}/formgrader/gradebook/{NAME}/{NAME}")
        page.locator("#main-table td.score").first.wait_for()
        page.click("#toggle_names")
        shown = {}
        for row in page.locator("#main-table tr").all():
            student = row.locator("a.name-shown").inner_text().strip()
            shown[student] = float(row.locator("td.score").inner_text().split("/")[0])
        page.screenshot(path=str(ARTIFACTS / "instructor-1-submissions.png"))
        assert shown == want, f"formgrader shows {shown}, grades.csv says {want}"

        page.locator("a.name-shown", has_text="bob").click()
        page.locator("#notebook-container .cell").first.wait_for()
        assert "Visible test" in page.inner_text("#notebook-container"), "the grading view lacks the executed notebook"
        test_cell = next(g for g in wrong.scores if g.endswith("_hidden"))
        answer_cell = next(iter(wrong.answers))
        box = page.locator(f"input.score#{test_cell}")
        bumped = float(box.input_value() or 0) + 1.0
        box.fill(f"{bumped:g}")
        box.press("Tab")
        comment = page.locator(f"textarea#{answer_cell}-comment")
        comment.fill(COMMENT)
        comment.press("Tab")
        for _ in range(120):  # formgrader saves each box on change, by a request of its own
            if _scores(course)["bob"] == want["bob"] + 1.0 and COMMENT in _comments(course):
                break
            page.wait_for_timeout(250)
        page.screenshot(path=str(ARTIFACTS / "instructor-2-manual-grade.png"))
    after = _scores(course)
    assert after["bob"] == want["bob"] + 1.0, f"the manual grade did not reach the gradebook: {after}"
    [html_page] = feedback(course, [NAME], ["bob"])
    text = html.unescape(re.sub(r"<[^>]+>", "", html_page.read_text(encoding="utf-8")))
    assert f"comment from your instructor: {COMMENT}" in text
    assert f"Score: {after['bob']:g} /" in text, "the feedback page does not show the manual grade"
