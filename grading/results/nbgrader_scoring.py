"""Plain ``nbgrader autograde`` scores like this course's grader: a test cell fails on an error only.

nbgrader gives a test cell 0 when it wrote anything to stderr. A correct answer can do that from
inside the test cell that calls it: a library warning (torch's "Converting a tensor with
requires_grad=True to a scalar", a DeprecationWarning) or a debugging ``print(..., file=sys.stderr)``.
``StderrIsNotAnError`` runs just before nbgrader's ``SaveAutoGrades`` and relabels a test cell's
stderr output as stdout, each line marked ``[stderr]``, so nothing is lost from the feedback
and only an error (a failed check, an exception) costs the points.
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

MARK = "[stderr] "

# nbgrader 0.9's Autograde.autograde_preprocessors, with this one inserted before SaveAutoGrades.
AUTOGRADE_PREPROCESSORS = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grading.results.nbgrader_scoring.StderrIsNotAnError",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


class StderrIsNotAnError(NbGraderPreprocessor):
    """Turn the stderr stream outputs of test (grade) cells into marked stdout outputs.

    (nbgrader's base class, because nbconvert's leaves a preprocessor disabled unless configured.)
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
                    output["text"] = "".join(MARK + line for line in output.text.splitlines(keepends=True))
        return cell, resources
