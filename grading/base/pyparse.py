"""``ast.parse`` that threads may share.

CPython 3.11's parser is not safe to call from several threads at once: it can fail with
``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905, fixed in later
releases). The pre-flight grades its references from a thread pool, and grading parses every
cell, so every parse in ``grading`` goes through one lock.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    """``ast.parse(source)``, one thread at a time; raises what ``ast.parse`` raises."""
    with _LOCK:
        return ast.parse(source)
