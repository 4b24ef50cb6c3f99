"""Exact value of the short corridor (Sutton & Barto, Example 13.1) as a function of p = π(right).

Introduced in notebook 03. Two independent routes that must agree: the closed form
v(p) = 2(p - 2) / (p(1 - p)), and a linear solve of the Bellman equations v = r + P v built
from the environment's transition table.
"""

from __future__ import annotations

import math

import numpy as np

from .envs.short_corridor import GOAL, NEXT_STATE, NUM_STATES, REWARD

P_STAR = 2.0 - math.sqrt(2.0)
"""Optimal probability of 'right', the root of p² - 4p + 2 = 0 in (0, 1): ≈ 0.5858."""


def _as_probs(p) -> np.ndarray:
    arr = np.asarray(p, dtype=np.float64)
    if not np.all((arr > 0) & (arr < 1)):
        raise ValueError(f"p = π(right) must lie strictly between 0 and 1 (else the goal is never reached), got {p!r}")
    return arr


def corridor_value(p):
    """v(start) for π(right) = p, in closed form: 2(p - 2) / (p(1 - p)); notebook 03. Elementwise on arrays."""
    p = _as_probs(p)
    v = 2.0 * (p - 2.0) / (p * (1.0 - p))
    return float(v) if v.ndim == 0 else v


def corridor_values_linear_solve(p: float) -> np.ndarray:
    """The values of states 0, 1, 2 for π(right) = p, from (I - P) v = r with γ = 1; notebook 03. Returns (3,)."""
    p = float(_as_probs(p))
    probs = {0: 1.0 - p, 1: p}  # action -> probability
    P = np.zeros((NUM_STATES, NUM_STATES))  # transitions among non-terminal states
    r = np.zeros(NUM_STATES)  # expected reward of one step
    for s in range(NUM_STATES):
        for a, prob in probs.items():
            s_next = NEXT_STATE[s, a]
            r[s] += prob * REWARD
            if s_next != GOAL:
                P[s, s_next] += prob
    return np.linalg.solve(np.eye(NUM_STATES) - P, r)


V_STAR = corridor_value(P_STAR)
"""Optimal value of the start state, -2√2 / (3√2 - 4) ≈ -11.657."""
