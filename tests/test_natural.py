"""Unit tests for pg_helpers.natural: notebook 07's reference KL, Fisher matrix, natural step and CG."""

from __future__ import annotations

import math

import pytest
import torch

from pg_helpers.natural import (
    categorical_kl,
    conjugate_gradient,
    fisher_matrix,
    fisher_vector_product,
    flat_grad,
    natural_step,
)

F64 = torch.float64


def test_kl_by_hand_asymmetric_and_zero_on_itself():
    p = torch.log(torch.tensor([0.5, 0.25, 0.25], dtype=F64))
    q = torch.zeros(3, dtype=F64)
    assert math.isclose(float(categorical_kl(p, q)), 0.5 * math.log(1.5) + 0.5 * math.log(0.75), abs_tol=1e-12)
    assert not math.isclose(float(categorical_kl(q, p)), float(categorical_kl(p, q)), abs_tol=1e-4)
    assert float(categorical_kl(p, p)) == pytest.approx(0.0, abs=1e-12)


def test_kl_is_finite_for_extreme_logits_and_batched():
    kl = categorical_kl(torch.tensor([[1000.0, -1000.0, 0.0], [0.0, 0.0, 0.0]]), torch.zeros(2, 3))
    assert kl.shape == (2,) and torch.isfinite(kl).all()
    assert float(kl[0]) == pytest.approx(math.log(3), abs=1e-4)


def test_fisher_of_one_softmax_state_is_diag_minus_outer():
    pi = torch.tensor([0.5, 0.25, 0.25], dtype=F64)
    F = fisher_matrix(lambda th: th[None, :], torch.log(pi))
    assert torch.allclose(F, torch.diag(pi) - torch.outer(pi, pi), atol=1e-12)


def test_fisher_is_the_hessian_of_the_kl():
    g = torch.Generator().manual_seed(0)
    obs = torch.randn(4, 3, generator=g, dtype=F64)
    fn = lambda th: obs @ th.reshape(3, 2)  # noqa: E731
    theta = torch.randn(6, generator=g, dtype=F64)
    H = torch.autograd.functional.hessian(lambda th: categorical_kl(fn(theta), fn(th)).mean(), theta)
    assert torch.allclose(fisher_matrix(fn, theta), H, atol=1e-10)


def test_natural_step_spends_exactly_the_budget():
    F = torch.tensor([[4.0, 0.0], [0.0, 1.0]], dtype=F64)
    g = torch.tensor([2.0, 2.0], dtype=F64)
    step = natural_step(g, F, delta=0.5, damping=0.0)
    assert torch.allclose(step, torch.tensor([0.2236068, 0.8944272], dtype=F64), atol=1e-6)
    assert float(0.5 * step @ F @ step) == pytest.approx(0.5)


def test_natural_step_with_singular_fisher_needs_damping():
    F = torch.tensor([[0.25, -0.25], [-0.25, 0.25]], dtype=F64)
    g = torch.tensor([-0.25, 0.25], dtype=F64)
    step = natural_step(g, F, delta=0.01, damping=0.1)
    assert torch.isfinite(step).all()
    with pytest.raises(ValueError, match="positive"):
        natural_step(g, F, delta=0.0)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_natural_step_at_g_zero_is_the_zero_step(dtype):
    step = natural_step(torch.zeros(3, dtype=dtype), torch.eye(3, dtype=dtype), delta=0.01)
    assert step.dtype == dtype and torch.equal(step, torch.zeros(3, dtype=dtype))


def test_natural_step_does_not_shrink_with_g():
    F = torch.tensor([[4.0, 0.0], [0.0, 1.0]], dtype=F64)
    g = torch.tensor([2.0, 2.0], dtype=F64)
    assert torch.allclose(natural_step(1e-12 * g, F, 0.5), natural_step(g, F, 0.5), rtol=1e-9, atol=0)


def test_conjugate_gradient_solves_in_d_iterations_and_stops_at_zero_residual():
    A = torch.tensor([[4.0, 1.0], [1.0, 3.0]], dtype=F64)
    calls = []

    def Avp(v):
        calls.append(1)
        return A @ v

    x = conjugate_gradient(Avp, torch.tensor([1.0, 2.0], dtype=F64), num_iters=2)
    assert torch.allclose(x, torch.tensor([1 / 11, 7 / 11], dtype=F64), atol=1e-10) and len(calls) == 2
    assert torch.equal(conjugate_gradient(Avp, torch.zeros(2, dtype=F64)), torch.zeros(2, dtype=F64))


def test_fisher_vector_product_matches_the_fisher_matrix():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3)).double()
    obs = torch.randn(5, 3, dtype=F64)
    params = list(net.parameters())
    old = net(obs).detach()
    fvp = fisher_vector_product(lambda: categorical_kl(old, net(obs)).mean(), params, damping=0.1)
    d = sum(p.numel() for p in params)
    theta = torch.nn.utils.parameters_to_vector(params).detach()

    def logits_fn(th):
        return torch.func.functional_call(net, dict(zip([n for n, _ in net.named_parameters()],
                                                        _unflatten(th, params))), (obs,))

    F = fisher_matrix(logits_fn, theta)
    v = torch.randn(d, dtype=F64)
    assert torch.allclose(fvp(v), F @ v + 0.1 * v, atol=1e-10)
    assert flat_grad(net(obs).sum(), params).shape == (d,)


def _unflatten(flat, like):
    out, i = [], 0
    for p in like:
        out.append(flat[i:i + p.numel()].view_as(p))
        i += p.numel()
    return out
