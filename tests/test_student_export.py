"""`make student-export`: the student folder holds what students need and no solution or hidden test."""

from __future__ import annotations

import pytest

from grading.authoring.lint import secret_lines
from grading.authoring.student_export import student_export
from grading.engine.integrity import ANSWER_MODULES

from .conftest import read_nb

# pg_helpers modules that hold reference answers to an earlier notebook's exercises on purpose
# (grading/engine/integrity.py flags a student of that notebook who imports them).
REFERENCE_ANSWERS = {f"pg_helpers/{m}.py" for m in ANSWER_MODULES}
MIN_LIBRARY_LINE = 20  # characters


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, course):
    return student_export(course, tmp_path_factory.mktemp("export") / "student")


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_bundle_has_what_students_need_and_nothing_else(bundle, assignments):
    files = _files(bundle)
    for needed in ["README.md", "environment.yml", "pyproject.toml", "pg_helpers/__init__.py",
                   "lab/config/nbgrader_config.py", *(f"notebooks/{n}/{n}.ipynb" for n in assignments)]:
        assert needed in files, f"the student folder lacks {needed}"
    tops = {f.split("/")[0] for f in files}
    assert tops == {"README.md", "environment.yml", "pyproject.toml", "pg_helpers", "notebooks", "lab"}, tops
    assert 'packages = ["pg_helpers", "pg_helpers.envs"]' in (bundle / "pyproject.toml").read_text()


def _secrets(course, assignments) -> set[str]:
    """Solution and hidden-test lines of every notebook, less those any notebook shows publicly."""
    secret, public = set(), set()
    for name in assignments:
        source = read_nb(course.source_notebook(name))
        own = secret_lines(source)
        secret |= own
        public |= {line.strip() for cell in source.cells for line in cell.source.splitlines()} - own
    return {line for line in secret - public if len(line) > 3}


def _leaks(bundle, secrets: set[str]) -> list[str]:
    found = []
    for rel in _files(bundle):
        if rel in REFERENCE_ANSWERS:
            continue
        if rel.endswith(".ipynb"):  # compare cell lines, as the release leak check does
            lines = {line.strip() for cell in read_nb(bundle / rel).cells for line in cell.source.splitlines()}
        else:  # library code may share a short generic line (``obs = next_obs``) with an answer
            lines = {line.strip() for line in (bundle / rel).read_text(errors="replace").splitlines()
                     if len(line.strip()) > MIN_LIBRARY_LINE}
        found += [f"{rel}: {line}" for line in sorted(lines & secrets)]
    return found


def test_no_solution_or_hidden_test_line_is_in_the_bundle(bundle, course, assignments):
    secrets = _secrets(course, assignments)
    assert len(secrets) > 20, f"only {len(secrets)} secret lines: the check would pass anything"
    found = _leaks(bundle, secrets)
    assert not found, "solution or hidden-test lines in the student folder:\n" + "\n".join(found[:20])


def test_the_check_finds_a_planted_solution_line(tmp_path, course, assignments):
    secrets = _secrets(course, assignments)
    planted = max(secrets, key=len)
    (tmp_path / "pg_helpers").mkdir()
    (tmp_path / "pg_helpers" / "extra.py").write_text(f"    {planted}\n")
    assert _leaks(tmp_path, secrets) == [f"pg_helpers/extra.py: {planted}"]
