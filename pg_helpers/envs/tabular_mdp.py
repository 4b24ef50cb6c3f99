"""A tiny tabular MDP with known dynamics, and trajectories sampled from it.

Introduced in notebook 02 (the log-derivative trick): because P(s'|s,a), the rewards and the
start distribution are known exactly, the probability of a trajectory can be written out term by
term, and the exact policy gradient (``pg_helpers.exact``) can be set against Monte Carlo estimates.

The policy is tabular softmax: a logits table ``theta`` of shape (S, A), π(a|s) = softmax(theta[s])_a.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from ..checks import to_numpy
from ..policies import softmax  # notebook 01's reference softmax: (S, A) rows, stable at ±1000


def _as_logits(logits: Any, num_states: int, num_actions: int) -> np.ndarray:
    """A float64 (S, A) copy of a logits table (NumPy, torch or nested list)."""
    table = np.array(to_numpy(logits, "logits"), dtype=np.float64)
    if table.shape != (num_states, num_actions):
        raise ValueError(f"logits: expected shape ({num_states}, {num_actions}) (states, actions), got {table.shape}")
    if not np.isfinite(table).all():
        raise ValueError(f"logits: expected finite values, got {table}")
    return table


@dataclass(frozen=True)
class TabularMDP:
    """An episodic MDP with S states, A actions and an absorbing terminal state.

    ``P[s, a, s']`` is the probability of moving to ``s'`` after action ``a`` in state ``s``;
    the last index ``s' = S`` is the terminal state (the episode ends). ``R[s, a]`` is the
    (deterministic) reward for action ``a`` in state ``s``, ``mu0[s]`` the start distribution and
    ``gamma`` the discount of the objective J = E[Σ_t γ^t r_t]. Introduced in notebook 02.
    """

    P: np.ndarray  # (S, A, S + 1) transition probabilities, last column = episode ends
    R: np.ndarray  # (S, A) rewards
    mu0: np.ndarray  # (S,) start distribution
    gamma: float = 1.0  # discount of the objective; 1.0 is fine because every episode ends

    def __post_init__(self) -> None:
        P = np.array(self.P, dtype=np.float64)
        R = np.array(self.R, dtype=np.float64)
        mu0 = np.array(self.mu0, dtype=np.float64)
        if P.ndim != 3 or P.shape[2] != P.shape[0] + 1:
            raise ValueError(f"P: expected shape (S, A, S + 1) (last column = terminal), got {P.shape}")
        num_states, num_actions = P.shape[:2]
        if R.shape != (num_states, num_actions):
            raise ValueError(f"R: expected shape ({num_states}, {num_actions}), got {R.shape}")
        if mu0.shape != (num_states,):
            raise ValueError(f"mu0: expected shape ({num_states},), got {mu0.shape}")
        for name, probs in (("P", P), ("mu0", mu0)):
            if (probs < 0).any() or not np.allclose(probs.sum(axis=-1), 1.0, atol=1e-9):
                raise ValueError(f"{name}: expected non-negative probabilities summing to 1 over the last axis, "
                                 f"got sums {probs.sum(axis=-1)}")
        if not np.isfinite(R).all():
            raise ValueError(f"R: expected finite rewards, got {R}")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError(f"gamma: expected a discount in [0, 1], got {self.gamma}")
        for name, value in (("P", P), ("R", R), ("mu0", mu0)):
            value.setflags(write=False)  # a frozen MDP: nobody edits the dynamics by accident
            object.__setattr__(self, name, value)
        object.__setattr__(self, "gamma", float(self.gamma))

    @property
    def num_states(self) -> int:
        return self.P.shape[0]

    @property
    def num_actions(self) -> int:
        return self.P.shape[1]

    @property
    def terminal(self) -> int:
        """Index of the terminal state in the last axis of ``P`` (= ``num_states``)."""
        return self.P.shape[0]

    def policy(self, logits: Any) -> np.ndarray:
        """(S, A) action probabilities π(a|s) of the tabular softmax policy with these logits."""
        return softmax(_as_logits(logits, self.num_states, self.num_actions))

    def log_prob_dynamics(self, obs: Any, act: Any, next_obs: Any) -> float:
        """log μ0(s_0) + Σ_t log P(s_{t+1}|s_t, a_t): the part of log P(τ) the policy does not touch.

        ``obs``, ``act``, ``next_obs`` are one episode's (T,) integer arrays (``next_obs[-1]`` is
        ``terminal`` if the episode ended). -inf if the trajectory is impossible.
        """
        obs, act, next_obs = (np.asarray(to_numpy(x, name)).astype(np.int64).ravel()
                              for x, name in ((obs, "obs"), (act, "act"), (next_obs, "next_obs")))
        if not (obs.size == act.size == next_obs.size) or obs.size == 0:
            raise ValueError(f"obs, act, next_obs: expected equal non-zero lengths, got {obs.size}, {act.size}, {next_obs.size}")
        with np.errstate(divide="ignore"):  # an impossible step is log 0 = -inf, on purpose
            return float(np.log(self.mu0[obs[0]]) + np.log(self.P[obs, act, next_obs]).sum())


def three_state_mdp() -> TabularMDP:
    """The three-state MDP of notebook 02 (two actions, undiscounted, every step may end it).

    Each (s, a) ends the episode with probability at least 0.2, so every policy terminates and
    episodes are 2–5 steps long on average. Rewards depend on (s, a) and differ in sign, so the
    rewards collected before a decision add noise to a full-return gradient estimate.
    """
    P = [
        # to:  s0    s1    s2    end
        [[0.5, 0.3, 0.0, 0.2],   # s0, a0
         [0.0, 0.2, 0.6, 0.2]],  # s0, a1
        [[0.4, 0.3, 0.1, 0.2],   # s1, a0
         [0.0, 0.1, 0.5, 0.4]],  # s1, a1
        [[0.3, 0.3, 0.2, 0.2],   # s2, a0
         [0.1, 0.0, 0.2, 0.7]],  # s2, a1
    ]
    R = [[1.0, 0.0],
         [0.0, 2.0],
         [-1.0, 3.0]]
    return TabularMDP(P=np.array(P), R=np.array(R), mu0=np.array([0.7, 0.3, 0.0]), gamma=1.0)


@dataclass(frozen=True)
class Episode:
    """One episode: (T,) arrays; ``next_obs[t]`` is ``terminal`` where the episode ended."""

    obs: np.ndarray  # (T,) int states s_0 .. s_{T-1}
    act: np.ndarray  # (T,) int actions
    rew: np.ndarray  # (T,) float rewards
    next_obs: np.ndarray  # (T,) int states s_1 .. s_T
    terminated: bool  # False if cut off at max_steps (truncated)

    def __len__(self) -> int:
        return int(self.obs.size)


@dataclass(frozen=True)
class TabularEpisodes:
    """N episodes of a ``TabularMDP``, episode-major and padded to the longest: (N, T_max) arrays.

    ``mask`` marks real steps. Not to be confused with notebook 03's time-major (T, N) CartPole
    batches from ``pg_helpers.rollout``.

    Padding holds state 0, action 0 and reward 0, so a masked sum ignores it.
    """

    obs: np.ndarray  # (N, T_max) int
    act: np.ndarray  # (N, T_max) int
    rew: np.ndarray  # (N, T_max) float
    next_obs: np.ndarray  # (N, T_max) int
    mask: np.ndarray  # (N, T_max) bool, True on real steps
    terminated: np.ndarray  # (N,) bool

    @property
    def length(self) -> np.ndarray:
        """(N,) episode lengths."""
        return self.mask.sum(axis=1)

    def __len__(self) -> int:
        return int(self.obs.shape[0])

    def episode(self, i: int) -> Episode:
        """Episode ``i`` without its padding."""
        n = int(self.mask[i].sum())
        return Episode(self.obs[i, :n].copy(), self.act[i, :n].copy(), self.rew[i, :n].copy(),
                       self.next_obs[i, :n].copy(), bool(self.terminated[i]))


def sample_episodes(mdp: TabularMDP, logits: Any, num_episodes: int, rng: np.random.Generator,
                    max_steps: int = 1000) -> TabularEpisodes:
    """Sample ``num_episodes`` episodes of the softmax policy ``logits`` (S, A), all at once.

    Vectorized over episodes: each step draws every running episode's action and next state by
    inverting the cumulative probabilities with one uniform number each. Episodes still running
    after ``max_steps`` steps are cut off (``terminated`` False). Introduced in notebook 02.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator (e.g. pg.set_seed(0)), got {type(rng).__name__}")
    if int(num_episodes) < 1 or int(max_steps) < 1:
        raise ValueError(f"num_episodes and max_steps must be >= 1, got {num_episodes} and {max_steps}")
    pi_cdf = np.cumsum(mdp.policy(logits), axis=1)  # (S, A)
    p_cdf = np.cumsum(mdp.P, axis=2)  # (S, A, S + 1)
    n = int(num_episodes)

    def draw(cdf: np.ndarray) -> np.ndarray:  # cdf (n, K): one categorical draw per row
        u = rng.random((cdf.shape[0], 1))
        return np.minimum((u >= cdf).sum(axis=1), cdf.shape[1] - 1)  # guard against cdf[-1] = 1 - 1e-16

    steps = {key: [] for key in ("obs", "act", "rew", "next_obs", "mask")}
    state = draw(np.broadcast_to(np.cumsum(mdp.mu0), (n, mdp.num_states)))
    alive = np.ones(n, dtype=bool)
    for _ in range(int(max_steps)):
        act = draw(pi_cdf[state])
        next_state = draw(p_cdf[state, act])
        steps["obs"].append(np.where(alive, state, 0))
        steps["act"].append(np.where(alive, act, 0))
        steps["rew"].append(np.where(alive, mdp.R[state, act], 0.0))
        steps["next_obs"].append(np.where(alive, next_state, 0))
        steps["mask"].append(alive.copy())
        alive = alive & (next_state != mdp.terminal)
        if not alive.any():
            break
        state = np.where(alive, next_state, 0)  # finished episodes idle in state 0, masked out
    arrays = {key: np.stack(values, axis=1) for key, values in steps.items()}
    return TabularEpisodes(obs=arrays["obs"].astype(np.int64), act=arrays["act"].astype(np.int64),
                        rew=arrays["rew"].astype(np.float64), next_obs=arrays["next_obs"].astype(np.int64),
                        mask=arrays["mask"], terminated=~alive)


