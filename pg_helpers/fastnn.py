"""Small networks at CPU speed: a tanh layer computed by NumPy, and a NumPy forward pass for acting.

Used by the course's PPO (``pg_helpers.ppo``, notebook 08's twin for ``make bench``). Each computes
exactly what the plain torch network computes (values and gradients, up to float32 rounding; checked
in ``tests/test_fastnn.py``); they exist because, for networks this small, the cost is in per-call
overheads and in torch's CPU ``tanh``, not in arithmetic:

- torch's float32 ``tanh`` on CPU takes about 2 ns per element, NumPy's about 0.2 ns (a 512 x 64
  batch: ~70 us against ~6 us; torch 2.13 and NumPy 2.4, one thread, on an AMD EPYC with AVX-512).
  In a PPO update on 64-unit tanh networks that was about a quarter of the time.
- Acting calls the networks once per environment step on N rows; a NumPy forward pass of a
  three-layer MLP costs a few microseconds, torch's about 20 (dispatch, tensor wrapping).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class _NumpyTanhFn(torch.autograd.Function):
    """y = tanh(x) by NumPy; dy/dx = 1 - y^2 by torch (``tanh_backward``, the same formula nn.Tanh uses)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        y = torch.from_numpy(np.tanh(x.detach().numpy()))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (y,) = ctx.saved_tensors
        return torch.ops.aten.tanh_backward(grad, y)


class Tanh(nn.Module):
    """Drop-in ``nn.Tanh`` for CPU tensors, computed by ``np.tanh`` (any other device: ``torch.tanh``).

    Used by ``pg_helpers.ppo``, notebook 08's twin for the benchmark."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _NumpyTanhFn.apply(x) if x.device.type == "cpu" else torch.tanh(x)


def numpy_layers(net: nn.Sequential) -> list[tuple[np.ndarray, np.ndarray] | str]:
    """The layers of an MLP of ``nn.Linear`` and tanh as NumPy: (W^T (in, out), b (out,)) or "tanh".

    For acting without torch calls in ``pg_helpers.ppo`` (notebook 08's twin for the benchmark).
    The arrays are views of the parameters (no copy), so they follow the optimizer's in-place steps;
    call it again after replacing a parameter. Raises for a layer it does not know.
    """
    layers: list[tuple[np.ndarray, np.ndarray] | str] = []
    for layer in net:
        if isinstance(layer, nn.Linear):
            layers.append((layer.weight.detach().numpy().T, layer.bias.detach().numpy()))
        elif isinstance(layer, (nn.Tanh, Tanh)):
            layers.append("tanh")
        else:
            raise TypeError(f"numpy_layers handles nn.Linear and tanh layers only, got {type(layer).__name__}")
    return layers


def numpy_forward(layers: list[tuple[np.ndarray, np.ndarray] | str], x: np.ndarray) -> np.ndarray:
    """(B, in) float32 -> (B, out) float32 through ``numpy_layers(net)``: the net's forward pass, no graph."""
    for layer in layers:
        if isinstance(layer, str):
            x = np.tanh(x)
        else:
            weight_t, bias = layer
            x = x @ weight_t + bias
    return x
