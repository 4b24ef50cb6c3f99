"""Exact values and exact policy gradients of a tabular MDP, for checking estimates against.

Introduced in notebook 02. For a tabular softmax policy π_θ (logits θ of shape (S, A)) the value
of every state solves a linear system,

    V = r_π + γ P_π V   ⇔   (I − γ P_π) V = r_π,

with r_π[s] = Σ_a π(a|s) R[s, a] and P_π[s, s'] = Σ_a π(a|s) P[s, a, s'] over the non-terminal
states (the terminal state has value 0). The objective is J(θ) = Σ_s μ0(s) V(s); its gradient
comes from torch autograd through the linear solve, with no sampling at all.

The action values Q(s, a) = R[s, a] + γ Σ_s' P[s, a, s'] V(s') and the discounted state visits
η(s) = Σ_t γ^t Pr(s_t = s) (the solution of η = μ0 + γ P_πᵀ η) are the two ingredients of the
policy gradient theorem, ∇J = Σ_s η(s) Σ_a ∇π(a|s) Q(s, a), which notebook 02 checks against
``policy_gradient``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .envs.tabular_mdp import TabularMDP


def _logits_tensor(mdp: TabularMDP, logits: Any) -> torch.Tensor:
    """``logits`` as a float64 (S, A) tensor; a tensor keeps its autograd graph."""
    if isinstance(logits, torch.Tensor):
        theta = logits.to(torch.float64)
    else:
        theta = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    if tuple(theta.shape) != (mdp.num_states, mdp.num_actions):
        raise ValueError(f"logits: expected shape ({mdp.num_states}, {mdp.num_actions}) (states, actions), "
                         f"got {tuple(theta.shape)}")
    return theta


def _policy_matrix(mdp: TabularMDP, pi: torch.Tensor) -> torch.Tensor:
    """(S, S) matrix I − γ P_π of the Bellman equations; raises if it is singular."""
    P_pi = torch.einsum("sa,sat->st", pi, torch.tensor(mdp.P[:, :, : mdp.num_states]))  # (S, S), no terminal
    A = torch.eye(mdp.num_states, dtype=torch.float64) - mdp.gamma * P_pi
    if torch.linalg.matrix_rank(A.detach()) < mdp.num_states:
        raise ValueError("I - gamma P_pi is singular: under this policy some state never reaches the end")
    return A


def state_values(mdp: TabularMDP, logits: Any) -> torch.Tensor:
    """(S,) exact values V_π(s) of the softmax policy ``logits``, differentiable in ``logits``.

    Raises if some state never reaches the end under γ = 1 (then I − P_π is singular).
    """
    pi = torch.softmax(_logits_tensor(mdp, logits), dim=1)  # (S, A)
    r_pi = (pi * torch.tensor(mdp.R)).sum(dim=1)  # (S,)
    return torch.linalg.solve(_policy_matrix(mdp, pi), r_pi)


def action_values(mdp: TabularMDP, logits: Any) -> torch.Tensor:
    """(S, A) exact action values Q_π(s, a) = R[s, a] + γ Σ_s' P[s, a, s'] V_π(s'); differentiable.

    The terminal state is worth 0, so its column of ``P`` drops out. Introduced in notebook 02.
    """
    V = state_values(mdp, logits)  # (S,)
    P = torch.tensor(mdp.P[:, :, : mdp.num_states])  # (S, A, S)
    return torch.tensor(mdp.R) + mdp.gamma * P @ V


def discounted_visits(mdp: TabularMDP, logits: Any) -> torch.Tensor:
    """(S,) η(s) = Σ_t γ^t Pr(s_t = s): expected discounted number of visits to each state.

    Solves (I − γ P_π)ᵀ η = μ0. With γ = 1 it is the expected number of visits per episode, and
    Σ_s η(s) is the expected episode length. Introduced in notebook 02.
    """
    pi = torch.softmax(_logits_tensor(mdp, logits), dim=1)  # (S, A)
    return torch.linalg.solve(_policy_matrix(mdp, pi).T, torch.tensor(mdp.mu0))


def objective(mdp: TabularMDP, logits: Any) -> torch.Tensor:
    """Scalar J(θ) = Σ_s μ0(s) V_π(s), the expected (discounted) return; differentiable."""
    return torch.tensor(mdp.mu0) @ state_values(mdp, logits)


def policy_gradient(mdp: TabularMDP, logits: Any) -> tuple[float, np.ndarray]:
    """Exact J(θ) and ∇_θ J(θ) as (float, (S, A) array), by autograd through the linear solve."""
    theta = _logits_tensor(mdp, logits).detach().clone().requires_grad_(True)
    J = objective(mdp, theta)
    (grad,) = torch.autograd.grad(J, theta)
    return float(J.detach()), grad.numpy()


def optimal_values(mdp: TabularMDP, tol: float = 1e-12, max_iter: int = 100_000) -> np.ndarray:
    """(S,) optimal values V*(s) by value iteration: the best any policy can do, for reference lines.

    Converges when every policy ends with probability 1 (or γ < 1).
    """
    V = np.zeros(mdp.num_states)
    P = mdp.P[:, :, : mdp.num_states]  # (S, A, S)
    for _ in range(max_iter):
        Q = mdp.R + mdp.gamma * P @ V  # (S, A)
        V_new = Q.max(axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new
        V = V_new
    raise RuntimeError(f"value iteration did not converge in {max_iter} iterations")


def optimal_objective(mdp: TabularMDP) -> float:
    """J* = Σ_s μ0(s) V*(s), the reference line of a learning curve."""
    return float(mdp.mu0 @ optimal_values(mdp))
