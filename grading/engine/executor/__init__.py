"""The executor: runs one notebook inside the grading sandbox, notebook in on stdin, results out on stdout.

This package runs *inside* the sandbox (see ``../sandbox_layers.py``), where the ``grading`` package,
the solutions and the gradebook are not visible, so it imports nothing from the course, only its own
modules (relative imports), the standard library, nbclient, nbformat and jupyter_client: it is
bound into the sandbox alone, at ``/opt/grader/executor``, and started as ``python
/opt/grader/executor`` (``__main__.py``), or, for a warm sandbox, ``python /opt/grader/executor
zygote FD`` (``zygote.py``, which hands each notebook a kernel it forked: ``forked_kernel.py``).
The kernel is the executor's child, and both talk ZMQ over the sandbox's own loopback, so a network
namespace around the pair costs nothing.

Its modules, by what they do: ``notebook_run.py`` runs the notebook cell by cell in one kernel,
with the integrity checks of ``prelude.py`` between cells; ``forked_kernel.py`` is the kernel
manager for a kernel forked by ``zygote.py``; ``strays.py`` kills what a timed-out cell left
running; ``report.py`` keeps the result's file descriptor from the kernel and writes the result.

Input (JSON on stdin)::

    {"notebook": <nbformat v4 dict>, "cell_timeout": s, "budget": s, "max_output_bytes": n,
     "watch_torch": bool, "test_cells": [index, ...], "skip_cells": [index, ...],
     "own_pid_namespace": bool (true: after a cell's timeout, kill every process but the kernel)}

Output (on the original stdout: the line ``kernel ready`` once the kernel and the prelude are
up, before any cell runs, then this JSON)::

    {"notebook": <executed notebook>,
     "cells": {index: "ok" | "error" | "timeout" | "not run" | "skipped"},
     "kernel": "ok" | "died" | "budget" | "unresponsive" | "stopped: ..." | "executor error: ...",
     "tampering": [{"cell": index, "changed": [...]}], "truncated": [index, ...],
     "memory": [index of a cell that hit the memory limit, ...], "strays_killed": n}

Before any student code runs, a silent prelude captures the identity of every public function of
builtins, numpy, numpy.testing, numpy.linalg, pg_helpers (and torch when the notebook uses it) and
the IPython shell's input/AST transformers and hooks; after every cell a silent check (evaluated
with ``eval``, so a student's input transformer cannot rewrite it) lists what changed, and before
every test cell a silent restore puts the captured objects back, so the tests run against the
genuine libraries whatever a student's cell did to them.
"""
