"""Run nbgrader commands against a course tree with the course's configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .course import Course


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader: this interpreter's bin/ first on PATH.

    Without it, nbgrader fails to find ``alembic`` when it first creates a gradebook.
    """
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def run_nbgrader(course: Course, *args: str, env: dict[str, str] | None = None, check: bool = True,
                 capture: bool = False) -> subprocess.CompletedProcess:
    """``nbgrader <args>`` run from the course's grading/ folder, so its nbgrader_config.py applies."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    result = subprocess.run(
        cmd,
        cwd=course.grading,
        env=nbgrader_env(env),
        text=True,
        capture_output=capture,
    )
    if check and result.returncode != 0:
        detail = f"\n{result.stdout}\n{result.stderr}" if capture else ""
        raise SystemExit(f"nbgrader {' '.join(args)} failed with exit code {result.returncode}{detail}")
    return result
