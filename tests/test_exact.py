"""Unit tests for pg_helpers.exact: exact values and gradients of tabular MDPs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pg_helpers import exact
from pg_helpers.envs.tabular_mdp import TabularMDP, sample_episodes, three_state_mdp
from pg_helpers.gradcheck import numerical_gradient


def _coin(gamma: float = 1.0) -> TabularMDP:
    """One state, one action, reward 1, ends with probability 1/2: V = 1 / (1 - γ/2)."""
    return TabularMDP(P=np.array([[[0.5, 0.5]]]), R=np.array([[1.0]]), mu0=np.array([1.0]), gamma=gamma)


@pytest.mark.parametrize("gamma, value", [(1.0, 2.0), (0.5, 4 / 3), (0.0, 1.0)])
def test_values_of_a_one_state_mdp_by_hand(gamma, value):
    assert exact.state_values(_coin(gamma), [[0.0]]).item() == pytest.approx(value)
    assert exact.objective(_coin(gamma), np.zeros((1, 1))).item() == pytest.approx(value)


def test_values_satisfy_the_bellman_equation():
    mdp = three_state_mdp()
    logits = np.array([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])
    V = exact.state_values(mdp, logits).numpy()
    pi = mdp.policy(logits)
    Q = mdp.R + mdp.gamma * mdp.P[:, :, :3] @ V  # (S, A)
    np.testing.assert_allclose(V, (pi * Q).sum(axis=1), atol=1e-12)


@pytest.mark.parametrize("gamma", [1.0, 0.5, 0.0])
def test_action_values_and_visits_of_a_one_state_mdp_by_hand(gamma):
    # Q = 1 + γ·½·V and η = Σ_t (γ/2)^t = 1 / (1 - γ/2) = V, since the reward is 1 on every step.
    V = 1 / (1 - gamma / 2)
    assert exact.action_values(_coin(gamma), [[0.0]]).item() == pytest.approx(1 + gamma / 2 * V)
    assert exact.discounted_visits(_coin(gamma), [[0.0]]).item() == pytest.approx(V)


def test_values_are_the_policy_average_of_action_values():
    mdp = three_state_mdp()
    logits = np.array([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])
    Q = exact.action_values(mdp, logits).numpy()
    assert Q.shape == (3, 2)
    np.testing.assert_allclose((mdp.policy(logits) * Q).sum(axis=1), exact.state_values(mdp, logits).numpy(),
                               atol=1e-12)


def test_action_values_match_monte_carlo_returns():
    """Q(s, a) is the mean return after taking a in s: start there by a one-state start distribution."""
    mdp = three_state_mdp()
    logits = np.array([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])
    Q = exact.action_values(mdp, logits).numpy()
    V_rest = exact.state_values(mdp, logits).numpy()
    # Q(s, a) = R[s, a] + Σ_s' P[s, a, s'] V(s'): sample s' and the return from s' on.
    rng = np.random.default_rng(4)
    for s, a in [(0, 1), (2, 0)]:
        next_states = rng.choice(4, size=20_000, p=mdp.P[s, a])
        later = np.append(V_rest, 0.0)[next_states]
        assert abs(mdp.R[s, a] + later.mean() - Q[s, a]) < 5 * later.std() / np.sqrt(later.size)


def test_discounted_visits_match_monte_carlo_counts():
    mdp = three_state_mdp()
    logits = np.array([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])
    batch = sample_episodes(mdp, logits, 20_000, np.random.default_rng(5))
    counts = np.stack([((batch.obs == s) & batch.mask).sum(axis=1) for s in range(3)], axis=1)  # (N, S)
    eta = exact.discounted_visits(mdp, logits).numpy()
    se = counts.std(axis=0) / np.sqrt(len(batch))
    assert (np.abs(counts.mean(axis=0) - eta) < 5 * se + 1e-12).all()
    assert eta.sum() == pytest.approx(batch.length.mean(), rel=0.05)  # γ = 1: expected length


@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_policy_gradient_theorem_holds_exactly(gamma):
    """Σ_s η(s) Σ_a ∇π(a|s) Q(s, a) (Sutton et al. 2000) equals the autograd gradient of J."""
    base = three_state_mdp()
    mdp = TabularMDP(P=base.P, R=base.R, mu0=base.mu0, gamma=gamma)
    logits = np.random.default_rng(6).normal(size=(3, 2))
    theta = torch.tensor(logits, requires_grad=True)
    eta = exact.discounted_visits(mdp, logits).detach()
    Q = exact.action_values(mdp, logits).detach()
    (eta[:, None] * torch.softmax(theta, dim=1) * Q).sum().backward()  # only π carries the gradient
    np.testing.assert_allclose(theta.grad.numpy(), exact.policy_gradient(mdp, logits)[1], atol=1e-10)


def test_objective_matches_monte_carlo():
    mdp = three_state_mdp()
    logits = np.array([[0.3, -0.2], [1.0, 0.0], [-0.5, 0.5]])
    returns = sample_episodes(mdp, logits, 40_000, np.random.default_rng(0)).rew.sum(axis=1)
    se = returns.std() / np.sqrt(returns.size)
    assert abs(returns.mean() - exact.objective(mdp, logits).item()) < 5 * se


def test_policy_gradient_matches_finite_differences():
    mdp = three_state_mdp()
    logits = np.random.default_rng(3).normal(size=(3, 2))
    J, grad = exact.policy_gradient(mdp, logits)
    assert isinstance(J, float) and grad.shape == (3, 2)
    numeric = numerical_gradient(lambda th: exact.objective(mdp, th).item(), logits)
    np.testing.assert_allclose(grad, numeric, atol=1e-7)
    # Adding a constant to a state's logits leaves π unchanged, so each row sums to 0.
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)


def test_objective_keeps_the_autograd_graph_and_accepts_float32():
    mdp = three_state_mdp()
    theta = torch.zeros(3, 2, requires_grad=True)  # float32 on purpose
    exact.objective(mdp, theta).backward()
    np.testing.assert_allclose(theta.grad.numpy(), exact.policy_gradient(mdp, np.zeros((3, 2)))[1], atol=1e-6)


def test_optimal_values_dominate_and_are_attained():
    mdp = three_state_mdp()
    V_star = exact.optimal_values(mdp)
    Q = mdp.R + mdp.P[:, :, :3] @ V_star
    np.testing.assert_allclose(V_star, Q.max(axis=1), atol=1e-9)
    greedy = np.where(np.arange(2) == Q.argmax(axis=1)[:, None], 30.0, -30.0)  # near-deterministic
    np.testing.assert_allclose(exact.state_values(mdp, greedy).numpy(), V_star, atol=1e-9)
    for seed in range(5):
        logits = np.random.default_rng(seed).normal(size=(3, 2)) * 2
        assert (exact.state_values(mdp, logits).numpy() <= V_star + 1e-12).all()
    assert exact.optimal_objective(mdp) == pytest.approx(mdp.mu0 @ V_star)


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="expected shape \\(3, 2\\)"):
        exact.state_values(three_state_mdp(), np.zeros((2, 3)))
    forever = TabularMDP(P=np.array([[[1.0, 0.0]]]), R=np.array([[1.0]]), mu0=np.array([1.0]))
    for solve in (exact.state_values, exact.action_values, exact.discounted_visits):
        with pytest.raises(ValueError, match="singular"):
            solve(forever, [[0.0]])
