"""Unit tests for pg_helpers.envs.short_corridor (Sutton & Barto, Example 13.1)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from pg_helpers.corridor_exact import V_STAR, corridor_value
from pg_helpers.envs.short_corridor import GOAL, LEFT, RIGHT, ShortCorridorEnv, corridor_episodes


def run(env: ShortCorridorEnv, actions: list[int]):
    env.reset(seed=0)
    out = [env.step(a) for a in actions]
    return out, env.state


def test_passes_gymnasium_check_env():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no spec, cannot test render modes"
        check_env(ShortCorridorEnv())


def test_reset_starts_at_the_left_end():
    obs, info = ShortCorridorEnv().reset(seed=1)
    assert obs == 0 and info == {"state": 0}


def test_transitions_match_the_book():
    assert run(ShortCorridorEnv(), [LEFT])[1] == 0  # wall
    assert run(ShortCorridorEnv(), [RIGHT])[1] == 1
    assert run(ShortCorridorEnv(), [RIGHT, RIGHT])[1] == 0  # switched: right moves left
    assert run(ShortCorridorEnv(), [RIGHT, LEFT])[1] == 2  # switched: left moves right
    assert run(ShortCorridorEnv(), [RIGHT, LEFT, LEFT])[1] == 1
    steps, state = run(ShortCorridorEnv(), [RIGHT, LEFT, RIGHT])
    assert state == GOAL
    assert [s[1] for s in steps] == [-1.0, -1.0, -1.0], "-1 on every step, the last one included"
    assert [s[2] for s in steps] == [False, False, True] and not any(s[3] for s in steps)


def test_truncation_and_misuse():
    env = ShortCorridorEnv(max_episode_steps=3)
    steps, _ = run(env, [LEFT, LEFT, LEFT])
    assert [s[3] for s in steps] == [False, False, True] and not any(s[2] for s in steps)
    with pytest.raises(AssertionError, match="call reset"):
        env.step(LEFT)
    with pytest.raises(AssertionError, match="Call reset before"):
        ShortCorridorEnv().step(LEFT)
    env.reset()
    with pytest.raises(ValueError, match="0 \\(left\\) or 1 \\(right\\)"):
        env.step(2)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_episode_steps"):
            ShortCorridorEnv(max_episode_steps=bad)


def test_vectorized_episodes_replay_exactly_in_the_env():
    act, mask = corridor_episodes(np.array([0.1, 0.5, 0.9, 0.99]), np.random.default_rng(0))
    lengths = mask.sum(axis=0)
    assert act.shape == mask.shape and not act[~mask].any()
    for n in range(4):
        env = ShortCorridorEnv()
        env.reset()
        for t in range(lengths[n]):
            _, _, terminated, _, _ = env.step(int(act[t, n]))
            assert terminated == (t == lengths[n] - 1), f"run {n} must end exactly at step {lengths[n]}"


@pytest.mark.parametrize("p", [0.05, 0.5858, 0.95])
def test_mean_return_of_vectorized_episodes_matches_the_exact_value(p):
    _, mask = corridor_episodes(np.full(20_000, p), np.random.default_rng(1))
    returns = -mask.sum(axis=0)
    stderr = returns.std() / np.sqrt(returns.size)
    assert abs(returns.mean() - corridor_value(p)) < 4 * stderr
    if p == 0.5858:
        assert abs(returns.mean() - V_STAR) < 4 * stderr


def test_corridor_episodes_rejects_bad_probabilities():
    for bad in (np.array([0.0]), np.array([1.0]), np.array([1.5]), np.array([[0.5]])):
        with pytest.raises(ValueError, match="p_right"):
            corridor_episodes(bad, np.random.default_rng(0))
