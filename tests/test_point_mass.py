"""Unit tests for pg_helpers.envs.point_mass: the continuous-action point mass of notebook 05."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode

from pg_helpers.envs import PointMass, PointMassVec
from pg_helpers.envs.point_mass import GOAL_RADIUS, STEP_SIZE, optimal_action
from pg_helpers.rollout import collect_continuous_episodes


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_passes_gymnasium_check_env(dim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no spec, cannot test render modes"
        check_env(PointMass(dim=dim))


def test_step_before_reset_is_a_friendly_assert():
    with pytest.raises(AssertionError, match="Call reset before using step method"):
        PointMass().step(np.zeros(2, dtype=np.float32))
    with pytest.raises(AssertionError, match="Call reset before using step method"):
        PointMassVec(3).step(np.zeros((3, 2)))


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_rejects_bad_arguments(bad):
    with pytest.raises(ValueError, match="dim must be an int"):
        PointMass(dim=bad)
    with pytest.raises(ValueError, match="num_envs must be an int"):
        PointMassVec(bad)


def test_dynamics_rewards_clipping_and_walls():
    env = PointMass(dim=2)
    env.reset(seed=0)
    env.pos = np.array([0.5, -0.95])
    obs, rew, term, trunc, info = env.step(np.array([-3.0, -1.0]))  # clipped to (-1, -1); wall at -1
    np.testing.assert_allclose(obs, [0.5 - STEP_SIZE, -1.0], atol=1e-7)
    assert rew == pytest.approx(-np.hypot(0.3, 1.0)) and not term and not trunc and info == {}
    assert obs.dtype == np.float32 and env.observation_space.contains(obs)


def test_reaching_the_target_terminates_and_the_time_limit_truncates():
    env = PointMass(dim=1, max_episode_steps=5)
    env.reset(seed=0)
    env.pos = np.array([0.1])
    _, rew, term, trunc, _ = env.step(np.array([-0.5]))
    assert term and not trunc and rew == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(AssertionError, match="call reset"):
        env.step(np.array([0.0]))
    env.reset(seed=1)
    env.pos = np.array([0.9])
    flags = [env.step(np.array([0.0]))[2:4] for _ in range(5)]
    assert flags == [(False, False)] * 4 + [(False, True)]


def test_optimal_policy_reaches_the_target_within_the_time_limit():
    env = PointMass(dim=2)
    for seed in range(20):
        obs, _ = env.reset(seed=seed)
        for t in range(20):
            obs, rew, term, trunc, _ = env.step(optimal_action(obs))
            if term or trunc:
                break
        assert term and t + 1 <= int(np.ceil(np.sqrt(2) / STEP_SIZE)) + 1
        assert np.linalg.norm(obs) < GOAL_RADIUS


def test_vectorized_copies_follow_the_single_environment_exactly():
    """Same seed, same actions: copy i of PointMassVec is PointMass reset with seed + i, episode after episode."""
    num_envs, num_steps, seed = 4, 60, 7
    rng = np.random.default_rng(0)
    acts = rng.normal(0, 1.5, size=(num_steps, num_envs, 2)) - 0.3  # crosses the bounds, hits walls
    acts[:, 0] = 0.0  # copy 0 never moves: truncated every 20 steps
    vec = PointMassVec(num_envs)
    assert vec.metadata["autoreset_mode"] == AutoresetMode.SAME_STEP
    v_obs, _ = vec.reset(seed=seed)
    singles = [PointMass() for _ in range(num_envs)]
    s_obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(singles)])
    np.testing.assert_array_equal(v_obs, s_obs)
    ended_total = 0
    for t in range(num_steps):
        v_obs, v_rew, v_term, v_trunc, info = vec.step(acts[t])
        assert v_obs.shape == (num_envs, 2) and v_rew.shape == v_term.shape == (num_envs,)
        for i, env in enumerate(singles):
            obs, rew, term, trunc, _ = env.step(acts[t, i])
            np.testing.assert_array_equal(info["final_obs"][i], obs)
            assert v_rew[i] == np.float32(rew) and v_term[i] == term and v_trunc[i] == trunc
            assert info["_final_obs"][i] == (term or trunc)
            if term or trunc:
                ended_total += 1
                obs, _ = env.reset()  # continues the copy's random stream, as the autoreset does
            np.testing.assert_array_equal(v_obs[i], obs)
    assert ended_total >= num_steps // 20, "several autoresets exercised"


def test_collect_continuous_episodes_keeps_raw_actions_and_masks():
    envs = PointMassVec(6, dim=2, max_episode_steps=15)
    rng = np.random.default_rng(3)
    batch = collect_continuous_episodes(envs, lambda obs: 2.0 * rng.normal(size=obs.shape), seed=3)
    T, N = batch.mask.shape
    assert batch.act.shape == (T, N, 2) and batch.act.dtype == np.float32
    assert np.abs(batch.act).max() > 1, "raw samples are stored, not the clipped actions"
    assert batch.obs.shape == (T, N, 2) and (batch.ep_len <= 15).all() and T == batch.ep_len.max()
    assert not batch.act[~batch.mask].any() and not batch.obs[~batch.mask].any()
    np.testing.assert_allclose(batch.ep_ret, batch.rew.sum(0), rtol=1e-6)
    greedy = collect_continuous_episodes(envs, lambda obs: optimal_action(obs).astype(np.float32), seed=3)
    assert greedy.terminated.all() and (greedy.ep_ret > batch.ep_ret).all()
    with pytest.raises(ValueError, match=r"float actions of shape \(6, 2\)"):
        collect_continuous_episodes(envs, lambda obs: np.zeros(6, dtype=np.int64))
