"""nbgrader configuration for the course.

nbgrader reads this file from its working directory; the ``python -m grading`` commands run
nbgrader from this folder, and the course root is this file's parent folder, so the
configuration is the same whatever directory the instructor starts from.
"""

import sys
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads the file)

COURSE_ROOT = Path(__file__).resolve().parent.parent
if str(COURSE_ROOT) not in sys.path:
    sys.path.insert(0, str(COURSE_ROOT))  # for the grading package, imported below

from grading.base.course import Course  # noqa: E402
from grading.results.nbgrader_scoring import AUTOGRADE_PREPROCESSORS  # noqa: E402
from grading.authoring.stubs import generate_assignment_preprocessors  # noqa: E402

c.CourseDirectory.root = str(COURSE_ROOT)
# solutions/<assignment>/<nb>.ipynb is released to notebooks/<assignment>/<nb>.ipynb.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = Course(COURSE_ROOT).gradebook_url

# Student-facing stub for every answer cell: nbgrader's default, except that NamedStubs makes each
# answer cell's stub name its function (or set its ANSWER_ variable to None), see grading/authoring/stubs.py.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
# The "Open in Colab" badge under each released notebook's title ([tool.pg-course] repository).
c.StudentHeader.colab_repository, c.StudentHeader.colab_branch = Course(COURSE_ROOT).colab_repository()

# Execution while autograding. Execute.* wins over ExecutePreprocessor.* in nbgrader.
c.Execute.timeout = 90  # seconds per cell; FAST-mode training cells take a few seconds
c.Execute.interrupt_on_timeout = True
# A loop that ignores SIGINT must cost that cell, not the whole submission.
c.Execute.raise_on_iopub_timeout = False

# A test cell fails on an error only, as in `python -m grading`: a warning that a correct answer
# prints to stderr must not cost the test its points (nbgrader's default).
c.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS

# A deleted test cell is restored from the gradebook and graded, instead of waiting
# for a manual grade forever.
c.OverwriteCells.add_missing_cells = True

# Feedback must not show the hidden tests. Naming the preprocessors replaces the default
# list, so the HTML header preprocessor is named again, in full.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
