"""The FAST switch: small runs for CI and grading, full runs for students.

Introduced in every notebook's setup cell (01 onwards).
"""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

FAST_ENV_VAR = "PG_FAST"
# nbgrader sets this while its validator runs a notebook (the student's Validate button).
NBGRADER_ENV_VAR = "NBGRADER_EXECUTION"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def fast_mode() -> bool:
    """True when ``PG_FAST`` asks for small runs (``1``/``true``/``yes``/``on``).

    Without ``PG_FAST``, nbgrader's Validate runs small too (``NBGRADER_EXECUTION=validate``): it checks
    the tests, not the experiments, and must answer in seconds. Read at call time, so a notebook
    picks up the setting of the process that runs it. An unrecognised value is an error rather
    than a silent guess.
    """
    if FAST_ENV_VAR not in os.environ:
        return os.environ.get(NBGRADER_ENV_VAR) == "validate"
    raw = os.environ[FAST_ENV_VAR].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{FAST_ENV_VAR} must be one of {sorted(_TRUE | _FALSE - {''})} or unset; got {raw!r}"
    )


def pick(full: T, fast: T) -> T:
    """Return ``fast`` in FAST mode and ``full`` otherwise, e.g. ``pick(2000, 200)`` episodes."""
    return fast if fast_mode() else full
