"""``make release``: regenerate notebooks/ from solutions/.

Steps, per assignment: write the canonical Colab cell, with the install spec stamped in, into
the solution notebook (only if it changed), then ``nbgrader generate_assignment`` (one assignment per call, outputs cleared).
Running it twice changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ..base.course import Course
from ..base.nbgrader_cli import run_nbgrader
from .colab_badges import readme_with_badges
from .colab_cell import colab_cell

# Marks the Colab cell, whose whole source `make release` owns.
INSTALL_LINE = re.compile(r"^COURSE_INSTALL = ", re.MULTILINE)


def stamp_install_spec(path: Path, spec: str) -> bool:
    """Make the notebook's Colab cell the canonical one with ``spec``; True if the file changed.

    A solution notebook without that cell is an error: every notebook must run on Colab.
    """
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and INSTALL_LINE.search(c.source)]
    if len(cells) != 1:
        raise SystemExit(f"{path}: expected exactly one code cell with a `COURSE_INSTALL = ...` line, found {len(cells)}")
    new_source = colab_cell(spec)
    if new_source == cells[0].source:
        return False
    cells[0].source = new_source
    nbformat.write(nb, path)
    return True


def release(course: Course, assignments: list[str] | None = None, quiet: bool = False) -> None:
    """Regenerate the student notebooks of ``assignments`` (all by default)."""
    names = course.select_assignments(assignments)
    spec = course.colab_install_spec()
    for name in names:
        if stamp_install_spec(course.source_notebook(name), spec) and not quiet:
            print(f"{name}: stamped the Colab install spec into the solution notebook")
        args = ["generate_assignment", name, "--force"]
        if quiet:
            args += ["--log-level=WARN"]
        run_nbgrader(course, *args, capture=quiet)
        if not quiet:
            print(f"{name}: released to {course.release_notebook(name).relative_to(course.root)}")
    write_readme_badges(course)


def write_readme_badges(course: Course) -> None:
    """Rewrite the README's Colab badges from ``[tool.pg-course] repository`` (only if they changed)."""
    readme = course.root / "README.md"
    if not readme.is_file():  # a course copy without the README (the tests' temporary copies)
        return
    text = readme.read_text()
    repository, branch = course.colab_repository()
    new = readme_with_badges(text, repository, branch, course.assignments())
    if new != text:
        readme.write_text(new)
