"""What the release adds under each notebook's title for students: a Colab badge and how Run All behaves.

The solution notebook stays as its authors wrote it; ``StudentHeader`` runs inside nbgrader's
``generate_assignment`` and inserts, after the ``# NN · Title`` line of the first markdown cell, the
"Open in Colab" badge (when ``[tool.pg-course] repository`` is set) and a blockquote that says Run
All stops at the first unfinished TODO (each stub names its function, ``grading/authoring/stubs.py``).
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .colab_badges import badge

RUN_ALL_NOTE = ("> **Run All stops at the first unfinished TODO**, with an error that names the function to "
                "write. Write it, run its cell and the test below it, then Run All again.")


def with_header(markdown: str, lines: list[str]) -> str:
    """``markdown`` with ``lines`` as a paragraph right after its first ``# `` heading (or on top)."""
    source = markdown.splitlines()
    title = next((i for i, line in enumerate(source) if line.startswith("# ")), -1)
    block = ["", *lines] if title >= 0 else [*lines, ""]
    return "\n".join(source[: title + 1] + block + source[title + 1:])


class StudentHeader(NbGraderPreprocessor):
    """Insert the student header into the first markdown cell of a release."""

    colab_repository = Unicode("", help="GitHub owner/name the Colab badge opens the notebook from").tag(config=True)
    colab_branch = Unicode("main", help="branch of that repository").tag(config=True)

    def preprocess(self, nb, resources):
        first = next((cell for cell in nb.cells if cell.cell_type == "markdown"), None)
        if first is None:
            raise RuntimeError("a notebook to release needs a markdown title cell (# NN · Title)")
        if RUN_ALL_NOTE not in first.source:
            assignment = resources.get("nbgrader", {}).get("assignment", "")
            colab = badge(self.colab_repository, self.colab_branch, assignment)
            first.source = with_header(first.source, [colab, "", RUN_ALL_NOTE] if colab else [RUN_ALL_NOTE])
        return nb, resources
