"""``python -m grading``: every ``--help`` answers without importing the heavy libraries (nbformat pulls
jsonschema's format checker, seconds at import; nbgrader and torch more). How fast it is, is
``python -m benchmarks.cli``'s to print; here, what it imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.cli import COMMANDS
from grading.base.course import REPO_ROOT

HEAVY = ("nbformat", "nbgrader", "jsonschema", "torch", "numpy", "nbclient", "sqlalchemy")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_imports_nothing_heavy(command):
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['grading', *{[command] if command else []!r}, '--help']\n"
        "try:\n    runpy.run_module('grading', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert "usage:" in out.stdout, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]", f"`{command} --help` imported {out.stdout.splitlines()[-1]}"
