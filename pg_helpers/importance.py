"""Reference forms of notebook 06's exercises (importance weights, ESS, the surrogate), for later notebooks.

Introduced in notebook 06 (importance sampling and off-policy reuse), where students write these
themselves; notebook 06 must not import this module (``grading/engine/integrity.py`` flags its use there).
Notebooks 07 (TRPO) and 08 (PPO) build their ratios and diagnostics on them.

Notation: ``logp_target`` = log π(a|s) of the policy being evaluated or improved, ``logp_behaviour``
= log β(a|s) of the policy that collected the data; the importance weight is ρ = π / β.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def importance_weights(logp_target: Any, logp_behaviour: Any) -> np.ndarray:
    """ρ = exp(log π - log β), elementwise, computed in log space; notebook 06.

    ``logp_target``, ``logp_behaviour``: arrays of one shape (any), log-probabilities of the same
    actions (or of whole trajectories, as sums over steps). Returns float64 of that shape. Finite
    whenever the ratio is representable, even where exp(log π) and exp(log β) underflow to 0.
    """
    logp_target = np.asarray(logp_target, dtype=np.float64)
    logp_behaviour = np.asarray(logp_behaviour, dtype=np.float64)
    if logp_target.shape != logp_behaviour.shape:
        raise ValueError(f"expected arrays of one shape, got {logp_target.shape} and {logp_behaviour.shape}")
    return np.exp(logp_target - logp_behaviour)


def effective_sample_size(log_w: Any) -> float:
    """Kish's effective sample size (Σ w)² / Σ w² of the weights w = exp(log_w); notebook 06.

    ``log_w``: (N,) log importance weights. Computed from log-sum-exps, so log-weights of ±1000 are
    safe; unchanged when every weight is multiplied by one constant. Returns a float in [1, N].
    """
    log_w = np.asarray(log_w, dtype=np.float64).ravel()
    if log_w.size == 0:
        raise ValueError("effective_sample_size: no weights")
    shifted = log_w - log_w.max()  # the largest weight becomes 1: nothing overflows
    w = np.exp(shifted)
    return float(w.sum() ** 2 / (w ** 2).sum())


def per_decision_weights(logp_target: Any, logp_behaviour: Any, mask: Any) -> np.ndarray:
    """Cumulative ratios ρ_{0:t} = Π_{k<=t} π(a_k|s_k) / β(a_k|s_k) of a (T, N) batch; notebook 06.

    Per-decision importance sampling (Precup, Sutton & Singh 2000) weights r_t by ρ_{0:t}, not by
    the whole episode's ratio. ``logp_target``, ``logp_behaviour``: (T, N) log-probabilities of the
    actions taken; ``mask``: (T, N) bool, True on real steps. Returns (T, N) float64, 0 on padding.
    """
    logp_target = np.asarray(logp_target, dtype=np.float64)
    logp_behaviour = np.asarray(logp_behaviour, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if not logp_target.shape == logp_behaviour.shape == mask.shape or mask.ndim != 2:
        raise ValueError(f"expected three (T, N) arrays, got {logp_target.shape}, {logp_behaviour.shape}, {mask.shape}")
    log_ratio = np.where(mask, logp_target - logp_behaviour, 0.0)
    return np.where(mask, np.exp(np.cumsum(log_ratio, axis=0)), 0.0)


def surrogate_loss(logp: torch.Tensor, logp_old: torch.Tensor, adv: torch.Tensor) -> torch.Tensor:
    """Minus the importance-sampled surrogate, -mean_t(ρ_t(θ) Â_t) with ρ_t = exp(logp - logp_old); notebook 06.

    ``logp``: (B,) log π_θ(a_t|s_t) of a flattened batch, carrying the gradient; ``logp_old``: (B,)
    the same under the policy that collected the batch, a constant (detached here); ``adv``: (B,)
    advantage estimates. At θ = θ_old its gradient is the on-policy policy gradient's. Returns a scalar.
    """
    if not logp.shape == logp_old.shape == adv.shape:
        raise ValueError(f"expected tensors of one shape, got {tuple(logp.shape)}, {tuple(logp_old.shape)}, {tuple(adv.shape)}")
    ratio = torch.exp(logp - logp_old.detach())
    return -(ratio * adv.detach()).mean()
