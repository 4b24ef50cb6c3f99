"""CartPole-v1 for N copies at once in plain NumPy, with same-step autoreset; introduced in notebook 08.

PPO collects fixed-length (T, N) batches that run across episode ends, so each step of N copies
must be cheap: here it is a handful of array operations, with no wrapper between the policy and the
physics (Gymnasium's vector CartPole adds its wrappers' bookkeeping to every step).
"""

from __future__ import annotations

import math

import numpy as np


class CartPoleVec:
    """N copies of CartPole-v1 stepped together, the same dynamics as Gymnasium's ``CartPole-v1``.

    ## Description
    A pole is attached by an un-actuated joint to a cart moving along a frictionless track; the
    pole starts upright and the goal is to keep it balanced by pushing the cart left or right
    (Barto, Sutton & Anderson 1983). Physics, thresholds and the 500-step limit are Gymnasium's
    (``gymnasium/envs/classic_control/cartpole.py``, Euler integration), checked step by step
    against it in ``tests/test_cartpole_np.py``.

    ## Action Space
    ``(N,)`` integers in {0, 1}: 0 pushes the cart to the left, 1 to the right (force 10 N).

    ## Observation Space
    ``(N, 4)`` float32: cart position (m), cart velocity (m/s), pole angle (rad), pole angular
    velocity (rad/s).

    ## Rewards
    +1 for every step, the terminating step included.

    ## Starting State
    Every component uniform in [-0.05, 0.05].

    ## Episode End
    Terminated: |pole angle| > 12 degrees or |cart position| > 2.4. Truncated: the episode reached
    ``max_episode_steps`` (500) steps without terminating.

    ## Arguments
    ``num_envs``: N. ``max_episode_steps``: the time limit (500 as in CartPole-v1).

    ## Autoreset (same step)
    ``step`` resets every copy that just ended *in the same call*: the observation it returns for
    that copy is the first of its next episode, and ``info["final_obs"]`` holds the true last observation
    s_T of the episode that ended (Gymnasium's ``AutoresetMode.SAME_STEP``, as in notebook 05's
    ``PointMassVec``). A truncated episode's
    value is bootstrapped from V(final_obs), never from the reset observation.
    """

    gravity = 9.8  # m/s^2
    masscart = 1.0  # kg
    masspole = 0.1  # kg
    total_mass = masspole + masscart
    length = 0.5  # m, half the pole's length
    polemass_length = masspole * length
    force_mag = 10.0  # N
    tau = 0.02  # seconds between state updates
    theta_threshold_radians = 12 * 2 * math.pi / 360  # 12 degrees
    x_threshold = 2.4  # m

    def __init__(self, num_envs: int, max_episode_steps: int = 500):
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive int, got {num_envs!r}")
        self.num_envs = int(num_envs)
        self.max_episode_steps = int(max_episode_steps)
        self.state: np.ndarray | None = None  # (N, 4) float64, as Gymnasium keeps it
        self.ep_len = np.zeros(self.num_envs, dtype=np.int64)  # steps taken in the current episodes
        self.np_random = np.random.default_rng()

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        """Start N fresh episodes; returns (N, 4) float32 observations and an empty info dict.

        ``seed`` reseeds the generator (None continues its stream).
        """
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
        self.state = self.np_random.uniform(-0.05, 0.05, size=(self.num_envs, 4))
        self.ep_len[:] = 0
        return self.state.astype(np.float32), {}

    def step(self, act: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Advance every copy by one step of 0.02 s.

        ``act``: (N,) integers in {0, 1}. Returns ``obs`` (N, 4) float32 (already reset where an
        episode ended), ``rew`` (N,) float32, ``terminated`` (N,) bool, ``truncated`` (N,) bool
        (both True when the pole falls on the last allowed step: the termination counts), and ``info``
        with ``info["final_obs"]`` (N, 4) float32, the observation each copy's step arrived in before
        any reset (equal to ``obs`` where nothing ended), and ``info["_final_obs"]`` (N,) bool, the
        copies whose episode ended (Gymnasium's names for SAME_STEP autoreset).
        """
        assert self.state is not None, "Call reset before using step method."
        act = np.asarray(act)
        if act.shape != (self.num_envs,):
            raise ValueError(f"act must have shape ({self.num_envs},), got {act.shape}")
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(act == 1, self.force_mag, -self.force_mag)
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * np.square(theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        # Euler integration, in Gymnasium's order
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.stack([x, x_dot, theta, theta_dot], axis=1)
        self.ep_len += 1
        terminated = ((x < -self.x_threshold) | (x > self.x_threshold)
                      | (theta < -self.theta_threshold_radians) | (theta > self.theta_threshold_radians))
        truncated = self.ep_len >= self.max_episode_steps  # as Gymnasium's TimeLimit: may coincide with terminated
        final_obs = self.state.astype(np.float32)
        done = terminated | truncated
        if done.any():  # same-step autoreset of the copies that ended
            self.state[done] = self.np_random.uniform(-0.05, 0.05, size=(int(done.sum()), 4))
            self.ep_len[done] = 0
        info = {"final_obs": final_obs, "_final_obs": done}
        return self.state.astype(np.float32), np.ones(self.num_envs, dtype=np.float32), terminated, truncated, info


def evaluate_cartpole(act_fn, num_episodes: int = 100, seed: int | None = None, max_episode_steps: int = 500) -> np.ndarray:
    """Returns (num_episodes,) of ``act_fn`` on fresh CartPole-v1 episodes, one per copy; notebook 08.

    The NumPy twin of ``pg_helpers.rollout.evaluate``: "solved" means the mean is >= 475 over 100
    episodes of the *sampled* policy. ``act_fn`` maps (N, 4) observations to (N,) actions.
    """
    envs = CartPoleVec(num_episodes, max_episode_steps)
    obs, _ = envs.reset(seed=seed)
    ep_ret = np.zeros(num_episodes)
    alive = np.ones(num_episodes, dtype=bool)
    while alive.any():
        obs, rew, term, trunc, _ = envs.step(np.asarray(act_fn(obs)))
        ep_ret += rew * alive
        alive &= ~(term | trunc)
    return ep_ret
