"""Unit tests for pg_helpers.ppo: notebook 08's reference GAE, clipped surrogate, approximate KL and PPO."""

from __future__ import annotations

import dataclasses
import math
import os

import nbformat
import numpy as np
import pytest
import torch

from grading.course import Course
from pg_helpers.envs.cartpole_np import CartPoleVec
from pg_helpers.ppo import (Agent, PPOConfig, approx_kl, clipped_surrogate_loss, collect_rollout, gae, train_ppo,
                            value_loss)
from pg_helpers.reinforce import batched_returns

NO = np.zeros((4, 3), dtype=bool)


def _batch(seed=0, shape=(4, 3)):
    rng = np.random.default_rng(seed)
    rew, val = rng.normal(size=shape), rng.normal(size=shape)
    next_val = np.concatenate([val[1:], rng.normal(size=(1, shape[1]))])  # V(s_{t+1}) = the next row's V(s_t)
    return rew, val, next_val


def test_lambda_zero_is_the_one_step_td_advantage():
    rew, val, next_val = _batch()
    assert np.allclose(gae(rew, val, next_val, NO, NO, 0.9, 0.0), rew + 0.9 * next_val - val)


def test_lambda_one_is_the_monte_carlo_return_minus_v():
    rew, val, next_val = _batch()
    term = NO.copy()
    term[-1] = True  # every column's episode terminates on the last row
    assert np.allclose(gae(rew, val, next_val, term, NO, 0.95, 1.0), batched_returns(rew, term, 0.95) - val)
    # without an end, lambda = 1 bootstraps the last row's V(s_T)
    mc = np.array([sum(0.95 ** (k - t) * rew[k] for k in range(t, 4)) + 0.95 ** (4 - t) * next_val[3] for t in range(4)])
    assert np.allclose(gae(rew, val, next_val, NO, NO, 0.95, 1.0), mc - val)


def test_hand_computed_three_steps_with_a_truncation_and_a_termination():
    # gamma 0.9, lam 0.5; step 0 truncated (V(final obs) = 4), steps 1-2 a new episode terminating at step 2
    adv = gae(rew=[[1.0], [1.0], [1.0]], val=[[2.0], [3.0], [0.5]], next_val=[[4.0], [0.5], [7.0]],
              terminated=[[False], [False], [True]], truncated=[[True], [False], [False]], gamma=0.9, lam=0.5)
    # delta = (1 + 3.6 - 2, 1 + 0.45 - 3, 1 - 0.5) = (2.6, -1.55, 0.5); A_1 = -1.55 + 0.45 * 0.5
    assert np.allclose(adv[:, 0], [2.6, -1.325, 0.5])


def test_termination_and_truncation_on_the_same_step_counts_as_termination():
    one = np.ones((1, 1))
    assert gae(one, one, 5 * one, one > 0, one > 0, 0.9, 0.9)[0, 0] == 0.0


def test_gae_checks_shapes():
    with pytest.raises(ValueError):
        gae(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3, bool), np.zeros(3, bool), 0.9, 0.9)


def test_clipped_surrogate_hand_case_and_gradient():
    logp_old = torch.log(torch.tensor([0.2, 0.2, 0.4, 0.4]))
    logp = torch.log(torch.tensor([0.3, 0.3, 0.2, 0.2])).requires_grad_()  # ratios 1.5, 1.5, 0.5, 0.5
    loss = clipped_surrogate_loss(logp, logp_old, torch.tensor([2.0, -1.0, 1.0, -0.5]), 0.2)
    assert math.isclose(loss.item(), -(2.4 - 1.5 + 0.5 - 0.4) / 4, abs_tol=1e-6)
    loss.backward()
    assert torch.allclose(logp.grad, torch.tensor([0.0, 1.5 / 4, -0.5 / 4, 0.0]), atol=1e-6)


def test_approx_kl_is_exact_on_samples_in_proportion_and_never_negative():
    pi_old, pi_new = torch.tensor([0.5, 0.25, 0.25]), torch.tensor([0.25, 0.5, 0.25])
    act = torch.tensor([0, 0, 1, 2])
    assert math.isclose(approx_kl(pi_new.log()[act], pi_old.log()[act]).item(), math.log(2) / 4, rel_tol=1e-6)
    g = torch.Generator().manual_seed(0)
    old = torch.randn(1000, generator=g)
    new = old + 3 * torch.randn(1000, generator=g)
    terms = [approx_kl(new[i:i + 1], old[i:i + 1]).item() for i in range(1000)]
    assert min(terms) >= 0


def test_value_loss_clipped_is_the_larger_of_the_two():
    val, val_old, ret = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 0.0]), torch.tensor([2.0, 0.5])
    assert math.isclose(value_loss(val, val_old, ret, None).item(), 0.5 * (1 + 0.25) / 2)
    # sample 0: clipped V = 0.2 -> (1.8)^2 > 1; sample 1: unchanged
    assert math.isclose(value_loss(val, val_old, ret, 0.2).item(), 0.5 * (1.8 ** 2 + 0.25) / 2, rel_tol=1e-6)


def test_rollout_bootstraps_from_the_final_observation():
    torch.manual_seed(0)
    agent = Agent()
    envs = CartPoleVec(4, max_episode_steps=10)
    obs, _ = envs.reset(seed=0)
    batch, _ = collect_rollout(agent, envs, obs, 25, np.random.default_rng(0), np.zeros(4, np.float32))
    assert batch.obs.shape == (25, 4, 4) and batch.act.shape == (25, 4)
    assert batch.truncated.any() or batch.terminated.any()
    done = batch.terminated | batch.truncated
    # where nothing ended, next_val is the next row's V; where an episode ended, V of another observation
    assert np.allclose(batch.next_val[:-1][~done[:-1]], batch.val[1:][~done[:-1]], atol=1e-6)
    with torch.no_grad():
        first_of_next = agent.value(torch.as_tensor(batch.obs[1:][done[:-1]])).numpy()
    assert not np.allclose(batch.next_val[:-1][done[:-1]], first_of_next)
    assert all(r == 10 for r in batch.ep_ret if r >= 10) and len(batch.ep_ret) >= int(done.sum()) - 0


def test_a_short_run_learns():
    hist = train_ppo(PPOConfig(max_steps=8_192), seed=0,
                     solved_check=lambda act, k: False)
    assert hist["mean_return"][-1] > 2 * hist["mean_return"][0]


@pytest.mark.skipif(os.environ.get("PG_SLOW") != "1", reason="10 seeds to solve: set PG_SLOW=1 (a few minutes)")
def test_solves_cartpole_on_nine_of_ten_seeds():
    solved = [train_ppo(PPOConfig(), seed)["solved_at_steps"] is not None for seed in range(10)]
    assert sum(solved) >= 9, solved


def test_notebook_08_trains_with_the_benchmarked_hyperparameters():
    """``make bench`` times ``pg_helpers.ppo`` as notebook 08's PPO: the notebook's ``Config`` must have the same defaults."""
    cell = next(c.source for c in nbformat.read(Course().source_notebook("08_ppo_gae"), as_version=4).cells
                if c.cell_type == "code" and "class Config:" in c.source)
    namespace: dict = {}
    exec("from dataclasses import dataclass\n" + cell.split("\ndef mlp(")[0], namespace)
    assert dataclasses.asdict(namespace["Config"]()) == dataclasses.asdict(PPOConfig())
