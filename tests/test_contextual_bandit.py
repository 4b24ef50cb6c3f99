"""pg_helpers.envs.contextual_bandit: the bandit of notebook 01's experiment."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from pg_helpers.envs.contextual_bandit import DEFAULT_MEAN_REWARDS, ContextualBandit


def test_passes_gymnasium_check_env():
    check_env(ContextualBandit(), skip_render_check=True)


def test_reset_shows_a_one_hot_context_and_step_ends_the_episode():
    env = ContextualBandit(noise_std=0.0)
    obs, info = env.reset(seed=3)
    assert obs.dtype == np.float32 and obs.shape == (2,) and obs.sum() == 1.0
    assert obs[info["context"]] == 1.0
    _, reward, terminated, truncated, step_info = env.step(2)
    assert terminated and not truncated
    assert reward == DEFAULT_MEAN_REWARDS[info["context"]][2]  # exact with noise_std=0
    assert step_info["mean_reward"] == reward
    with pytest.raises(AssertionError, match="Call reset"):
        env.step(0)


def test_contexts_uniform_and_rewards_have_the_stated_means():
    env = ContextualBandit(noise_std=1.0)
    env.reset(seed=0)
    contexts, rewards = [], {(c, a): [] for c in range(2) for a in range(3)}
    for t in range(6000):
        _, info = env.reset()
        arm = t % 3
        _, r, *_ = env.step(arm)
        contexts.append(info["context"])
        rewards[(info["context"], arm)].append(r)
    assert abs(np.mean(contexts) - 0.5) < 0.05  # 7.7 standard errors
    for (c, a), rs in rewards.items():
        assert abs(np.mean(rs) - DEFAULT_MEAN_REWARDS[c][a]) < 0.2  # ~6 standard errors (n ~ 1000)


def test_same_seed_same_episode():
    runs = []
    for _ in range(2):
        env = ContextualBandit()
        obs, _ = env.reset(seed=42)
        runs.append((obs.tolist(), env.step(1)[1]))
    assert runs[0] == runs[1]


def test_optimal_arms():
    assert ContextualBandit().optimal_arms.tolist() == [0, 2]


@pytest.mark.parametrize("means", [[1.0, 2.0], [[1.0]], [[0.0, np.nan]]])
def test_bad_means_rejected(means):
    with pytest.raises(ValueError, match="mean_rewards must"):
        ContextualBandit(mean_rewards=means)


def test_bad_noise_and_action_rejected():
    with pytest.raises(ValueError, match="noise_std must"):
        ContextualBandit(noise_std=-1.0)
    env = ContextualBandit()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action must be an int in \[0, 3\)"):
        env.step(3)
