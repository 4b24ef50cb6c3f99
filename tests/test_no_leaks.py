"""Released notebooks contain no hidden test and no line of solution code.

Compared against the solution sources, not only the markers: a line of a solution region or a
hidden-test region leaks if it appears in the release, unless the same line also stands in the
public part of the source (a line like `return p` that the stub or the text shows anyway).
"""

from __future__ import annotations

import pytest

from grading.cells import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, regions
from grading.course import Course

from .conftest import read_nb

MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def _secret_and_public(source_nb) -> tuple[set[str], set[str]]:
    secret: set[str] = set()
    public: set[str] = set()
    for cell in source_nb.cells:
        hidden = set()
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            for region in regions(cell.source, begin, end):
                hidden |= _lines("\n".join(region))
        secret |= hidden
        public |= _lines(cell.source) - hidden - set(MARKERS)
    return secret - public, public


def test_every_assignment_is_released(course, assignments):
    for name in assignments:
        assert course.release_notebook(name).is_file(), f"{name} has no release: run `make release`"


@pytest.mark.parametrize("name", Course().assignments())
def test_release_leaks_nothing(course, name):
    source = read_nb(course.source_notebook(name))
    released = read_nb(course.release_notebook(name))
    secret, _ = _secret_and_public(source)
    assert secret, f"{name}: the source has no solution or hidden-test lines at all"
    for index, cell in enumerate(released.cells):
        for marker in MARKERS:
            assert marker not in cell.source, f"{name} cell {index}: released notebook still has {marker!r}"
        leaked = sorted(_lines(cell.source) & secret)
        assert not leaked, f"{name} cell {index}: solution or hidden-test lines in the release: {leaked[:5]}"
        if cell.cell_type == "code":
            assert not cell.outputs, f"{name} cell {index}: released notebook has stored outputs"
