"""The short corridor with switched actions: Sutton & Barto (2018), Example 13.1.

Introduced in notebook 03, where REINFORCE reproduces the book's Figure 13.1 on it.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

LEFT, RIGHT = 0, 1
GOAL = 3  # terminal state index; 0, 1, 2 are the corridor's non-terminal states
NUM_STATES = 3
# NEXT_STATE[s, a]: where action a leads from state s. State 1 has its actions switched.
NEXT_STATE = np.array(
    [
        [0, 1],  # state 0: left bumps into the wall (stay), right moves to 1
        [2, 0],  # state 1 (switched): left moves right to 2, right moves left to 0
        [1, GOAL],  # state 2: left moves to 1, right reaches the goal
    ],
    dtype=np.int64,
)
REWARD = -1.0  # on every step, including the one that reaches the goal


class ShortCorridorEnv(gym.Env):
    """Short corridor with switched actions (Sutton & Barto 2018, Example 13.1); introduced in notebook 03.

    ## Description
    Three non-terminal states in a row, then the goal: ``0 - 1 - 2 - G``. In states 0 and 2
    the actions do what they say; in state 1 they are switched (right moves left, left moves
    right). Every state looks the same to the agent, so a policy is a single number
    p = π(right). The best stochastic policy, p* = 2 - √2 ≈ 0.586, beats every deterministic
    and every ε-greedy one: the example for why policies should be allowed to be stochastic.

    ## Action Space
    ``Discrete(2)``: 0 = left, 1 = right.

    ## Observation Space
    ``Discrete(1)``: the observation is always 0, because the states are indistinguishable
    under the book's features. The true state is in ``info["state"]`` (for plotting and tests).

    ## Rewards
    -1 on every step, including the step that reaches the goal. With γ = 1 the return is
    minus the episode length.

    ## Starting State
    State 0, the left end.

    ## Episode End
    Terminated when the goal is reached (moving right from state 2). Truncated after
    ``max_episode_steps`` steps if that argument is set (the book has no time limit).

    ## Arguments
    ``ShortCorridorEnv(max_episode_steps=None)``.
    """

    metadata = {"render_modes": []}

    def __init__(self, max_episode_steps: int | None = None):
        if max_episode_steps is not None and (not isinstance(max_episode_steps, (int, np.integer))
                                              or isinstance(max_episode_steps, bool) or max_episode_steps < 1):
            raise ValueError(f"max_episode_steps must be a positive int or None, got {max_episode_steps!r}")
        self.max_episode_steps = max_episode_steps
        self.action_space = spaces.Discrete(2)
        self.observation_space = spaces.Discrete(1)
        self.state: int | None = None  # None until reset
        self.steps = 0
        self.ended = False  # True once the episode terminated or was truncated

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)  # seeds self.np_random (unused: the dynamics are deterministic)
        self.state = 0
        self.steps = 0
        self.ended = False
        return 0, {"state": self.state}

    def step(self, action):
        assert self.state is not None, "Call reset before using step method."
        assert not self.ended, "The episode has ended (terminated or truncated): call reset before stepping again."
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (left) or 1 (right), got {action!r}")
        self.state = int(NEXT_STATE[self.state, int(action)])
        self.steps += 1
        terminated = self.state == GOAL
        truncated = (not terminated and self.max_episode_steps is not None
                     and self.steps >= self.max_episode_steps)
        self.ended = terminated or truncated
        return 0, REWARD, terminated, truncated, {"state": self.state}


def corridor_episodes(p_right: np.ndarray, rng: np.random.Generator, max_steps: int = 100_000):
    """One episode per entry of ``p_right`` (R,), all run in lockstep in NumPy; notebook 03.

    Run r follows the state-independent policy π(right) = p_right[r]. Same dynamics as
    ``ShortCorridorEnv``. Returns ``(act, mask)``, both (T, R) with T the longest episode:
    ``act`` int64 actions (0 after the end), ``mask`` True for steps inside the episode.
    Episode lengths are ``mask.sum(0)``; with γ = 1 the return from step t is minus the
    number of steps left, including step t.
    """
    p = np.asarray(p_right, dtype=np.float64)
    if p.ndim != 1 or not np.all((p > 0) & (p < 1)):
        raise ValueError("p_right must be a 1-D array of probabilities strictly between 0 and 1 "
                         f"(else the goal is never reached), got {p!r}")
    state = np.zeros(p.size, dtype=np.int64)
    acts, masks = [], []
    for _ in range(max_steps):
        alive = state != GOAL
        if not alive.any():
            break
        act = (rng.random(p.size) < p).astype(np.int64)
        acts.append(np.where(alive, act, 0))
        masks.append(alive)
        state = np.where(alive, NEXT_STATE[np.minimum(state, NUM_STATES - 1), act], GOAL)
    else:
        raise RuntimeError(f"episodes still running after max_steps={max_steps}")
    return np.stack(acts), np.stack(masks)
