"""checks.run: the seed a claims run sets, and the failing cells it reports (no kernel needed)."""

from __future__ import annotations

import nbformat
import pytest

from checks.run import _errors, with_seed
from grading.base.course import Course


def test_every_solution_notebook_has_the_one_seed_line_make_claims_sets(course):
    for name in Course().assignments():
        nb = with_seed(nbformat.read(course.source_notebook(name), as_version=4), 17)
        assert sum("SEED = 17" in c.source for c in nb.cells) == 1, name


def test_a_notebook_without_that_line_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("SEED = 3")])
    with pytest.raises(ValueError, match="one setup cell with the line 'SEED = 0'; found 0"):
        with_seed(nb, 1)


def test_every_cell_that_raised_is_reported_with_its_message():
    ok = nbformat.v4.new_code_cell("x = 1")
    bad = nbformat.v4.new_code_cell("assert False")
    bad.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="the text says: K = 4 beats K = 1",
                                          traceback=[])]
    failed = _errors(nbformat.v4.new_notebook(cells=[ok, bad, nbformat.v4.new_markdown_cell("# x")]))
    assert [str(f) for f in failed] == ["c1: AssertionError: the text says: K = 4 beats K = 1"]
