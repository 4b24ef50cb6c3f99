"""Which demonstration cells the grader may leave unrun (grading/base/demos.py)."""

from __future__ import annotations

import pytest

from grading.base.demos import bound_names, cells_to_skip, read_names


def test_bound_names_cover_every_way_to_bind():
    src = ("import numpy as np\nfrom os import path as p\nx, (y, *z) = 1, (2, 3)\nfor i in range(2): pass\n"
           "with open('f') as fh: pass\ndef f(): global g; g = 1\nclass C: pass\n"
           "try: pass\nexcept Exception as err: pass\nk += 1\n[w := 2]\n")
    assert bound_names(src) >= {"np", "p", "x", "y", "z", "i", "fh", "f", "g", "C", "err", "k", "w"}


def test_read_names_count_a_cells_own_bindings_only_for_course_cells():
    assert read_names("a = 1\nprint(a, b)") == {"print", "b"}
    assert read_names("a = 1\nprint(a, b)", own_bindings_count=False) == {"print", "a", "b"}


def test_shell_lines_parse_and_magics_or_garbage_read_everything():
    assert read_names("!ls\nprint(curve)") == {"get_ipython", "print", "curve"}
    for cell in ("%time print(curve)", "%%capture\nprint(curve)", "def (:"):
        assert read_names(cell) is None, cell
        assert bound_names(cell) is None, cell


@pytest.mark.parametrize(
    "sources, demos, student, skipped",
    [
        # nothing reads the demo: skipped
        (["x = 1", "curve = [x]", "print(x)"], {1}, set(), [1]),
        # a later course cell reads it: runs
        (["x = 1", "curve = [x]", "print(curve)"], {1}, set(), []),
        # a student cell reads any name it binds, even one the student also assigns later: runs
        (["curve = [1]", "y = 2\nprint(y)", "curve = 3; print(curve)"], {0}, {2}, []),
        # the same source as a course cell would not need it
        (["curve = [1]", "curve = 3; print(curve)"], {0}, set(), [0]),
        # a demo needed by a needed demo runs too, an unrelated one does not
        (["a = 1", "b = a", "c = 0", "print(b)"], {0, 1, 2}, set(), [2]),
        # a student cell that does not parse may read anything: every demo before it runs
        (["a = 1", "def (:", "b = 2"], {0, 2}, {1}, [2]),
        # a demo the student changed is the student's code: it runs
        (["a = 1", "b = 2"], {0, 1}, {1}, [0]),
    ],
)
def test_cells_to_skip(sources, demos, student, skipped):
    assert cells_to_skip(sources, demos, student) == skipped
