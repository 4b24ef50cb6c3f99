"""Reference forms of notebook 03's REINFORCE exercises, for the notebooks that come after it.

Introduced in notebook 03 (REINFORCE), where students write ``batched_returns`` and
``reinforce_loss`` themselves; notebook 03 must not import this module (``grading/engine/integrity.py``
flags its use there). Notebook 04 builds its baseline update on them.

Notation: rewards r_t, received after the action at step t; G_t = sum_{k=t}^{T-1} gamma^(k-t) r_k
inside each episode. Batches are time-major (T, N): column n is one environment's stream of steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def batched_returns(rew: Any, dones: Any, gamma: float) -> np.ndarray:
    """Reward-to-go of a (T, N) batch, restarting at episode ends: G_t = r_t + gamma (1 - done_t) G_{t+1}.

    Introduced in notebook 03. ``rew``: (T, N) rewards; ``dones``: (T, N) bool, True at the last
    step of each episode (a column may hold several episodes back to back); ``gamma`` in [0, 1].
    Returns (T, N) float64. One backward pass, O(T), vectorized over N.
    """
    rew = np.asarray(rew, dtype=np.float64)
    dones = np.asarray(dones, dtype=bool)
    if rew.ndim != 2 or dones.shape != rew.shape:
        raise ValueError(f"rew and dones must both have shape (T, N); got {rew.shape} and {dones.shape}")
    if not 0.0 <= float(gamma) <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma!r}")
    ret = np.empty_like(rew)  # (T, N)
    running = np.zeros(rew.shape[1])  # (N,) return of the step after t, within its episode
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * np.where(dones[t], 0.0, running)
        ret[t] = running
    return ret


def reinforce_loss(logp: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Minus the batch average over episodes of sum_t weight_t log pi(a_t|s_t); notebook 03's equation (4).

    Introduced in notebook 03. ``logp``: (T, N) log-probabilities of the actions taken (carrying
    the gradient), zero on padding; ``weight``: (T, N) the weights of the log-probabilities (the
    returns G_t in notebook 03, advantages in notebook 04), zero on padding, no gradient wanted.
    Divides by N, the number of columns (episodes), not by the number of steps. Returns a scalar.
    """
    if logp.shape != weight.shape or logp.dim() != 2:
        raise ValueError(f"logp and weight must both have shape (T, N); got {tuple(logp.shape)} and {tuple(weight.shape)}")
    return -(logp * weight).sum() / logp.shape[1]


def episode_start_discounts(dones: Any, gamma: float) -> np.ndarray:
    """(T, N) gamma^t with t counted from the start of each step's own episode; notebook 03.

    The textbook's REINFORCE weights step t by gamma^t (Sutton & Barto 2018, section 13.3): the
    gradient of the discounted objective. A column may hold several episodes back to back, so the
    count restarts after every ``dones``.
    """
    dones = np.asarray(dones, dtype=bool)
    weights = np.empty(dones.shape)
    weight = np.ones(dones.shape[1])
    for t in range(dones.shape[0]):
        weights[t] = weight
        weight = np.where(dones[t], 1.0, gamma * weight)
    return weights


def action_log_probs(logits: torch.Tensor, act: Any) -> torch.Tensor:
    """log pi(a|s) of the actions taken, from logits (..., num_actions) and integer actions (...)."""
    act = torch.as_tensor(np.asarray(act), dtype=torch.int64)
    return torch.log_softmax(logits, dim=-1).gather(-1, act.unsqueeze(-1)).squeeze(-1)


def reinforce_update(policy: torch.nn.Module, optimizer: torch.optim.Optimizer, batch: Any, gamma: float,
                     discount_weight: bool = False) -> float:
    """One REINFORCE step on a (T, N) ``RolloutBatch`` of episodes (``collect_episodes``); notebook 03.

    Returns G_t from ``batched_returns`` (times gamma^t from each episode's start if
    ``discount_weight``), log-probabilities from one forward pass of ``policy`` over the (T, N)
    observations, the loss from ``reinforce_loss``, then zero_grad, backward, step.
    Returns the loss as a float.
    """
    ret = batched_returns(batch.rew, batch.dones, gamma) * batch.mask  # (T, N), 0 on padding
    if discount_weight:
        ret = ret * episode_start_discounts(batch.dones, gamma)
    logp = action_log_probs(policy(torch.as_tensor(batch.obs, dtype=torch.float32)), batch.act)  # (T, N)
    loss = reinforce_loss(logp, torch.as_tensor(ret, dtype=torch.float32))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
