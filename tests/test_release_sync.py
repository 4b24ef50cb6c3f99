"""notebooks/ is exactly what `make release` makes from solutions/, and releasing is idempotent."""

from __future__ import annotations

import filecmp

import pytest

from grading.authoring.release import release

from .conftest import copy_course

FIX = "run `make release` and commit notebooks/ with the solution change (never edit notebooks/ by hand)"


@pytest.fixture(scope="module")
def released(tmp_path_factory, course):
    copy = copy_course(tmp_path_factory.mktemp("course"))
    release(copy, quiet=True)
    return copy


def _files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_release_matches_committed_notebooks(course, released):
    assert _files(released.notebooks) == _files(course.notebooks), (
        f"notebooks/ has other files than a fresh release: {FIX}"
    )
    for rel in _files(course.notebooks):
        assert filecmp.cmp(course.notebooks / rel, released.notebooks / rel, shallow=False), (
            f"notebooks/{rel} differs from what solutions/ releases: {FIX}"
        )


def test_solutions_are_stamped(course, released):
    """Releasing must not change any solution: the Colab install spec is already stamped."""
    for name in course.assignments():
        assert filecmp.cmp(course.source_notebook(name), released.source_notebook(name), shallow=False), (
            f"solutions/{name} changes when released (install spec not stamped): run `make release`"
        )


def test_release_is_idempotent(released):
    before = {p: p.read_bytes() for p in released.notebooks.rglob("*.ipynb")}
    release(released, quiet=True)
    after = {p: p.read_bytes() for p in released.notebooks.rglob("*.ipynb")}
    assert before == after, "a second `make release` changed the released notebooks"
