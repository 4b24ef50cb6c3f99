"""Unit tests for pg_helpers.rollout: vectorized CartPole episodes, action sampling, evaluation."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

from pg_helpers.rollout import RolloutBatch, collect_episodes, evaluate, make_cartpole_vec, sample_actions


def balance(obs: np.ndarray) -> np.ndarray:
    """A deterministic rule that keeps the pole up for hundreds of steps: push towards the fall."""
    return (obs[:, 2] + obs[:, 3] > 0).astype(np.int64)


def random_policy(seed: int):
    rng = np.random.default_rng(seed)
    return lambda obs: rng.integers(0, 2, size=obs.shape[0])


def check_batch_invariants(batch: RolloutBatch) -> None:
    T, N = batch.act.shape
    assert batch.obs.shape == (T, N, 4) and batch.obs.dtype == np.float32
    assert batch.rew.shape == batch.dones.shape == batch.mask.shape == (T, N)
    assert T == batch.ep_len.max(), "no row after the longest episode's end"
    steps = np.arange(T)[:, None]
    np.testing.assert_array_equal(batch.mask, steps < batch.ep_len)
    assert batch.dones[batch.ep_len - 1, np.arange(N)].all() and batch.dones.sum() == N, \
        "exactly one done per column, at its episode's last step"
    np.testing.assert_array_equal(batch.rew, batch.mask.astype(np.float32))  # CartPole pays 1 per step
    np.testing.assert_array_equal(batch.ep_ret, batch.ep_len)
    assert not batch.obs[~batch.mask].any() and not batch.act[~batch.mask].any(), "padding must be zero"
    assert batch.num_episodes == N and batch.num_steps == batch.ep_len.sum()


def test_make_cartpole_vec_is_the_numpy_vector_env_with_next_step_autoreset():
    envs = make_cartpole_vec(5)
    assert envs.num_envs == 5
    assert envs.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert envs.single_observation_space.shape == (4,)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "4"])
def test_make_cartpole_vec_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="num_envs must be a positive int"):
        make_cartpole_vec(bad)


def test_random_episodes_all_terminate_and_satisfy_invariants():
    batch = collect_episodes(make_cartpole_vec(16), random_policy(0), seed=0)
    check_batch_invariants(batch)
    assert batch.terminated.all(), "random play topples the pole long before 500 steps"
    assert batch.ep_len.min() < batch.ep_len.max(), "episodes of different lengths, so padding is exercised"


def test_time_limit_is_truncation_not_termination():
    batch = collect_episodes(make_cartpole_vec(4, max_episode_steps=30), balance, seed=1)
    check_batch_invariants(batch)
    np.testing.assert_array_equal(batch.ep_len, 30)
    assert not batch.terminated.any()


def test_recorded_obs_and_actions_follow_the_dynamics():
    """obs[t + 1] is what CartPole gives after act[t] from obs[t]: no off-by-one, no reset step inside."""
    batch = collect_episodes(make_cartpole_vec(3), random_policy(2), seed=2)
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    for n in range(3):
        for t in range(batch.ep_len[n] - 1):
            env.state = batch.obs[t, n].astype(np.float64)
            next_obs, *_ = env.step(int(batch.act[t, n]))
            np.testing.assert_allclose(batch.obs[t + 1, n], next_obs, atol=1e-5)


def test_same_seed_same_batch_and_later_calls_continue():
    envs = make_cartpole_vec(8)
    first = collect_episodes(envs, balance, seed=3)
    again = collect_episodes(envs, balance, seed=3)
    np.testing.assert_array_equal(first.obs, again.obs)
    later = collect_episodes(envs, balance)  # no seed: a fresh start from the continuing random stream
    check_batch_invariants(later)
    assert not np.array_equal(later.obs[0], first.obs[0])


@pytest.mark.parametrize("mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
def test_works_with_either_autoreset_mode_of_a_sync_vector_env(mode):
    envs = gym.make_vec("CartPole-v1", num_envs=4, vectorization_mode="sync",
                        vector_kwargs={"autoreset_mode": mode})
    batch = collect_episodes(envs, random_policy(4), seed=4)
    check_batch_invariants(batch)
    assert batch.terminated.all()


def test_bad_act_fn_gets_clear_errors():
    envs = make_cartpole_vec(3)
    with pytest.raises(TypeError, match="act_fn must be callable"):
        collect_episodes(envs, "left")
    with pytest.raises(ValueError, match=r"3 integer actions.*got shape \(2,\)"):
        collect_episodes(envs, lambda obs: np.zeros(2, dtype=np.int64))
    with pytest.raises(ValueError, match="dtype float64"):
        collect_episodes(envs, lambda obs: np.zeros(3))
    with pytest.raises(RuntimeError, match="max_steps=10"):
        collect_episodes(envs, balance, max_steps=10)


def test_sample_actions_matches_softmax_frequencies():
    rng = np.random.default_rng(0)
    logits = np.tile([[0.0, np.log(3.0)], ], (200_000, 1))  # P(1) = 0.75
    act = sample_actions(logits, rng)
    assert act.shape == (200_000,) and act.dtype == np.int64
    assert abs(act.mean() - 0.75) < 0.005  # 5 standard errors
    three = sample_actions(np.tile([[1.0, 2.0, 3.0]], (300_000, 1)), rng)
    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(np.bincount(three, minlength=3) / three.size, p, atol=0.005)


def test_sample_actions_is_stable_for_huge_logits():
    act = sample_actions(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), np.random.default_rng(1))
    np.testing.assert_array_equal(act, [0, 1])


def test_sample_actions_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"shape \(N, num_actions\)"):
        sample_actions(np.zeros(3), np.random.default_rng(0))


def test_evaluate_returns_one_return_per_episode():
    returns = evaluate(balance, num_episodes=20, seed=5)
    assert returns.shape == (20,)
    assert (returns > 100).all()
    assert (evaluate(lambda obs: np.zeros(len(obs), dtype=np.int64), 10, seed=5) < 20).all()
