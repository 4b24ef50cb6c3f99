"""pg_helpers.fastnn computes what torch computes: the NumPy tanh layer and the NumPy forward pass."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from pg_helpers.fastnn import Tanh, numpy_forward, numpy_layers
from pg_helpers.ppo import make_mlp


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_tanh_matches_torch_in_value_and_gradient(dtype):
    x = (3 * torch.randn(257, 33, generator=torch.Generator().manual_seed(0), dtype=dtype)).requires_grad_()
    y = Tanh()(x)
    grad_out = torch.randn_like(y)
    (grad,) = torch.autograd.grad(y, x, grad_out)
    x_ref = x.detach().clone().requires_grad_()
    y_ref = torch.tanh(x_ref)
    (grad_ref,) = torch.autograd.grad(y_ref, x_ref, grad_out)
    tol = 1e-6 if dtype == torch.float32 else 1e-12
    assert y.dtype == dtype and torch.allclose(y, y_ref, atol=tol, rtol=0)
    assert torch.allclose(grad, grad_ref, atol=10 * tol, rtol=0)


def test_tanh_passes_gradcheck():
    x = torch.randn(6, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: Tanh()(2.0 * t).sum(dim=1), (x,))


def test_tanh_without_grad_and_in_inference_mode():
    x = torch.linspace(-4, 4, 9)
    with torch.inference_mode():
        assert torch.allclose(Tanh()(x), torch.tanh(x), atol=1e-6)
    with torch.no_grad():
        assert not Tanh()(x.clone().requires_grad_()).requires_grad


def test_numpy_forward_is_the_networks_forward_and_follows_the_weights():
    torch.manual_seed(0)
    net = make_mlp(4, 2, 32, 0.01)
    layers = numpy_layers(net)
    obs = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(obs)).numpy()
    got = numpy_forward(layers, obs)
    assert got.dtype == np.float32 and got.shape == (16, 2) and np.allclose(got, expected, atol=1e-6)
    with torch.no_grad():  # an optimizer's in-place step: the NumPy views see it without a rebuild
        for p in net.parameters():
            p.add_(0.1)
        expected = net(torch.from_numpy(obs)).numpy()
    assert np.allclose(numpy_forward(layers, obs), expected, atol=1e-5)


def test_numpy_layers_refuses_a_layer_it_cannot_compute():
    with pytest.raises(TypeError, match="ReLU"):
        numpy_layers(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
