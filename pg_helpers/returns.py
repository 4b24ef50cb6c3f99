"""Reference form of notebook 02's ``reward_to_go``, for the notebooks that come after it.

Introduced in notebook 02 (the log-derivative trick), where students write it themselves;
notebook 02 must not import this module (``grading/engine/integrity.py`` flags its use there).
Notation: rewards r_0, ..., r_{T-1}, r_t received after the action at step t;
G_t = sum_{k=t}^{T-1} gamma^(k-t) r_k.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def reward_to_go(rewards: Any, gamma: float) -> np.ndarray:
    """Discounted reward-to-go G_t = r_t + gamma * G_{t+1} (G_T = 0) of one episode.

    Introduced in notebook 02. ``rewards``: the T rewards of one episode, a list or a 1-D array
    (ints allowed, T >= 1); ``gamma`` in [0, 1]. Returns a float64 array of shape (T,). One
    backward pass, O(T).
    """
    rew = np.asarray(rewards, dtype=np.float64)
    if rew.ndim != 1 or rew.size == 0:
        raise ValueError(f"rewards must be a non-empty 1-D sequence (one episode), got shape {rew.shape}")
    if not 0.0 <= float(gamma) <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma!r}")
    ret = np.empty_like(rew)  # (T,)
    running = 0.0
    for t in reversed(range(rew.size)):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret
