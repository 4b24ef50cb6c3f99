""""Open in Colab" badges from [tool.pg-course] repository, in the README and under each title."""

from __future__ import annotations

import nbformat
import pytest

from grading.authoring.colab_badges import BEGIN, END, badge, colab_url, readme_with_badges
from grading.authoring.student_header import RUN_ALL_NOTE, StudentHeader
from grading.base.course import check_repository

NAMES = ["01_softmax_policy", "03_reinforce"]


def test_a_badge_opens_the_released_notebook_on_colab():
    assert colab_url("ann/pg-course", "main", "03_reinforce") == (
        "https://colab.research.google.com/github/ann/pg-course/blob/main/notebooks/03_reinforce/03_reinforce.ipynb")
    assert badge("ann/pg-course", "dev", "01_softmax_policy").startswith("[![Open In Colab](https://colab.research")
    assert badge("", "main", "01_softmax_policy") == ""


def test_the_repository_must_be_owner_slash_name():
    assert check_repository("ann/pg-course") == "ann/pg-course" and check_repository("") == ""
    with pytest.raises(SystemExit, match="must look like 'owner/name'"):
        check_repository("https://github.com/ann/pg-course")


def test_the_readme_block_is_rewritten_and_stays_put():
    readme = f"# Course\n\n{BEGIN}\nold\n{END}\n\nMore.\n"
    once = readme_with_badges(readme, "ann/pg-course", "main", NAMES)
    assert once.count("Open In Colab") == 2 and "old" not in once and once.endswith(f"{END}\n\nMore.\n")
    assert readme_with_badges(once, "ann/pg-course", "main", NAMES) == once
    assert readme_with_badges(once, "", "main", NAMES) == f"# Course\n\n{BEGIN}\n{END}\n\nMore.\n"
    with pytest.raises(SystemExit, match="must contain the lines"):
        readme_with_badges("# no markers", "ann/pg-course", "main", NAMES)


def test_the_committed_readme_is_what_the_release_writes(course):
    readme = (course.root / "README.md").read_text()
    assert readme_with_badges(readme, *course.colab_repository(), course.assignments()) == readme, (
        "README.md's Colab badges are out of date: run `make release`")


def test_the_title_cell_gets_the_badge_then_the_run_all_note():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 03 · REINFORCE\n\nText.")])
    header = StudentHeader(colab_repository="ann/pg-course", colab_branch="main")
    nb, _ = header.preprocess(nb, {"nbgrader": {"assignment": "03_reinforce"}})
    lines = nb.cells[0].source.splitlines()
    assert lines[0] == "# 03 · REINFORCE" and lines[2] == badge("ann/pg-course", "main", "03_reinforce")
    assert lines[4] == RUN_ALL_NOTE and lines[-1] == "Text."
    assert header.preprocess(nb, {"nbgrader": {"assignment": "03_reinforce"}})[0].cells[0].source.count("Colab") == 1
