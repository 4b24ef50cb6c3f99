"""Reference forms of notebook 01's exercises, for the notebooks that come after it.

Introduced in notebook 01 (the softmax policy), where students write each of these themselves;
notebook 01 must not import this module. Conventions: logits over the LAST axis; a linear
softmax policy has parameters ``theta`` of shape (d, k) (d features, k actions) and logits
``theta.T @ x``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _logits(z: Any) -> np.ndarray:
    arr = np.asarray(z, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"logits must have at least one entry along the last axis, got shape {arr.shape}")
    return arr


def softmax(z: Any) -> np.ndarray:
    """Probabilities exp(z_i) / sum_j exp(z_j) over the last axis, stable for any finite logits.

    Introduced in notebook 01. ``z``: array-like of shape (..., k); returns float64, same shape.
    Subtracting the row maximum leaves the result unchanged and keeps every exponent <= 0.
    """
    arr = _logits(z)
    shifted = arr - arr.max(axis=-1, keepdims=True)  # (..., k), each row's max is 0
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z: Any) -> np.ndarray:
    """log softmax(z) over the last axis by log-sum-exp: finite wherever z is finite.

    Introduced in notebook 01. ``z``: array-like of shape (..., k); returns float64, same shape.
    """
    arr = _logits(z)
    m = arr.max(axis=-1, keepdims=True)  # (..., 1)
    return arr - m - np.log(np.exp(arr - m).sum(axis=-1, keepdims=True))


def temperature_softmax(z: Any, temperature: float) -> np.ndarray:
    """softmax(z / temperature): near-greedy as temperature -> 0+, near-uniform as it grows.

    Introduced in notebook 01. Raises ``ValueError`` unless ``temperature`` > 0.
    """
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    return softmax(_logits(z) / temperature)


def _theta_x(theta: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    th = np.asarray(theta, dtype=np.float64)
    xv = np.asarray(x, dtype=np.float64)
    if th.ndim != 2:
        raise ValueError(f"theta must have shape (d, k), got shape {th.shape}")
    if xv.shape != (th.shape[0],):
        raise ValueError(f"x must have shape ({th.shape[0]},) to match theta of shape {th.shape}, got {xv.shape}")
    return th, xv


def policy_probs(theta: Any, x: Any) -> np.ndarray:
    """pi(. | x) of the linear softmax policy: softmax(theta.T @ x), shape (k,).

    Introduced in notebook 01. ``theta``: (d, k); ``x``: (d,) features.
    """
    th, xv = _theta_x(theta, x)
    return softmax(th.T @ xv)


def sample_action(theta: Any, x: Any, rng: np.random.Generator) -> int:
    """One action drawn from pi(. | x), using only ``rng`` for randomness.

    Introduced in notebook 01.
    """
    p = policy_probs(theta, x)
    return int(rng.choice(p.size, p=p))


def grad_log_prob(theta: Any, x: Any, a: int) -> np.ndarray:
    """Gradient of log pi(a | x) with respect to theta: outer(x, e_a - pi(. | x)), shape (d, k).

    Introduced in notebook 01.
    """
    th, xv = _theta_x(theta, x)
    k = th.shape[1]
    if not (isinstance(a, (int, np.integer)) and not isinstance(a, bool) and 0 <= a < k):
        raise ValueError(f"a must be an int in [0, {k}), got {a!r}")
    e_a = np.zeros(k)
    e_a[a] = 1.0
    return np.outer(xv, e_a - policy_probs(th, xv))
