"""Warnings in a notebook go to stdout, so a correct answer that warns passes nbgrader's Validate.

nbgrader's validator (the student's Validate button) fails a test cell that wrote anything to
stderr, and Python prints warnings on stderr: torch's "Converting a tensor with requires_grad=True
to a scalar" after ``float(loss)``, or a student's own ``warnings.warn``, would make Validate
report a test as failed that the grader passes. Inside a Jupyter kernel, ``import pg_helpers``
prints warnings, unchanged, on stdout instead: still shown under the cell, no longer an error.
Scripts and test runs keep Python's default. Which warnings show (the filters) is not changed.
"""

from __future__ import annotations

import sys
import warnings


def show_on_stdout(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` that writes to stdout unless given another ``file``."""
    stream = sys.stdout if file is None else file
    if stream is None:  # no console at all (pythonw): nowhere to show it
        return
    stream.write(warnings.formatwarning(message, category, filename, lineno, line))


def in_kernel() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Colab, nbclient, nbgrader)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def install() -> None:
    """Show warnings on stdout when running in a Jupyter kernel; elsewhere change nothing."""
    if in_kernel():
        warnings.showwarning = show_on_stdout
