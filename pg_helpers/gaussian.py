"""Reference forms of notebook 05's exercises (Gaussian policies), for later notebooks.

Introduced in notebook 05 (Gaussian policies for continuous actions), where students write
these themselves; notebook 05 must not import this module (``grading/engine/integrity.py`` flags its
use there). Actions are (..., act_dim); log-densities are summed over the last axis.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.distributions import Independent, Normal

LOG_2PI = math.log(2 * math.pi)


def diag_gaussian_log_prob(mean: torch.Tensor, log_std: torch.Tensor, act: torch.Tensor) -> torch.Tensor:
    """log N(act; mean, diag(exp(log_std))^2), summed over the last axis; notebook 05.

    ``mean``, ``act``: (..., act_dim); ``log_std``: broadcastable to them, e.g. (act_dim,).
    Returns (...): sum_i [-(a_i - mu_i)^2 / (2 sigma_i^2) - log sigma_i - log(2 pi) / 2].
    """
    z = (act - mean) * torch.exp(-log_std)
    return (-0.5 * z ** 2 - log_std - 0.5 * LOG_2PI).sum(dim=-1)


def diag_gaussian_entropy(log_std: torch.Tensor) -> torch.Tensor:
    """Entropy in nats of a diagonal Gaussian, sum_i (log sigma_i + (1 + log 2 pi) / 2); notebook 05.

    ``log_std``: (..., act_dim). Returns (...). It does not depend on the mean.
    """
    return (log_std + 0.5 * (1.0 + LOG_2PI)).sum(dim=-1)


def tanh_log_det_jacobian(u: torch.Tensor) -> torch.Tensor:
    """sum_i log(1 - tanh(u_i)^2), the log-det-Jacobian of a = tanh(u), finite for any finite u; notebook 05.

    ``u``: (..., act_dim) pre-squash actions. Returns (...). Uses the identity
    log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)), exact where tanh(u) rounds to +-1.
    """
    return (2.0 * (math.log(2.0) - u - nn.functional.softplus(-2.0 * u))).sum(dim=-1)


def tanh_squashed_log_prob(mean: torch.Tensor, log_std: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """log-density of a = tanh(u), u ~ N(mean, diag(sigma^2)): log N(u) - sum_i log(1 - tanh(u_i)^2); notebook 05.

    Takes the pre-squash sample ``u`` (..., act_dim), not a = tanh(u) (inverting tanh near +-1
    loses precision). Returns (...).
    """
    return diag_gaussian_log_prob(mean, log_std, u) - tanh_log_det_jacobian(u)


class GaussianPolicy(nn.Module):
    """pi(a|s) = N(mu_theta(s), diag(sigma^2)): a state-dependent mean MLP, a state-independent log-std; notebook 05.

    ``mean_net`` maps (B, obs_dim) observations to (B, act_dim) means (``tanh`` hidden layers of the
    sizes in ``hidden``, an int for one layer);
    ``log_std`` is an ``nn.Parameter`` of shape (act_dim,), learned, shared by every state.
    Samples are unbounded: clip them in the environment (score the raw sample) or squash with
    tanh (score with ``tanh_squashed_log_prob``).
    """

    def __init__(self, obs_dim: int, act_dim: int, hidden: int | tuple[int, ...] = (32,), init_log_std: float = 0.0):
        super().__init__()
        if isinstance(hidden, int):
            hidden = (hidden,)  # one hidden layer, as in notebook 05's exercise
        layers: list[nn.Module] = []
        sizes = (obs_dim, *hidden)
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.Tanh()]
        layers.append(nn.Linear(sizes[-1], act_dim))
        self.mean_net = nn.Sequential(*layers)
        self.log_std = nn.Parameter(torch.full((act_dim,), float(init_log_std)))

    def dist(self, obs: torch.Tensor) -> Independent:
        """The action distribution on (B, obs_dim) observations: batch shape (B,), event shape (act_dim,)."""
        return Independent(Normal(self.mean_net(obs), torch.exp(self.log_std)), 1)

    def log_prob(self, obs: torch.Tensor, act: torch.Tensor) -> torch.Tensor:
        """(B,) log pi(act|obs), summed over action dimensions, with gradients to both parts."""
        return diag_gaussian_log_prob(self.mean_net(obs), self.log_std, act)

    def entropy(self, obs: torch.Tensor) -> torch.Tensor:
        """(B,) entropy in nats; the same for every state, since sigma does not depend on it."""
        return diag_gaussian_entropy(self.log_std).expand(obs.shape[0])

    @torch.no_grad()
    def sample(self, obs: torch.Tensor) -> torch.Tensor:
        """(B, act_dim) actions drawn from pi(.|obs), without gradient (for acting in the environment)."""
        mean = self.mean_net(obs)
        return mean + torch.exp(self.log_std) * torch.randn_like(mean)
