"""Shared fixtures: the course tree, and temporary copies of it to release and grade in."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grading.course import Course


def copy_course(dest: Path) -> Course:
    """A copy of the course at ``dest`` with no gradebook and no grading state."""
    return Course().copy_to(dest)


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
