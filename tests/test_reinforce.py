"""Unit tests for pg_helpers.reinforce: notebook 03's reference returns and loss."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from pg_helpers.reinforce import (action_log_probs, batched_returns, episode_start_discounts, reinforce_loss,
                                  reinforce_update)


def slow_returns(rew: np.ndarray, dones: np.ndarray, gamma: float) -> np.ndarray:
    """The definition, episode by episode: G_t = sum over the rest of t's episode of gamma^(k-t) r_k."""
    out = np.zeros(rew.shape)
    for n in range(rew.shape[1]):
        ends = [t for t in range(rew.shape[0]) if dones[t, n]] + [rew.shape[0] - 1]
        start = 0
        for end in ends:
            for t in range(start, end + 1):
                out[t, n] = sum(gamma ** (k - t) * rew[k, n] for k in range(t, end + 1))
            start = end + 1
    return out


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.99, 1.0])
def test_batched_returns_matches_the_definition(gamma):
    rng = np.random.default_rng(0)
    rew = rng.normal(size=(9, 4))
    dones = rng.random((9, 4)) < 0.3
    dones[0, 0] = True  # a one-step episode
    np.testing.assert_allclose(batched_returns(rew, dones, gamma), slow_returns(rew, dones, gamma), atol=1e-12)


def test_batched_returns_hand_case():
    # column 0: episodes of 2 and 3 steps; column 1: one episode of 5 steps
    rew = np.array([[1, 1], [2, 1], [1, 1], [2, 1], [3, 1]])
    dones = np.array([[0, 0], [1, 0], [0, 0], [0, 0], [1, 1]], dtype=bool)
    expected = [[2.0, 1.9375], [2.0, 1.875], [2.75, 1.75], [3.5, 1.5], [3.0, 1.0]]
    got = batched_returns(rew, dones, 0.5)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize("rew, dones, gamma, match", [
    (np.zeros(3), np.zeros(3, bool), 0.9, "shape"),
    (np.zeros((3, 2)), np.zeros((2, 3), bool), 0.9, "shape"),
    (np.zeros((3, 2)), np.zeros((3, 2), bool), 1.5, "gamma"),
])
def test_batched_returns_rejects_bad_input(rew, dones, gamma, match):
    with pytest.raises(ValueError, match=match):
        batched_returns(rew, dones, gamma)


def test_reinforce_loss_divides_by_episodes_not_steps():
    logp = torch.log(torch.full((3, 2), 0.5)).requires_grad_()  # T = 3 steps, N = 2 episodes
    weight = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    loss = reinforce_loss(logp, weight)
    assert torch.isclose(loss, -(logp * weight).sum() / 2)
    loss.backward()
    torch.testing.assert_close(logp.grad, -weight / 2)


def test_reinforce_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        reinforce_loss(torch.zeros(3, 2), torch.zeros(2, 3))


def test_episode_start_discounts_restart_after_each_episode():
    dones = np.array([[0, 0], [1, 0], [0, 0], [0, 1]], dtype=bool)  # column 0: episodes of 2 and 2 steps
    got = episode_start_discounts(dones, 0.5)
    np.testing.assert_allclose(got, [[1, 1], [0.5, 0.5], [1, 0.25], [0.5, 0.125]])


def test_action_log_probs_match_torch_distributions():
    logits = torch.randn(5, 3, 4, generator=torch.Generator().manual_seed(0))
    act = np.random.default_rng(0).integers(0, 4, size=(5, 3))
    want = torch.distributions.Categorical(logits=logits).log_prob(torch.as_tensor(act))
    torch.testing.assert_close(action_log_probs(logits, act), want)


def test_reinforce_update_hand_case():
    """Zero-weight linear policy, one 2-step episode, gamma 0.5: G = (1.5, 1); SGD step by hand (notebook 03)."""
    lin = torch.nn.Linear(4, 2)
    torch.nn.init.zeros_(lin.weight)
    torch.nn.init.zeros_(lin.bias)
    batch = SimpleNamespace(obs=np.array([[[1, 0, 0, 0]], [[0, 1, 0, 0]]], dtype=np.float32), act=np.array([[1], [0]]),
                            rew=np.array([[1.0], [1.0]], dtype=np.float32), dones=np.array([[False], [True]]),
                            mask=np.ones((2, 1), dtype=bool))
    loss = reinforce_update(lin, torch.optim.SGD(lin.parameters(), lr=1.0), batch, gamma=0.5)
    assert loss == pytest.approx(2.5 * np.log(2), rel=1e-6)
    torch.testing.assert_close(lin.weight.detach(), torch.tensor([[-0.75, 0.5, 0, 0], [0.75, -0.5, 0, 0]]))
    torch.testing.assert_close(lin.bias.detach(), torch.tensor([-0.25, 0.25]))


def test_reinforce_update_discount_weight_and_zero_grad():
    """gamma^t from each episode's start; two calls must not pile up gradients."""
    lin = torch.nn.Linear(1, 2)
    torch.nn.init.zeros_(lin.weight)
    torch.nn.init.zeros_(lin.bias)
    batch = SimpleNamespace(obs=np.ones((2, 1, 1), dtype=np.float32), act=np.array([[1], [1]]),
                            rew=np.array([[0.0], [1.0]], dtype=np.float32), dones=np.array([[False], [True]]),
                            mask=np.ones((2, 1), dtype=bool))
    opt = torch.optim.SGD(lin.parameters(), lr=0.0)  # lr 0: the parameters stay, the gradients are compared
    reinforce_update(lin, opt, batch, gamma=0.5, discount_weight=True)
    first = lin.bias.grad.clone()
    # G = (0.5, 1), weights (1, 0.5): both steps weigh 0.5, each adds -(onehot(1) - 1/2) * 0.5 to the bias gradient
    torch.testing.assert_close(first, torch.tensor([0.5, -0.5]))
    reinforce_update(lin, opt, batch, gamma=0.5, discount_weight=True)
    torch.testing.assert_close(lin.bias.grad, first)
