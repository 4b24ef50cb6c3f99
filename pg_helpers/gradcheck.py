"""Finite-difference gradients for gradient checks (introduced in notebook 01)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x`` (any shape).

    Each entry costs two calls of ``f``: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), with an
    error of order eps². ``x`` is copied to float64 and never modified.
    Returns an array of ``x``'s shape.
    """
    x = np.array(x, dtype=np.float64)  # a copy: the caller's array stays untouched
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
