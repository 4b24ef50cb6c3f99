"""Unit tests for pg_helpers.advantages: notebook 04's reference advantages, entropy and value loss."""

from __future__ import annotations

import math

import pytest
import torch

from pg_helpers.advantages import categorical_entropy, compute_advantages, normalize_advantages, value_loss

MASK = torch.tensor([[True, True], [True, False]])


def test_advantages_are_returns_minus_values_zero_on_padding_and_detached():
    ret = torch.tensor([[3.0, 1.0], [2.0, 0.0]])
    val = torch.tensor([[1.0, 1.5], [2.5, 9.0]], requires_grad=True)
    adv = compute_advantages(ret, val, MASK)
    assert torch.equal(adv, torch.tensor([[2.0, -0.5], [-0.5, 0.0]]))
    assert not adv.requires_grad


def test_normalized_advantages_have_mean_zero_std_one_on_real_steps():
    adv = normalize_advantages(torch.tensor([[1.0, 2.0], [3.0, 100.0]]), MASK)
    real = adv[MASK]
    assert abs(float(real.mean())) < 1e-6 and abs(float(real.std(unbiased=False)) - 1) < 1e-6
    assert adv[1, 1] == 0


def test_equal_advantages_normalize_to_zero_not_nan():
    assert torch.equal(normalize_advantages(torch.full((2, 2), 5.0), MASK), torch.zeros(2, 2))


def test_empty_mask_is_a_clear_error():
    with pytest.raises(ValueError, match="no step"):
        normalize_advantages(torch.ones(2, 2), torch.zeros(2, 2, dtype=torch.bool))


def test_shape_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match="one shape"):
        compute_advantages(torch.ones(2, 2), torch.ones(2, 3), MASK)


def test_entropy_uniform_is_log_k_and_finite_at_extreme_logits():
    assert math.isclose(float(categorical_entropy(torch.zeros(4))), math.log(4), rel_tol=1e-6)
    ent = categorical_entropy(torch.tensor([[1000.0, -1000.0, 0.0]]))
    assert torch.isfinite(ent).all() and float(ent) < 1e-6


def test_value_loss_averages_over_real_steps_only():
    val = torch.tensor([[1.0, 2.0], [3.0, 50.0]], requires_grad=True)
    loss = value_loss(val, torch.zeros(2, 2), MASK)
    assert math.isclose(loss.item(), (1 + 4 + 9) / 3, rel_tol=1e-6)
    loss.backward()
    assert val.grad[1, 1] == 0
