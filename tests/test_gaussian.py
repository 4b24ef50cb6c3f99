"""Unit tests for pg_helpers.gaussian: notebook 05's reference Gaussian log-density, entropy, squash, policy."""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import Normal

from pg_helpers.gaussian import (
    GaussianPolicy,
    diag_gaussian_entropy,
    diag_gaussian_log_prob,
    tanh_log_det_jacobian,
    tanh_squashed_log_prob,
)


def test_log_prob_matches_torch_normal_summed_over_the_last_axis():
    gen = torch.Generator().manual_seed(0)
    mean, act = torch.randn(5, 3, generator=gen), torch.randn(5, 3, generator=gen)
    log_std = torch.tensor([-1.0, 0.0, 0.7])
    got = diag_gaussian_log_prob(mean, log_std, act)
    assert got.shape == (5,)
    torch.testing.assert_close(got, Normal(mean, log_std.exp()).log_prob(act).sum(-1))
    # a hand value: a standard normal at its mean in one dimension
    assert float(diag_gaussian_log_prob(torch.zeros(1), torch.zeros(1), torch.zeros(1))) == pytest.approx(
        -0.5 * math.log(2 * math.pi))


def test_entropy_matches_torch_normal():
    log_std = torch.tensor([[-2.0, 0.5], [0.0, 1.0]])
    torch.testing.assert_close(diag_gaussian_entropy(log_std), Normal(0.0, log_std.exp()).entropy().sum(-1))


def test_tanh_correction_is_exact_and_finite_far_out():
    u = torch.linspace(-4, 4, 17, dtype=torch.float64)[:, None]
    torch.testing.assert_close(tanh_log_det_jacobian(u), torch.log(1 - torch.tanh(u[:, 0]) ** 2))
    far = tanh_log_det_jacobian(torch.tensor([[20.0], [-20.0]]))
    assert torch.isfinite(far).all()
    torch.testing.assert_close(far, torch.full((2,), 2 * (math.log(2) - 20.0)), rtol=1e-6, atol=1e-6)


def test_squashed_density_integrates_to_one_in_one_dimension():
    a = torch.linspace(-1 + 1e-6, 1 - 1e-6, 200_001, dtype=torch.float64)
    u = torch.atanh(a)[:, None]
    dens = tanh_squashed_log_prob(torch.tensor([0.8], dtype=torch.float64),
                                  torch.tensor([0.3], dtype=torch.float64), u).exp()
    assert float(torch.trapezoid(dens, a)) == pytest.approx(1.0, abs=1e-3)


def test_gaussian_policy_shapes_parts_and_gradients():
    torch.manual_seed(0)
    policy = GaussianPolicy(obs_dim=4, act_dim=2, hidden=(8,), init_log_std=-0.5)
    assert isinstance(policy.log_std, torch.nn.Parameter) and policy.log_std.shape == (2,)
    obs = torch.randn(6, 4)
    act = policy.sample(obs)
    assert act.shape == (6, 2) and not act.requires_grad
    logp = policy.log_prob(obs, act)
    torch.testing.assert_close(logp, policy.dist(obs).log_prob(act))
    torch.testing.assert_close(policy.entropy(obs), policy.dist(obs).entropy())
    logp.sum().backward()
    assert policy.log_std.grad is not None and all(p.grad is not None for p in policy.mean_net.parameters())


def test_sample_follows_the_distribution():
    torch.manual_seed(1)
    policy = GaussianPolicy(obs_dim=1, act_dim=1, hidden=16, init_log_std=math.log(0.5))
    assert [m.out_features for m in policy.mean_net if isinstance(m, torch.nn.Linear)] == [16, 1]
    obs = torch.zeros(100_000, 1)
    act = policy.sample(obs)
    mean = policy.mean_net(obs[:1]).detach()
    assert abs(float(act.mean() - mean)) < 0.01 and abs(float(act.std()) - 0.5) < 0.01