def sample_episode(mdp: TabularMDP, logits: Any, rng: np.random.Generator, max_steps: int = 1000) -> Episode:
    """One episode of the softmax policy ``logits`` (S, A). Introduced in notebook 02."""
    return sample_episodes(mdp, logits, 1, rng, max_steps).episode(0)


class TabularMDPEnv(gym.Env):
    """A ``TabularMDP`` as a Gymnasium environment (introduced in notebook 02).

    ## Description
    The MDP's dynamics, drawn step by step: ``P[s, a]`` gives the next state or the episode's end.

    ## Action Space
    ``Discrete(A)``.

    ## Observation Space
    ``Discrete(S)``: the current state. After the episode ends the observation stays the last state.

    ## Rewards
    ``R[s, a]`` for action ``a`` in state ``s``.

    ## Starting State
    Drawn from ``mu0``.

    ## Episode End
    Terminated when the transition reaches the terminal state (index ``S`` of ``P``); truncated
    after ``max_episode_steps`` steps if that is set.

    ## Arguments
    ``TabularMDPEnv(mdp=three_state_mdp(), max_episode_steps=None)``.
    """

    metadata = {"render_modes": []}

    def __init__(self, mdp: TabularMDP | None = None, max_episode_steps: int | None = None):
        self.mdp = three_state_mdp() if mdp is None else mdp
        self.observation_space = gym.spaces.Discrete(self.mdp.num_states)
        self.action_space = gym.spaces.Discrete(self.mdp.num_actions)
        self.max_episode_steps = max_episode_steps
        self._state: int | None = None
        self._steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._state = int(self.np_random.choice(self.mdp.num_states, p=self.mdp.mu0))
        self._steps = 0
        return self._state, {}

    def step(self, action):
        assert self._state is not None, "Call reset before using step method."
        if not self.action_space.contains(action):
            raise ValueError(f"action: expected an int in [0, {self.mdp.num_actions}), got {action!r}")
        reward = float(self.mdp.R[self._state, action])
        next_state = int(self.np_random.choice(self.mdp.num_states + 1, p=self.mdp.P[self._state, action]))
        self._steps += 1
        terminated = next_state == self.mdp.terminal
        if not terminated:
            self._state = next_state
        truncated = not terminated and self.max_episode_steps is not None and self._steps >= self.max_episode_steps
        return self._state, reward, terminated, truncated, {}
