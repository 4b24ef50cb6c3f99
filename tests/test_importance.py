"""pg_helpers.importance: the reference forms of notebook 06's exercises."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pg_helpers.importance import effective_sample_size, importance_weights, per_decision_weights, surrogate_loss


def test_importance_weights_in_log_space():
    got = importance_weights([-800.0, 0.0, np.log(0.2)], [-801.0, np.log(0.5), np.log(0.4)])
    np.testing.assert_allclose(got, [np.e, 2.0, 0.5])
    assert importance_weights(np.zeros((2, 3)), np.zeros((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError):
        importance_weights(np.zeros(2), np.zeros(3))


def test_effective_sample_size():
    assert effective_sample_size(np.zeros(5)) == pytest.approx(5.0)
    w = np.array([1.0, 1.0, 1.0, 5.0])
    assert effective_sample_size(np.log(w)) == pytest.approx(64 / 28)
    assert effective_sample_size(np.log(w) + 1000) == pytest.approx(64 / 28)  # exp(1000) would overflow
    assert effective_sample_size(np.log(w) - 1000) == pytest.approx(64 / 28)  # exp(-1000) would underflow
    assert effective_sample_size([3.0]) == pytest.approx(1.0)
    assert effective_sample_size([0.0, -np.inf]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        effective_sample_size([])


def test_per_decision_weights():
    logp_b = np.log(np.full((3, 2), 0.5))
    logp_t = np.log(np.array([[1.0, 2.0], [0.25, 0.3], [1.5, 0.1]]) * 0.5)  # ratios per step
    mask = np.array([[True, True], [True, False], [True, False]])
    got = per_decision_weights(logp_t, logp_b, mask)
    np.testing.assert_allclose(got, [[1.0, 2.0], [0.25, 0.0], [0.375, 0.0]])
    with np.errstate(over="ignore"):  # e^1000 at the end: the true value is not representable
        long = per_decision_weights(np.full((2000, 1), -1.0), np.full((2000, 1), -1.5), np.ones((2000, 1), bool))
    assert np.isfinite(long[:1400]).all() and long[-1, 0] == np.inf  # e^1000: the true value is not representable
    with pytest.raises(ValueError):
        per_decision_weights(np.zeros(3), np.zeros(3), np.ones(3, bool))


def test_surrogate_loss_value_and_gradient_at_old_policy():
    logp = torch.log(torch.tensor([0.5, 0.2, 0.9])).requires_grad_()
    logp_old = torch.log(torch.tensor([0.25, 0.4, 0.9]))
    adv = torch.tensor([1.0, -2.0, 3.0])
    loss = surrogate_loss(logp, logp_old, adv)
    assert loss.item() == pytest.approx(-4 / 3)
    # at theta = theta_old, with logp_old the same tensor as logp: the policy gradient's -adv / B
    same = torch.log(torch.tensor([0.3, 0.6, 0.1])).requires_grad_()
    surrogate_loss(same, same, adv).backward()
    torch.testing.assert_close(same.grad, -adv / 3)
    with pytest.raises(ValueError):
        surrogate_loss(logp, logp_old[:2], adv)
