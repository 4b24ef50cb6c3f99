"""A contextual bandit: see a context, pull one arm, get a noisy reward, episode over.

Introduced in notebook 01 (the softmax policy), where a linear softmax policy learns the best
arm of each context from sampled gradient steps.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

# Mean reward of each arm (columns) in each context (rows); the default of notebook 01.
# Context 0 pays most for arm 0, context 1 for arm 2, so one arm cannot serve both contexts.
DEFAULT_MEAN_REWARDS = ((1.0, -0.5, 0.0), (-0.5, 0.0, 1.0))


class ContextualBandit(gym.Env):
    """A one-step environment: a random context, then one arm, then a Gaussian reward.

    ## Description
    Each episode draws a context uniformly at random and shows it as a one-hot vector. The agent
    pulls one of ``k`` arms; the reward is ``mean_rewards[context, arm]`` plus Gaussian noise, and
    the episode ends. The best arm depends on the context, so a policy must read its input.

    ## Action Space
    ``Discrete(k)``: the arm to pull.

    ## Observation Space
    ``Box(0, 1, (m,), float32)``: the one-hot encoding of the context (``m`` contexts).

    ## Rewards
    ``mean_rewards[context, arm] + noise_std * N(0, 1)``.

    ## Starting State
    The context is drawn uniformly from ``range(m)`` by ``reset``.

    ## Episode End
    Every episode terminates after one step (``terminated=True``); it is never truncated.

    ## Arguments
    - ``mean_rewards``: (m, k) array-like of mean rewards, m >= 1 contexts, k >= 2 arms.
    - ``noise_std``: standard deviation of the reward noise, >= 0 (0 gives exact rewards).
    """

    metadata = {"render_modes": []}

    def __init__(self, mean_rewards: Any = DEFAULT_MEAN_REWARDS, noise_std: float = 1.0) -> None:
        means = np.asarray(mean_rewards, dtype=np.float64)
        if means.ndim != 2 or means.shape[0] < 1 or means.shape[1] < 2:
            raise ValueError(
                f"mean_rewards must have shape (num_contexts >= 1, num_arms >= 2), got shape {means.shape}"
            )
        if not np.all(np.isfinite(means)):
            raise ValueError(f"mean_rewards must be finite, got {means.tolist()}")
        if not np.isfinite(noise_std) or noise_std < 0:
            raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}")
        self.mean_rewards = means  # (m, k)
        self.noise_std = float(noise_std)
        self.num_contexts, self.num_arms = means.shape
        self.observation_space = spaces.Box(0.0, 1.0, shape=(self.num_contexts,), dtype=np.float32)
        self.action_space = spaces.Discrete(self.num_arms)
        self.context: int | None = None  # None until reset, and again after the one step

    @property
    def optimal_arms(self) -> np.ndarray:
        """(m,) the best arm of each context (the first one if tied)."""
        return np.argmax(self.mean_rewards, axis=1)

    def _obs(self) -> np.ndarray:
        obs = np.zeros(self.num_contexts, dtype=np.float32)
        obs[self.context] = 1.0
        return obs

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.context = int(self.np_random.integers(self.num_contexts))
        return self._obs(), {"context": self.context}

    def step(self, action):
        assert self.context is not None, "Call reset before using step method (each episode is one step)."
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in [0, {self.num_arms}), got {action!r}")
        arm = int(action)
        mean = self.mean_rewards[self.context, arm]
        reward = float(mean + self.noise_std * self.np_random.standard_normal())
        info = {"context": self.context, "mean_reward": float(mean)}
        obs = self._obs()
        self.context = None  # the episode is over: the next step needs a reset
        return obs, reward, True, False, info
