"""The Colab set-up cell: its logic, run offline with the install stubbed by PG_COLAB_PIP.

Each case runs the cell in a fresh interpreter started with -S (no site-packages, so
pg_helpers is absent unless the case provides it) from a folder that can fake `google.colab`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grading.authoring.colab_cell import colab_cell
from grading.base.course import Course

from .conftest import read_nb

SPEC = "git+https://example.org/course.git"


def run_cell(tmp_path: Path, source: str, *, on_colab: bool, installed: bool) -> subprocess.CompletedProcess:
    if on_colab:
        (tmp_path / "google" / "colab").mkdir(parents=True)
        (tmp_path / "google" / "__init__.py").write_text("")
        (tmp_path / "google" / "colab" / "__init__.py").write_text("")
    if installed:
        (tmp_path / "pg_helpers").mkdir()
        (tmp_path / "pg_helpers" / "__init__.py").write_text("")
    prelude = "import google.colab\n" if on_colab else ""
    # The stub install command prints what it was asked to install.
    stub = f"{sys.executable} -c \"import sys; print('INSTALL', *sys.argv[1:])\""
    return subprocess.run([sys.executable, "-S", "-c", prelude + source], cwd=tmp_path, text=True,
                          capture_output=True, env={"PG_COLAB_PIP": stub}, timeout=60)


def test_outside_colab_it_does_nothing(tmp_path):
    result = run_cell(tmp_path, colab_cell(SPEC), on_colab=False, installed=False)
    assert result.returncode == 0 and result.stdout == "", result.stderr


def test_on_colab_it_installs_the_stamped_spec(tmp_path):
    result = run_cell(tmp_path, colab_cell(SPEC), on_colab=True, installed=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"INSTALL {SPEC}"


def test_on_colab_with_the_package_present_it_installs_nothing(tmp_path):
    result = run_cell(tmp_path, colab_cell(SPEC), on_colab=True, installed=True)
    assert result.returncode == 0 and result.stdout == "", result.stderr


def test_on_colab_without_a_spec_it_says_what_to_do(tmp_path):
    result = run_cell(tmp_path, colab_cell(""), on_colab=True, installed=False)
    assert result.returncode != 0
    assert "ask your instructor" in result.stderr and "[tool.pg-course]" in result.stderr
    assert "INSTALL" not in result.stdout


@pytest.mark.parametrize("name", Course().assignments())
def test_every_notebook_carries_the_canonical_cell(course, name):
    expected = colab_cell(course.colab_install_spec())
    for path in (course.source_notebook(name), course.release_notebook(name)):
        sources = [c.source for c in read_nb(path).cells if c.source.startswith("# Colab only")]
        assert sources == [expected], f"{path}: the Colab cell is not the canonical one: run `make release`"
