"""Seeding for reproducible notebooks (introduced in notebook 01's setup cell)."""

from __future__ import annotations

import random

import numpy as np


def set_seed(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy's global state and torch; return a fresh Generator.

    Prefer the returned ``np.random.Generator`` (pass it around explicitly) over the global
    state; the global seeds are there for library code that draws from it.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch
    except ImportError:  # torch is optional for the numpy-only notebooks
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)
