"""Reporting: the result's own file descriptor, out of the kernel's reach, and what goes on it.

The grader reads the line ``kernel ready`` (once the kernel and the prelude are up, before any cell
runs), then the result's JSON (see ``__init__.py``).
"""

from __future__ import annotations

import json
import os

KERNEL_READY = b"kernel ready\n"  # the same bytes as grading.engine.sandbox.KERNEL_READY (this package imports nothing)
_RESULT_FD: int | None = None


def real_stdout() -> int:
    """Keep the original stdout for the result; point fd 0 and 1 at /dev/null for everyone else.

    The kernel inherits fds 0-2; a student writing to fd 1 must not corrupt the JSON result.
    """
    global _RESULT_FD
    saved = os.dup(1)  # non-inheritable: the kernel does not get it
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    _RESULT_FD = saved
    return saved


def announce_kernel_ready() -> None:
    """Tell the grader, before any notebook code runs, that the kernel started: a failure
    after this line may be the notebook's doing, one before it cannot be."""
    if _RESULT_FD is not None:
        os.write(_RESULT_FD, KERNEL_READY)


def use(out: int) -> None:
    """Report on ``out`` (a cold run's saved stdout, a warm sandbox's result file)."""
    global _RESULT_FD
    _RESULT_FD = out


def failure(request: dict, exc: BaseException) -> dict:
    """The result of an executor that failed itself: reported, never a silent death."""
    return {"kernel": f"executor error: {type(exc).__name__}: {exc}"[:300], "cells": {},
            "tampering": [], "truncated": [], "notebook": request.get("notebook")}


def write_and_exit(result: dict, out: int) -> None:
    """Write ``result`` as JSON on ``out``; exit without waiting for anyone."""
    data = json.dumps(result, default=str).encode()
    with os.fdopen(out, "wb") as f:
        f.write(data)
    # Do not wait for stray children (a fork bomb's survivors): the sandbox kills them.
    os._exit(0)


def not_dumpable() -> None:
    """Forbid ptrace and /proc/<pid>/{mem,fd} access to this process by the kernel it starts.

    The kernel runs with the same uid; without this it could attach to the executor and forge
    the result. (PR_SET_DUMPABLE = 4; execve resets the flag, so the kernel is unaffected.)
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass
