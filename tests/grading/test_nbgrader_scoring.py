"""Plain nbgrader, configured by grading/nbgrader_config.py, fails a test cell on an error only."""

from __future__ import annotations

import nbformat
from nbgrader import utils
from nbgrader.converters import Autograde
from traitlets.utils.importstring import import_item

from grading.results.nbgrader_scoring import AUTOGRADE_PREPROCESSORS, MARK, StderrIsNotAnError

from .. import notebook_factory as nbf


def _scored(*outputs, grade=True):
    cell = nbf.test(nbf.VISIBLE, "test_double", 1) if grade else nbf.code("print(1)")
    cell.outputs = [nbformat.v4.new_output(**o) for o in outputs]
    cell, _ = StderrIsNotAnError().preprocess_cell(cell, {}, 0)
    return cell


def test_a_warning_in_a_test_cell_keeps_the_points():
    warning = {"output_type": "stream", "name": "stderr", "text": "UserWarning: careful\n  x = f()\n"}
    cell = _scored({"output_type": "stream", "name": "stdout", "text": "ok\n"}, warning)
    assert utils.determine_grade(cell) == (1.0, 1.0)
    assert cell.outputs[1].name == "stdout"
    assert cell.outputs[1].text == f"{MARK}UserWarning: careful\n{MARK}  x = f()\n"  # nothing lost, marked


def test_an_error_still_costs_the_points():
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "wrong", "traceback": []}
    warning = {"output_type": "stream", "name": "stderr", "text": "UserWarning\n"}
    assert utils.determine_grade(_scored(warning, error)) == (0.0, 1.0)


def test_other_cells_are_left_alone():
    cell = _scored({"output_type": "stream", "name": "stderr", "text": "debug\n"}, grade=False)
    assert cell.outputs[0].name == "stderr" and cell.outputs[0].text == "debug\n"


def test_nbgraders_own_steps_are_all_kept_in_order():
    """If nbgrader changes its default list, this fails instead of silently dropping a step."""
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    ours = [import_item(p) for p in AUTOGRADE_PREPROCESSORS if not p.startswith("grading.")]
    assert ours == default
    assert AUTOGRADE_PREPROCESSORS.index("grading.results.nbgrader_scoring.StderrIsNotAnError") == \
        AUTOGRADE_PREPROCESSORS.index("nbgrader.preprocessors.SaveAutoGrades") - 1
    assert StderrIsNotAnError().enabled, "nbconvert skips a preprocessor that is not enabled"
