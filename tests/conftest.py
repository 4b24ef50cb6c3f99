"""Shared fixtures: the course tree, and temporary copies of it to release and grade in."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from grading.base.course import Course


def copy_course(dest: Path) -> Course:
    """A copy of the course at ``dest`` with no gradebook and no grading state."""
    return Course().copy_to(dest)


@pytest.fixture(scope="session", autouse=True)
def shared_preflight_cache(tmp_path_factory):
    """One pre-flight cache for the whole run (xdist workers included), so the many temporary
    copies of the course that grade the same notebooks with the same options pay for it once.
    Tests of the pre-flight itself set a cache of their own."""
    from grading.engine.preflight import CACHE_ENV

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "preflight-cache"
    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)  # an environment variable: grading subprocesses share it too
    yield folder
    if old is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = old


@pytest.fixture(scope="session")
def course() -> Course:
    return Course()


@pytest.fixture(scope="session")
def assignments(course: Course) -> list[str]:
    names = course.assignments()
    assert names, f"no assignments under {course.solutions}"
    return names


def read_nb(path: Path):
    return nbformat.read(path, as_version=4)


def graded_class(folder: Path, name: str):
    """A copy of the course at ``folder`` in which Ann (the solutions) and Bob (``name``'s first wrong
    answer) handed in ``name``, graded by the course's grader. Returns (course, Bob's wrong answer)."""
    from grading.engine.batch import autograde
    from grading.base.cells import student_submission
    from grading.authoring.release import release

    from .wrong_answers import for_assignment

    course = copy_course(folder)
    release(course, [name], quiet=True)
    released, source = read_nb(course.release_notebook(name)), read_nb(course.source_notebook(name))
    wrong = for_assignment(name)[0]
    for student, answers in (("ann", None), ("bob", wrong.answers)):
        path = course.root / "submitted" / student / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(student_submission(released, source, answers), path)
    autograde(course, [name], jobs=2, quiet=True)
    return course, wrong
