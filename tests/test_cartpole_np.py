"""pg_helpers.envs.cartpole_np: the NumPy CartPole matches Gymnasium's CartPole-v1 step by step."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from pg_helpers.envs.cartpole_np import CartPoleVec, evaluate_cartpole


def _balancer(obs: np.ndarray) -> int:
    """A linear controller that keeps the pole up for hundreds of steps (to reach the time limit)."""
    return int(obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.1 * obs[1] > 0)


@pytest.mark.parametrize("max_steps", [500, 60])
def test_same_dynamics_termination_and_truncation_as_gymnasium(max_steps):
    rng = np.random.default_rng(0)
    env = gym.make("CartPole-v1", max_episode_steps=max_steps)
    mine = CartPoleVec(1, max_episode_steps=max_steps)
    ends = {"terminated": 0, "truncated": 0}
    for episode in range(40):
        obs, _ = env.reset(seed=episode)
        mine.reset(seed=episode)
        mine.state = np.asarray(env.unwrapped.state, dtype=np.float64)[None].copy()  # same start state
        random_share = 1.0 if episode % 2 else 0.1  # random actions, or mostly the balancer
        while True:
            act = int(rng.random() < 0.5) if rng.random() < random_share else _balancer(obs)
            obs, rew, term, trunc, _ = env.step(act)
            _, my_rew, my_term, my_trunc, info = mine.step(np.array([act]))
            assert np.array_equal(info["final_obs"][0], obs)
            assert (my_rew[0], bool(my_term[0]), bool(my_trunc[0])) == (rew, term, trunc)
            if term or trunc:
                ends["terminated" if term else "truncated"] += 1
                assert info["_final_obs"][0]
                break
    assert ends["terminated"] > 5 and ends["truncated"] > 5, ends


def test_same_step_autoreset_and_final_obs():
    envs = CartPoleVec(3, max_episode_steps=5)
    obs, info = envs.reset(seed=1)
    assert obs.shape == (3, 4) and obs.dtype == np.float32 and np.all(np.abs(obs) <= 0.05) and info == {}
    for t in range(5):
        obs, rew, term, trunc, info = envs.step(np.array([0, 1, 0]))
    assert trunc.all() and not term.any() and info["_final_obs"].all()
    assert np.all(np.abs(obs) <= 0.05), "every copy restarted in the same step"
    assert not np.allclose(info["final_obs"], obs), "final_obs keeps the last observation of the ended episode"
    assert (envs.ep_len == 0).all()


def test_reset_seed_reproducible_and_step_checks():
    a, b = CartPoleVec(4), CartPoleVec(4)
    assert np.array_equal(a.reset(seed=3)[0], b.reset(seed=3)[0])
    with pytest.raises(ValueError):
        a.step(np.zeros(3, dtype=int))
    with pytest.raises(AssertionError, match="Call reset"):
        CartPoleVec(2).step(np.zeros(2, dtype=int))
    with pytest.raises(ValueError):
        CartPoleVec(0)


def test_evaluate_counts_one_episode_per_copy():
    rets = evaluate_cartpole(lambda obs: np.array([_balancer(o) for o in obs]), 10, seed=0)
    assert rets.shape == (10,) and (rets == 500).all()
    rets = evaluate_cartpole(lambda obs: np.zeros(len(obs), dtype=int), 10, seed=0)
    assert (rets < 20).all() and (rets >= 1).all()
