"""Reference forms of notebook 04's exercises (advantages, entropy, value loss), for later notebooks.

Introduced in notebook 04 (baselines and advantages), where students write these themselves;
notebook 04 must not import this module (``grading/engine/integrity.py`` flags its use there).
Batches are time-major (T, N) with a bool ``mask`` (True on real steps, False on padding).
"""

from __future__ import annotations

import torch


def _check_same_shape(**tensors: torch.Tensor) -> None:
    shapes = {name: tuple(t.shape) for name, t in tensors.items()}
    if len(set(shapes.values())) != 1:
        raise ValueError(f"expected tensors of one shape, got {shapes}")


def compute_advantages(ret: torch.Tensor, val: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """A_t = G_t - V(s_t) on real steps, 0 on padding, detached from the value network; notebook 04.

    ``ret``, ``val``: (T, N) float; ``mask``: (T, N) bool. Returns (T, N) with no gradient.
    """
    _check_same_shape(ret=ret, val=val, mask=mask)
    return torch.where(mask, ret - val.detach(), torch.zeros_like(ret))


def normalize_advantages(adv: torch.Tensor, mask: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """(adv - mean) / (std + eps) over the real steps, 0 on padding; equal advantages give 0; notebook 04.

    ``adv``: (T, N) (or any shape) float; ``mask``: bool of the same shape. The standard deviation
    is the population one (divides by the count), so a single real step gives 0, not nan.
    """
    _check_same_shape(adv=adv, mask=mask)
    real = adv[mask]
    if real.numel() == 0:
        raise ValueError("normalize_advantages: the mask selects no step")
    std = real.std(unbiased=False)
    return torch.where(mask, (adv - real.mean()) / (std + eps), torch.zeros_like(adv))


def categorical_entropy(logits: torch.Tensor) -> torch.Tensor:
    """Entropy in nats of softmax(logits) over the last axis, finite for any finite logits; notebook 04.

    ``logits``: (..., num_actions). Returns (...). Uses log_softmax, so logits of +-1000 are safe.
    """
    logp = torch.log_softmax(logits, dim=-1)
    return -(logp.exp() * logp).sum(dim=-1)


def value_loss(val: torch.Tensor, ret: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over real steps of (V(s_t) - G_t)^2, a scalar carrying the value network's gradient; notebook 04."""
    _check_same_shape(val=val, ret=ret, mask=mask)
    err = torch.where(mask, val - ret, torch.zeros_like(val))
    return (err ** 2).sum() / mask.sum()
