"""Rollout plumbing over vectorized environments: the bookkeeping, not the algorithm.

Introduced in notebook 03. ``collect_episodes`` runs N copies of an environment in lockstep
until each has finished exactly one episode and returns time-major (T, N) arrays, zero-padded
after each episode's end, so that the student's code can treat a batch of episodes as one array.

Gymnasium 1.x vector environments reset a finished copy automatically. CartPole's vector
entry point (``vectorization_mode="vector_entry_point"``) uses ``AutoresetMode.NEXT_STEP``:
the step *after* a copy reports ``terminated or truncated`` is a reset step (its action is
ignored, reward 0, both flags False, the observation is the new episode's first). Because each
copy here contributes one episode and everything after its last step is masked out, neither
that reset step nor anything later leaks into the batch; the same holds for ``SAME_STEP`` mode.
``collect_continuous_episodes`` (notebook 05) does the same for continuous actions, e.g. for
``pg_helpers.envs.PointMassVec``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym
import numpy as np

ActFn = Callable[[np.ndarray], np.ndarray]
"""Maps a batch of observations (N, obs_dim) to a batch of actions: (N,) discrete, or (N, act_dim) continuous."""


def make_cartpole_vec(num_envs: int, max_episode_steps: int = 500) -> gym.vector.VectorEnv:
    """``num_envs`` CartPole-v1 copies simulated together in NumPy (one array op per step).

    Introduced in notebook 03. Same dynamics, rewards and 500-step limit as ``gym.make("CartPole-v1")``.
    """
    if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
        raise ValueError(f"num_envs must be a positive int, got {num_envs!r}")
    return gym.make_vec("CartPole-v1", num_envs=int(num_envs), vectorization_mode="vector_entry_point",
                        max_episode_steps=max_episode_steps)


@dataclass
class RolloutBatch:
    """A time-major (T, N) batch of rollouts from N vectorized environments, e.g. CartPole (notebook 03).

    ``collect_episodes`` returns one finished episode per column, zero after its last step:
    T = the longest episode, N = the number of episodes. A column may also hold several episodes
    back to back (``dones`` marks each one's last step); the per-episode fields ``terminated``,
    ``ep_ret`` and ``ep_len`` then list the episodes column by column. (The tabular MDP of
    notebook 02 has its own, episode-major batch in ``pg_helpers.envs.tabular_mdp``.)
    """

    obs: np.ndarray
    """(T, N, obs_dim) float32: the observation each action was chosen on; 0 after the end."""
    act: np.ndarray
    """(T, N) int64 discrete actions, or (T, N, act_dim) float32 continuous ones (notebook 05); 0 after the end."""
    rew: np.ndarray
    """(T, N) float32: rewards received; 0 after the end."""
    dones: np.ndarray
    """(T, N) bool: True exactly at each episode's last step (terminated or truncated)."""
    mask: np.ndarray
    """(T, N) bool: True for real steps, False for padding (from collect_episodes: t < ep_len[n])."""
    terminated: np.ndarray
    """(num_episodes,) bool: the episode ended in a terminal state (False: cut off by the time limit)."""
    ep_ret: np.ndarray
    """(num_episodes,) float64: undiscounted episode returns."""
    ep_len: np.ndarray
    """(num_episodes,) int64: episode lengths."""

    @property
    def num_episodes(self) -> int:
        return int(self.ep_len.size)

    @property
    def num_steps(self) -> int:
        """Environment steps inside episodes (the padding does not count)."""
        return int(self.ep_len.sum())


def collect_episodes(envs: gym.vector.VectorEnv, act_fn: ActFn, seed: int | None = None,
                     max_steps: int = 100_000) -> RolloutBatch:
    """Run every copy of ``envs`` for exactly one episode, in lockstep; introduced in notebook 03.

    ``act_fn(obs)`` gets the (N, obs_dim) observations and returns N discrete actions.
    ``seed`` is passed to ``envs.reset`` (None continues the environments' random streams).
    Stops as soon as all N episodes have ended. Raises if an episode outlasts ``max_steps``.
    """
    def check(act: np.ndarray, num_envs: int) -> None:
        if act.shape != (num_envs,) or not np.issubdtype(act.dtype, np.integer):
            raise ValueError(f"act_fn must return {num_envs} integer actions, shape ({num_envs},); "
                             f"got shape {act.shape}, dtype {act.dtype}")

    return _collect(envs, act_fn, seed, max_steps, check, (), np.int64)


def collect_continuous_episodes(envs: gym.vector.VectorEnv, act_fn: ActFn, seed: int | None = None,
                                max_steps: int = 100_000) -> RolloutBatch:
    """``collect_episodes`` for continuous actions, e.g. ``PointMassVec``; introduced in notebook 05.

    ``act_fn(obs)`` gets the (N, obs_dim) observations and returns (N, act_dim) float actions.
    The batch's ``act`` is (T, N, act_dim) float32 and holds the actions exactly as ``act_fn``
    returned them: a Gaussian policy's raw samples, before the environment clips them to its
    bounds, which is what their log-probabilities must be taken of.
    """
    act_dim = int(np.prod(envs.single_action_space.shape))

    def check(act: np.ndarray, num_envs: int) -> None:
        if act.shape != (num_envs, act_dim) or not np.issubdtype(act.dtype, np.floating):
            raise ValueError(f"act_fn must return float actions of shape ({num_envs}, {act_dim}); "
                             f"got shape {act.shape}, dtype {act.dtype}")

    return _collect(envs, act_fn, seed, max_steps, check, (act_dim,), np.float32)


def _collect(envs, act_fn, seed, max_steps, check_act, act_shape: tuple, act_dtype) -> RolloutBatch:
    """The lockstep loop behind ``collect_episodes`` and ``collect_continuous_episodes``."""
    if not callable(act_fn):
        raise TypeError(f"act_fn must be callable (obs -> actions), got {type(act_fn).__name__}")
    num_envs = envs.num_envs
    obs, _ = envs.reset(seed=seed)
    obs = np.asarray(obs)
    # Buffers grow by doubling: one row per time step, filled in place (no per-step allocation).
    capacity = 256
    obs_buf = np.zeros((capacity, num_envs, *obs.shape[1:]), dtype=np.float32)
    act_buf = np.zeros((capacity, num_envs, *act_shape), dtype=act_dtype)
    rew_buf = np.zeros((capacity, num_envs), dtype=np.float32)
    term_buf = np.zeros((capacity, num_envs), dtype=bool)
    alive_buf = np.zeros((capacity, num_envs), dtype=bool)
    alive = np.ones(num_envs, dtype=bool)  # copies still inside their first episode
    t = 0
    while alive.any():
        if t >= max_steps:
            raise RuntimeError(f"{int(alive.sum())} of {num_envs} episodes still running after max_steps={max_steps}")
        if t == capacity:
            capacity *= 2
            obs_buf, act_buf, rew_buf, term_buf, alive_buf = (
                np.concatenate([b, np.zeros_like(b)]) for b in (obs_buf, act_buf, rew_buf, term_buf, alive_buf))
        act = np.asarray(act_fn(obs))
        check_act(act, num_envs)
        next_obs, rew, term, trunc, _ = envs.step(act)
        obs_buf[t], act_buf[t], rew_buf[t], term_buf[t], alive_buf[t] = obs, act, rew, term, alive
        alive = alive & ~(term | trunc)  # after NEXT_STEP autoreset nothing of a finished copy is kept
        obs = next_obs
        t += 1
    mask = alive_buf[:t]
    ep_len = mask.sum(axis=0).astype(np.int64)
    cols = np.arange(num_envs)
    rew_arr = np.where(mask, rew_buf[:t], np.float32(0))

    def padded(buf: np.ndarray) -> np.ndarray:  # zero after each episode's end, any trailing shape
        return np.where(mask.reshape(mask.shape + (1,) * (buf.ndim - 2)), buf[:t], buf.dtype.type(0))

    return RolloutBatch(
        obs=padded(obs_buf),
        act=padded(act_buf),
        rew=rew_arr,
        dones=np.arange(t)[:, None] == (ep_len - 1)[None, :],
        mask=mask,
        terminated=term_buf[ep_len - 1, cols],
        ep_ret=rew_arr.sum(axis=0, dtype=np.float64),
        ep_len=ep_len,
    )


def sample_actions(logits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sample one action per row of ``logits`` (N, num_actions) from softmax(logits); introduced in notebook 03.

    Inverse-CDF sampling with one uniform per row (the method ``rng.choice`` uses), for all rows
    at once, without a Python loop. Stable for large logits. Returns (N,) int64.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2 or logits.shape[1] < 1:
        raise ValueError(f"logits must have shape (N, num_actions), got shape {logits.shape}")
    z = np.exp(logits - logits.max(axis=1, keepdims=True))  # stable softmax numerators
    cdf = np.cumsum(z, axis=1)
    u = rng.random(logits.shape[0])[:, None] * cdf[:, -1:]
    return np.minimum((cdf <= u).sum(axis=1), logits.shape[1] - 1).astype(np.int64)


def evaluate(act_fn: ActFn, num_episodes: int = 100, seed: int | None = None) -> np.ndarray:
    """Returns (num_episodes,) of ``act_fn`` on fresh CartPole-v1 episodes; introduced in notebook 03.

    "Solved" in the course means ``evaluate(sampled_policy).mean() >= 475`` over 100 episodes.
    """
    return collect_episodes(make_cartpole_vec(num_episodes), act_fn, seed=seed).ep_ret
