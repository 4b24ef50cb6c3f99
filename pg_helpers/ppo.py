"""Reference forms of notebook 08's exercises (GAE, the clipped surrogate, the approximate KL) and the
course's PPO built on them, for the benchmark and the notebooks after 08.

Introduced in notebook 08 (PPO and GAE), where students write ``gae``, ``clipped_surrogate_loss`` and
``approx_kl`` themselves; notebook 08 must not import this module (``grading/integrity.py`` flags
its use there). Batches are time-major (T, N): T steps of N environments, running across episode
ends (no padding); ``terminated`` and ``truncated`` mark the step on which an episode ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .envs.cartpole_np import CartPoleVec, evaluate_cartpole
from .fastnn import Tanh, numpy_forward, numpy_layers


def gae(rew: Any, val: Any, next_val: Any, terminated: Any, truncated: Any, gamma: float, lam: float) -> np.ndarray:
    """Generalised advantage estimates of a (T, N) batch (Schulman et al. 2016); notebook 08.

    ``rew``, ``val`` = V(s_t), ``next_val`` = V(s_{t+1}): (T, N). For a step that ended its episode
    by truncation, ``next_val`` is V of the episode's true last observation (not of the reset one);
    ``terminated``, ``truncated``: (T, N) bool. After a termination the future is worth 0; after a
    truncation it is worth V(s_{t+1}), but the next step belongs to another episode either way:

        delta_t = r_t + gamma (1 - terminated_t) next_val_t - val_t
        A_t     = delta_t + gamma lam (1 - (terminated_t or truncated_t)) A_{t+1}

    Returns (T, N) float64. lam = 0 gives the one-step TD error, lam = 1 the Monte Carlo return minus V.
    """
    rew, val, next_val = (np.asarray(a, dtype=np.float64) for a in (rew, val, next_val))
    terminated, truncated = np.asarray(terminated, dtype=bool), np.asarray(truncated, dtype=bool)
    if not (rew.ndim == 2 and rew.shape == val.shape == next_val.shape == terminated.shape == truncated.shape):
        raise ValueError("rew, val, next_val, terminated, truncated must all have one shape (T, N); got "
                         f"{[np.shape(a) for a in (rew, val, next_val, terminated, truncated)]}")
    delta = rew + gamma * np.where(terminated, 0.0, next_val) - val  # (T, N) one-step TD errors
    cont = gamma * lam * ~(terminated | truncated)  # (T, N): 0 where the next step starts a new episode
    adv = np.empty_like(delta)
    running = np.zeros(rew.shape[1])  # (N,) A_{t+1}
    for t in reversed(range(rew.shape[0])):
        running = delta[t] + cont[t] * running
        adv[t] = running
    return adv


def clipped_surrogate_loss(logp: torch.Tensor, logp_old: torch.Tensor, adv: torch.Tensor,
                           clip_coef: float) -> torch.Tensor:
    """Minus PPO's clipped objective, averaged over the samples (Schulman et al. 2017, eq. 7); notebook 08.

    ``logp``: (B,) log pi_theta(a|s) carrying the gradient; ``logp_old``: (B,) under the policy that
    collected the batch; ``adv``: (B,) advantages. ratio = exp(logp - logp_old);
    loss = -mean(min(ratio * adv, clip(ratio, 1 - eps, 1 + eps) * adv)). Returns a scalar.
    """
    ratio = torch.exp(logp - logp_old)
    clipped = torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)
    return -torch.min(ratio * adv, clipped * adv).mean()


def approx_kl(logp: torch.Tensor, logp_old: torch.Tensor) -> torch.Tensor:
    """Estimate of KL(pi_old || pi_theta) from actions sampled by pi_old: mean((r - 1) - log r); notebook 08.

    r = pi_theta(a|s) / pi_old(a|s) = exp(logp - logp_old). Each term is >= 0 and its mean under
    pi_old is exactly the KL (Schulman 2020, "Approximating KL divergence", the k3 estimator).
    ``logp``, ``logp_old``: (B,). Returns a scalar.
    """
    log_ratio = logp - logp_old
    return (torch.exp(log_ratio) - 1.0 - log_ratio).mean()


def value_loss(val: torch.Tensor, val_old: torch.Tensor, ret: torch.Tensor, clip_coef: float | None) -> torch.Tensor:
    """0.5 mean (V(s) - R)^2, or with ``clip_coef`` the max of it and the loss of V clipped to val_old +- clip_coef.

    Introduced in notebook 08 (value clipping, one of PPO's implementation details: Huang et al. 2022).
    """
    err = (val - ret) ** 2
    if clip_coef is not None:
        clipped = val_old + torch.clamp(val - val_old, -clip_coef, clip_coef)
        err = torch.max(err, (clipped - ret) ** 2)
    return 0.5 * err.mean()


def _layer(layer: nn.Linear, gain: float, ortho: bool) -> nn.Linear:
    if ortho:
        nn.init.orthogonal_(layer.weight, gain)
        nn.init.zeros_(layer.bias)
    return layer


def make_mlp(obs_dim: int, num_outputs: int, hidden: int, out_gain: float, ortho: bool = True) -> nn.Sequential:
    """obs_dim -> hidden -> hidden -> num_outputs with tanh; orthogonal initialisation (gain sqrt 2, and
    ``out_gain`` for the last layer) unless ``ortho`` is False (then torch's default). Notebook 08.

    The tanh is ``fastnn.Tanh``: NumPy's, the same values and gradient as ``nn.Tanh``, several times faster on CPU."""
    return nn.Sequential(_layer(nn.Linear(obs_dim, hidden), 2 ** 0.5, ortho), Tanh(),
                         _layer(nn.Linear(hidden, hidden), 2 ** 0.5, ortho), Tanh(),
                         _layer(nn.Linear(hidden, num_outputs), out_gain, ortho))


@dataclass
class PPOConfig:
    """The course's PPO on CartPole-v1 (notebook 08): every field one hyperparameter.

    Steps per environment, gamma and lambda follow rl-baselines3-zoo's CartPole-v1 PPO (8 x 32 steps,
    gamma 0.98, lambda 0.8), with twice the environments. The zoo takes 20 epochs of one 256-step
    minibatch at a step size of 1e-3 on 64-unit networks; here 6 epochs of 2 minibatches at 1e-2 on
    32-unit networks, with the value loss weighted 0.25: fewer and cheaper gradient steps for about
    as many environment steps. These values were chosen by median wall time to solve over seeds
    100-139, not over the benchmark's seeds 0-9.
    """

    num_envs: int = 16
    """N, environments stepped together"""
    num_steps: int = 32
    """T, steps per environment per batch (a batch holds N * T steps)"""
    num_minibatches: int = 2
    """minibatches per epoch"""
    num_epochs: int = 6
    """passes over each batch"""
    lr: float = 1e-2
    """Adam step size at the start"""
    anneal_lr: bool = True
    """decay the step size linearly to 0 over ``max_steps``"""
    gamma: float = 0.98
    """discount"""
    lam: float = 0.8
    """GAE's lambda"""
    clip_coef: float = 0.2
    """epsilon of the clipped ratio"""
    clip_value: bool = False
    """clip the value update to +- clip_coef around the old value"""
    norm_adv: bool = True
    """standardise the advantages of each minibatch"""
    vf_coef: float = 0.25
    """weight of the value loss"""
    max_grad_norm: float = 0.5
    """clip the global gradient norm"""
    hidden: int = 32
    """tanh units per hidden layer (two layers, separate policy and value networks)"""
    ortho_init: bool = True
    """orthogonal initialisation (policy output gain 0.01, value output gain 1)"""
    bootstrap_truncation: bool = True
    """after a time-limit truncation, the future is worth V(s_T); False: treated as a termination"""
    max_steps: int = 100_000
    """environment steps before giving up"""


@dataclass
class Rollout:
    """One (T, N) batch of PPO (notebook 08)."""

    obs: np.ndarray  # (T, N, obs_dim) float32
    act: np.ndarray  # (T, N) int64
    logp: np.ndarray  # (T, N) float32, log pi_old(a_t|s_t)
    rew: np.ndarray  # (T, N) float32
    val: np.ndarray  # (T, N) float32, V(s_t)
    next_val: np.ndarray  # (T, N) float32, V(s_{t+1}); V(final observation) where an episode ended
    terminated: np.ndarray  # (T, N) bool
    truncated: np.ndarray  # (T, N) bool
    ep_ret: list = field(default_factory=list)  # returns of the episodes that ended in this batch


class Agent(nn.Module):
    """Separate policy (logits) and value networks, as SB3's and CleanRL's PPO on CartPole (notebook 08)."""

    def __init__(self, obs_dim: int = 4, num_actions: int = 2, hidden: int = 32, ortho: bool = True):
        super().__init__()
        self.actor = make_mlp(obs_dim, num_actions, hidden, 0.01, ortho)
        self.critic = make_mlp(obs_dim, 1, hidden, 1.0, ortho)

    def value(self, obs: torch.Tensor) -> torch.Tensor:
        return self.critic(obs).squeeze(-1)


def sample_categorical(logits: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(N, A) logits (NumPy) -> (N,) int64 actions and their (N,) log-probabilities, by inverse CDF."""
    shifted = logits - logits.max(axis=1, keepdims=True)  # log-softmax without overflow
    logp_all = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    cdf = np.cumsum(np.exp(logp_all), axis=1)
    act = np.minimum((cdf < rng.random(len(cdf))[:, None] * cdf[:, -1:]).sum(axis=1), logits.shape[1] - 1)
    return act, logp_all[np.arange(len(act)), act]


def collect_rollout(agent: Agent, envs: CartPoleVec, obs: np.ndarray, num_steps: int, rng: np.random.Generator,
                    ep_state: np.ndarray) -> tuple[Rollout, np.ndarray]:
    """T = ``num_steps`` steps of the N environments under ``agent``'s sampled policy; notebook 08.

    ``obs``: (N, obs_dim) the current observations; ``ep_state``: (N,) running episode returns (updated
    in place). The environments reset themselves on the step an episode ends (same-step autoreset);
    ``next_val`` bootstraps from their final observations. Returns the batch and the next observations.
    """
    N = envs.num_envs
    buf = {k: np.zeros((num_steps, N), np.float32) for k in ("logp", "rew", "val", "next_val")}
    b_obs = np.zeros((num_steps, N, obs.shape[1]), np.float32)
    b_act = np.zeros((num_steps, N), np.int64)
    b_term, b_trunc = np.zeros((num_steps, N), bool), np.zeros((num_steps, N), bool)
    ep_ret = []
    # Acting needs no graph: the networks' forward passes in NumPy (fastnn), on views of the current weights.
    actor, critic = numpy_layers(agent.actor), numpy_layers(agent.critic)
    val = numpy_forward(critic, obs)[:, 0]
    for t in range(num_steps):
        act, logp = sample_categorical(numpy_forward(actor, obs), rng)
        next_obs, rew, term, trunc, info = envs.step(act)
        next_val = numpy_forward(critic, next_obs)[:, 0]
        done = term | trunc
        boot_val = next_val.copy()
        if done.any():  # V of the true last observation, not of the new episode's first
            boot_val[done] = numpy_forward(critic, info["final_obs"][done])[:, 0]
            ep_state += rew
            ep_ret += ep_state[done].tolist()
            ep_state[done] = 0.0
        else:
            ep_state += rew
        b_obs[t], b_act[t], buf["logp"][t], buf["rew"][t], buf["val"][t] = obs, act, logp, rew, val
        buf["next_val"][t], b_term[t], b_trunc[t] = boot_val, term, trunc
        obs, val = next_obs, next_val
    return Rollout(b_obs, b_act, buf["logp"], buf["rew"], buf["val"], buf["next_val"], b_term, b_trunc, ep_ret), obs


def ppo_update(agent: Agent, optimizer: torch.optim.Optimizer, batch: Rollout, cfg: PPOConfig,
               rng: np.random.Generator, gae_fn: Callable = gae, loss_fn: Callable = clipped_surrogate_loss,
               kl_fn: Callable = approx_kl) -> dict[str, float]:
    """Epochs of minibatch steps on one batch: clipped surrogate + value loss; notebook 08."""
    trunc = batch.truncated if cfg.bootstrap_truncation else np.zeros_like(batch.truncated)
    term = batch.terminated if cfg.bootstrap_truncation else batch.terminated | batch.truncated
    adv = gae_fn(batch.rew, batch.val, batch.next_val, term, trunc, cfg.gamma, cfg.lam)
    ret = adv + batch.val  # (T, N) the value targets
    b_obs = torch.from_numpy(batch.obs.reshape(-1, batch.obs.shape[-1]))
    b_act = torch.from_numpy(batch.act.reshape(-1))
    b_logp, b_val = torch.from_numpy(batch.logp.reshape(-1)), torch.from_numpy(batch.val.reshape(-1))
    b_adv = torch.as_tensor(adv.reshape(-1), dtype=torch.float32)
    b_ret = torch.as_tensor(ret.reshape(-1), dtype=torch.float32)
    size = len(b_act)
    mb_size = size // cfg.num_minibatches
    stats = {"kl": []}
    params = list(agent.parameters())
    for _ in range(cfg.num_epochs):
        e_obs, e_act, e_logp, e_val, e_adv, e_ret = b_obs, b_act, b_logp, b_val, b_adv, b_ret
        if cfg.num_minibatches > 1:  # (a single minibatch is the whole batch: its mean loss ignores the order)
            order = torch.from_numpy(rng.permutation(size))
            e_obs, e_act, e_logp, e_val, e_adv, e_ret = (x[order] for x in (b_obs, b_act, b_logp, b_val, b_adv, b_ret))
        for start in range(0, size - mb_size + 1, mb_size):
            mb = slice(start, start + mb_size)  # minibatch: a slice of this epoch's batch (shuffled if several)
            mb_logp_old = e_logp[mb]
            logp = torch.log_softmax(agent.actor(e_obs[mb]), dim=-1).gather(1, e_act[mb, None]).squeeze(1)
            mb_adv = e_adv[mb]
            if cfg.norm_adv:
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
            pg_loss = loss_fn(logp, mb_logp_old, mb_adv, cfg.clip_coef)
            v_loss = value_loss(agent.value(e_obs[mb]), e_val[mb], e_ret[mb], cfg.clip_coef if cfg.clip_value else None)
            optimizer.zero_grad()
            (pg_loss + cfg.vf_coef * v_loss).backward()
            nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            optimizer.step()
            with torch.no_grad():
                stats["kl"].append(torch.as_tensor(kl_fn(logp, mb_logp_old), dtype=torch.float32))
    return {k: float(torch.stack(v).mean()) for k, v in stats.items()}


def sampled_policy(agent: Agent, rng: np.random.Generator) -> Callable[[np.ndarray], np.ndarray]:
    """obs (N, obs_dim) -> (N,) actions sampled from the agent's policy (no gradient)."""
    actor = numpy_layers(agent.actor)

    def act(obs: np.ndarray) -> np.ndarray:
        return sample_categorical(numpy_forward(actor, np.asarray(obs, dtype=np.float32)), rng)[0]
    return act


def train_ppo(cfg: PPOConfig, seed: int, solved_check: Callable | None = None, bar: Any = None,
              gae_fn: Callable = gae, loss_fn: Callable = clipped_surrogate_loss,
              kl_fn: Callable = approx_kl) -> dict[str, Any]:
    """PPO on the NumPy CartPole until solved or ``cfg.max_steps``; notebook 08.

    After each batch whose last 10 training episodes average >= 475 (the benchmark's trigger for SB3 too), ``solved_check(act_fn, k)``
    decides (default: a 100-episode evaluation of the sampled policy averages >= 475). Returns the
    history: ``steps`` and ``mean_return`` (last 10 episodes) per update, ``solved_at_steps`` (or None).
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    agent = Agent(hidden=cfg.hidden, ortho=cfg.ortho_init)
    optimizer = torch.optim.Adam(agent.parameters(), lr=cfg.lr, eps=1e-5, fused=True)  # one kernel for all parameters
    envs = CartPoleVec(cfg.num_envs)
    obs, _ = envs.reset(seed=seed)
    ep_state = np.zeros(cfg.num_envs, np.float32)
    if solved_check is None:
        def solved_check(act_fn, k):
            return evaluate_cartpole(act_fn, 100, seed=10_000 * (seed + 1) + k).mean() >= 475.0
    hist: dict[str, Any] = {"steps": [], "mean_return": [], "kl": [], "solved_at_steps": None}
    recent: list[float] = []
    steps, k = 0, 0
    while steps < cfg.max_steps:
        if cfg.anneal_lr:
            optimizer.param_groups[0]["lr"] = cfg.lr * (1.0 - steps / cfg.max_steps)
        batch, obs = collect_rollout(agent, envs, obs, cfg.num_steps, rng, ep_state)
        steps += cfg.num_envs * cfg.num_steps
        recent = (recent + batch.ep_ret)[-10:]
        hist["steps"].append(steps)
        hist["mean_return"].append(float(np.mean(recent)) if recent else 0.0)
        if bar is not None:
            bar.update(cfg.num_envs * cfg.num_steps)
        if len(recent) == 10 and np.mean(recent) >= 475.0 and solved_check(sampled_policy(agent, rng), k):
            hist["solved_at_steps"] = steps
            break
        hist["kl"].append(ppo_update(agent, optimizer, batch, cfg, rng, gae_fn, loss_fn, kl_fn)["kl"])
        k += 1
    hist["agent"] = agent
    return hist
