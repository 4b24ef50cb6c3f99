"""Assertions for the visible tests: every failure says what was expected and what came.

Introduced in notebook 01. All checks accept NumPy arrays, torch tensors, lists and scalars,
raise ``AssertionError`` with a message that names the quantity, and return nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

# The NumPy functions the checks use, bound when pg_helpers is imported: a notebook that later
# rebinds ``np.allclose`` or ``np.abs`` (by mistake, or to pass a test) cannot change what a
# check computes. The grader also detects such rebinding and flags the submission.
_np = SimpleNamespace(**{name: getattr(np, name) for name in (
    "abs", "allclose", "argmax", "argwhere", "array2string", "asarray", "float64", "isfinite",
    "issubdtype", "number", "shape", "unravel_index")})

_MAX_SHOWN = 8  # array elements shown in a message before eliding


def to_numpy(x: Any, name: str = "value") -> np.ndarray:
    """Convert an array-like (NumPy, torch tensor, list, scalar) to a NumPy array.

    Torch tensors are detached and moved to the CPU first. ``None`` (an unfinished exercise
    that forgot to ``return``) gets a message saying so.
    """
    if x is None:
        raise AssertionError(f"{name} is None: did the function forget to `return` its result?")
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch.Tensor, without importing torch
        x = x.detach().cpu().numpy()
    try:
        return _np.asarray(x)
    except Exception as exc:  # ragged lists and other non-arrays
        raise AssertionError(f"{name} could not be read as an array ({type(x).__name__}): {exc}") from exc


def _show(a: np.ndarray) -> str:
    flat = _np.asarray(a).ravel()
    if flat.size <= _MAX_SHOWN:
        body = _np.array2string(_np.asarray(a), precision=6, separator=", ")
    else:
        head = _np.array2string(flat[:_MAX_SHOWN], precision=6, separator=", ")
        body = f"{head[:-1]}, ...] (shape {_np.shape(a)})"
    return body.replace("\n", "")


def check_shape(name: str, got: Any, shape: tuple[int, ...]) -> None:
    """Assert that ``got`` has exactly ``shape``."""
    arr = to_numpy(got, name)
    shape = tuple(shape)
    if arr.shape != shape:
        raise AssertionError(f"{name}: expected shape {shape}, got shape {arr.shape}")


def check_finite(name: str, got: Any) -> None:
    """Assert that every entry of ``got`` is finite (no nan, no inf)."""
    arr = to_numpy(got, name)
    if not _np.issubdtype(arr.dtype, _np.number):
        raise AssertionError(f"{name}: expected numbers, got dtype {arr.dtype}")
    bad = ~_np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in _np.argwhere(bad)[0]) if arr.ndim else ()
        raise AssertionError(
            f"{name}: expected all finite values, got {int(bad.sum())} non-finite "
            f"(first at index {where}): {_show(arr)}"
        )


def check_close(name: str, got: Any, expected: Any, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert ``got`` equals ``expected`` elementwise within ``atol + rtol * |expected|``.

    Shapes must match exactly (no broadcasting), so a (3,) answer for a (1, 3) result fails.
    """
    want = to_numpy(expected, f"{name} (expected)")
    arr = to_numpy(got, name)
    if arr.shape != want.shape:
        raise AssertionError(
            f"{name}: expected shape {want.shape}, got shape {arr.shape}\n"
            f"  expected: {_show(want)}\n  got:      {_show(arr)}"
        )
    check_finite(name, arr)
    arr64 = arr.astype(_np.float64)
    want64 = want.astype(_np.float64)
    err = _np.abs(arr64 - want64)
    tol = atol + rtol * _np.abs(want64)
    if (err > tol).any():
        worst = _np.unravel_index(int(_np.argmax(err - tol)), err.shape) if err.ndim else ()
        raise AssertionError(
            f"{name}: values differ (atol={atol:g}, rtol={rtol:g})\n"
            f"  expected: {_show(want)}\n  got:      {_show(arr)}\n"
            f"  largest difference {float(err.max()):.3g} at index {tuple(int(i) for i in worst)}"
        )


def check_probability_vector(name: str, p: Any, axis: int = -1, atol: float = 1e-6) -> None:
    """Assert ``p`` holds probabilities along ``axis``: finite, in [0, 1], summing to 1."""
    arr = to_numpy(p, name)
    check_finite(name, arr)
    if (arr < -atol).any() or (arr > 1 + atol).any():
        raise AssertionError(f"{name}: expected probabilities in [0, 1], got {_show(arr)}")
    sums = arr.sum(axis=axis)
    if not _np.allclose(sums, 1.0, atol=atol, rtol=0):
        raise AssertionError(f"{name}: expected entries to sum to 1 along axis {axis}, got sums {_show(sums)}")


def check_true(condition: Any, message: str) -> None:
    """Assert a property that the other checks do not cover; ``message`` says what was expected."""
    if not bool(condition):
        raise AssertionError(message)


def passed(what: str) -> None:
    """Print the short line that closes a visible test."""
    print(f"✔ {what}: visible tests passed.")
