"""Shared fixtures: the course tree, and temporary copies of it to release and grade in."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from grading.course import REPO_ROOT, Course

# What a course copy needs: sources, releases, grading config and the install spec.
_COPY = ["solutions", "notebooks", "grading", "pyproject.toml"]
_SKIP = shutil.ignore_patterns("__pycache__", "gradebook.db*", ".ipynb_checkpoints")


def copy_course(dest: Path) -> Course:
    """A copy of the course at ``dest`` with no gradebook and no grading state."""
    for name in _COPY:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=_SKIP)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return Course(dest)


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
