"""Run the ``executor`` package on one notebook inside a sandbox, and return its JSON result.

Warm (``warm.py``: forked from a sandbox that imported the libraries once) where this machine
allows it, else cold (``cold.py``: a sandbox of its own); the same result either way. The sandbox's
layers and limits are described in ``sandbox_layers.py``.
"""

from __future__ import annotations

import json
import os
import tempfile

from . import warm
from .cold import run_cold
from .sandbox_layers import Limits, protections, sandbox_uid

KERNEL_READY = b"kernel ready\n"  # the executor writes this first, once the kernel is up


def _execute(request: bytes, limits: Limits, fast: bool, out, err) -> str | None:
    """Warm when this machine allows it (``warm.py``), else cold; the same result either way."""
    if warm.enabled():
        try:
            return warm.execute(request, limits, fast, out, err)
        except warm.WarmFailure:
            out.seek(0)
            out.truncate()
            err.seek(0)
            err.truncate()
    return run_cold(request, limits, fast, out, err)


def run_notebook(nb: dict, limits: Limits = Limits(), fast: bool = True,
                 watch_torch: bool = False, test_cells: list[int] | None = None,
                 skip_cells: list[int] | None = None) -> dict:
    """Execute ``nb`` (a notebook dict) in the sandbox; return the executor's result dict.

    Never raises for anything the submission does: a sandbox that produced no result comes
    back as ``{"kernel": "sandbox failed: ...", "notebook": nb, ...}``.
    """
    request = json.dumps({"notebook": nb, "cell_timeout": limits.cell_timeout, "budget": limits.budget,
                          "max_output_bytes": limits.max_output_bytes, "watch_torch": watch_torch,
                          "test_cells": list(test_cells or []), "skip_cells": list(skip_cells or []),
                          "own_pid_namespace": protections()["bwrap"]}).encode()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        failure = _execute(request, limits, fast, out, err)
        out.seek(0)
        data = out.read()
        err.seek(0)
        tail = err.read()[-2000:].decode(errors="replace")
    # The executor announces the kernel before any notebook code runs; without that line
    # nothing the submission wrote can have caused a failure.
    kernel_started = data.startswith(KERNEL_READY)
    data = data[len(KERNEL_READY):] if kernel_started else data
    if failure is None:
        try:
            result = json.loads(data)
            result["uid"] = sandbox_uid() if protections()["setpriv"] else os.getuid()
            result["kernel_started"] = kernel_started
            if not kernel_started:
                result["stderr"] = tail  # why the kernel did not start (no notebook code wrote it)
            return result
        except ValueError:
            failure = "executor returned no result"
    return {"kernel": f"sandbox failed: {failure}", "cells": {}, "tampering": [], "truncated": [], "memory": [],
            "notebook": nb, "stderr": tail, "kernel_started": kernel_started}
