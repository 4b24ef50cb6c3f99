"""A point mass steered to a target with bounded continuous actions; introduced in notebook 05.

``PointMass`` is one Gymnasium environment; ``PointMassVec`` runs N copies at once in NumPy
(one array operation per step) with the same dynamics, so that a Gaussian policy learns it in
seconds. ``optimal_action`` is the best policy (greedy is optimal here, see its docstring).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

DT = 0.1  # seconds per step
MAX_SPEED = 2.0  # units per second when an action coordinate is +-1
STEP_SIZE = DT * MAX_SPEED  # units moved per step per coordinate at |a_i| = 1 (0.2)
BOUND = 1.0  # the arena is the box [-BOUND, BOUND]^dim (units); walls stop the mass
GOAL_RADIUS = 0.05  # units: reaching this distance of the target ends the episode (terminated)
MAX_EPISODE_STEPS = 20  # default time limit (truncation), i.e. 2 seconds


def _check_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _move(pos: np.ndarray, act: np.ndarray):
    """One step of the dynamics for any leading batch shape: returns (next_pos, rew, terminated)."""
    act = np.clip(act, -1.0, 1.0)  # out-of-range actions are clipped by the environment
    next_pos = np.clip(pos + STEP_SIZE * act, -BOUND, BOUND)  # walls
    dist = np.linalg.norm(next_pos, axis=-1)  # units from the target (the origin)
    return next_pos, -dist, dist < GOAL_RADIUS


def optimal_action(obs: np.ndarray) -> np.ndarray:
    """The optimal policy: a = clip(-obs / STEP_SIZE, -1, 1), for (..., dim) observations; notebook 05.

    Each coordinate's distance to the target shrinks by min(|x_i|, STEP_SIZE) per step, the
    most any action can do, so every |x_i|, hence the distance, is as small as possible at every
    step: moving greedily towards the target maximises every step's reward at once.
    """
    return np.clip(-np.asarray(obs, dtype=np.float64) / STEP_SIZE, -1.0, 1.0)


class PointMass(gym.Env):
    """A point mass steered to the origin with bounded velocity commands; introduced in notebook 05.

    ## Description
    A point in the box [-1, 1]^dim (units) moves at the commanded velocity for ``DT = 0.1`` s
    per step; the target is the origin. The mass has no inertia (the action sets its velocity),
    so the best policy is simple (``optimal_action``: head straight for the target at full
    speed, then stop on it) and a Gaussian policy gradient learns it in seconds. Walls at +-1
    stop the mass.

    ## Action Space
    ``Box(-1, 1, (dim,), float32)``: the velocity command per coordinate, as a fraction of
    ``MAX_SPEED = 2`` units/s, so at most ``STEP_SIZE = 0.2`` units per step per coordinate.
    Actions outside [-1, 1] are clipped by the environment (a Gaussian policy's raw sample can
    be passed as is; its log-probability must then be taken of the raw, unclipped sample).

    ## Observation Space
    ``Box(-1, 1, (dim,), float32)``: the position (units); the target is the origin.

    ## Rewards
    Minus the distance (units) to the target after the move: -||x_{t+1}||. The return is
    minus the total distance over the episode, so reaching the target fast is rewarded.

    ## Starting State
    Uniform in [-1, 1]^dim.

    ## Episode End
    Terminated when the mass is within ``GOAL_RADIUS = 0.05`` units of the target.
    Truncated after ``max_episode_steps`` steps (default 20, i.e. 2 s).

    ## Arguments
    ``PointMass(dim=2, max_episode_steps=20)``.
    """

    metadata = {"render_modes": []}

    def __init__(self, dim: int = 2, max_episode_steps: int = MAX_EPISODE_STEPS):
        self.dim = _check_int("dim", dim)
        self.max_episode_steps = _check_int("max_episode_steps", max_episode_steps)
        self.action_space = spaces.Box(-1.0, 1.0, (self.dim,), np.float32)
        self.observation_space = spaces.Box(-BOUND, BOUND, (self.dim,), np.float32)
        self.pos: np.ndarray | None = None  # (dim,) float64 position; None until reset
        self.steps = 0
        self.ended = False  # True once the episode terminated or was truncated

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.pos = self.np_random.uniform(-BOUND, BOUND, size=self.dim)
        self.steps = 0
        self.ended = False
        return self.pos.astype(np.float32), {}

    def step(self, action):
        assert self.pos is not None, "Call reset before using step method."
        assert not self.ended, "The episode has ended (terminated or truncated): call reset before stepping again."
        act = np.asarray(action, dtype=np.float64)
        if act.shape != (self.dim,):
            raise ValueError(f"action must have shape ({self.dim},), got shape {act.shape}")
        self.pos, rew, terminated = _move(self.pos, act)
        self.steps += 1
        terminated = bool(terminated)
        truncated = not terminated and self.steps >= self.max_episode_steps
        self.ended = terminated or truncated
        return self.pos.astype(np.float32), float(rew), terminated, truncated, {}


class PointMassVec(gym.vector.VectorEnv):
    """``num_envs`` copies of ``PointMass`` stepped together in NumPy; introduced in notebook 05.

    Same dynamics, rewards and time limit as ``PointMass``; ``reset(seed=s)`` seeds copy i
    with ``s + i`` (Gymnasium's convention), so copy i follows exactly the trajectory of
    ``PointMass().reset(seed=s + i)`` under the same actions.

    Autoreset: ``AutoresetMode.SAME_STEP``. When copy i's episode ends on a step (terminated or
    truncated), that same step returns the *new* episode's first observation in ``obs[i]``,
    the reward and flags of the step that ended it, and the observation the episode ended in
    as ``info["final_obs"][i]``. ``info["final_obs"]`` is a (N, dim) float32 array holding,
    for every copy, the observation its step arrived in before any reset (equal to ``obs``
    where nothing ended); ``info["_final_obs"]`` (N,) bool marks the copies that ended. Use
    ``final_obs`` to bootstrap V(s_T) on truncation. Every step's action counts (no reset steps).
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, num_envs: int, dim: int = 2, max_episode_steps: int = MAX_EPISODE_STEPS):
        self.num_envs = _check_int("num_envs", num_envs)
        self.dim = _check_int("dim", dim)
        self.max_episode_steps = _check_int("max_episode_steps", max_episode_steps)
        self.single_action_space = spaces.Box(-1.0, 1.0, (self.dim,), np.float32)
        self.single_observation_space = spaces.Box(-BOUND, BOUND, (self.dim,), np.float32)
        self.action_space = spaces.Box(-1.0, 1.0, (self.num_envs, self.dim), np.float32)
        self.observation_space = spaces.Box(-BOUND, BOUND, (self.num_envs, self.dim), np.float32)
        self.pos: np.ndarray | None = None  # (N, dim) float64 positions; None until reset
        self.steps = np.zeros(self.num_envs, dtype=np.int64)
        # One generator per copy, as a list of single environments would have.
        self._rngs = [np.random.default_rng() for _ in range(self.num_envs)]

    def _start(self, i: int) -> np.ndarray:
        return self._rngs[i].uniform(-BOUND, BOUND, size=self.dim)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            # as gymnasium.Env.reset(seed=s + i) does for copy i
            self._rngs = [gym.utils.seeding.np_random(int(seed) + i)[0] for i in range(self.num_envs)]
        self.pos = np.stack([self._start(i) for i in range(self.num_envs)])
        self.steps = np.zeros(self.num_envs, dtype=np.int64)
        return self.pos.astype(np.float32), {}

    def step(self, actions):
        assert self.pos is not None, "Call reset before using step method."
        act = np.asarray(actions, dtype=np.float64)
        if act.shape != (self.num_envs, self.dim):
            raise ValueError(f"actions must have shape ({self.num_envs}, {self.dim}), got shape {act.shape}")
        self.pos, rew, terminated = _move(self.pos, act)
        self.steps += 1
        truncated = ~terminated & (self.steps >= self.max_episode_steps)
        ended = terminated | truncated
        final_obs = self.pos.astype(np.float32)
        for i in np.flatnonzero(ended):  # SAME_STEP autoreset of the copies that ended
            self.pos[i] = self._start(i)
            self.steps[i] = 0
        info = {"final_obs": final_obs, "_final_obs": ended}
        return self.pos.astype(np.float32), rew.astype(np.float32), terminated, truncated, info
