"""Time to solve CartPole-v1: the notebook's REINFORCE against the one-episode loop, PPO and A2C;
the course's PPO (notebook 08) against stable-baselines3's PPO.

"Solved" is the same test for every method: a 100-episode evaluation of the *sampled* policy
(stochastic actions, fresh episodes) averages >= 475. Evaluations are triggered cheaply (when the
latest training episodes average >= 475) and their time is not counted: the clock measures training.
All methods run single-threaded (torch.set_num_threads(1)) in the same process, one after another.

PPO and A2C use the rl-baselines3-zoo CartPole-v1 hyperparameters,
https://github.com/DLR-RM/rl-baselines3-zoo/blob/master/hyperparams/ppo.yml and .../a2c.yml:
  PPO: n_envs 8, n_timesteps 1e5, n_steps 32, batch_size 256, gae_lambda 0.8, gamma 0.98,
       n_epochs 20, ent_coef 0.0, learning_rate lin_0.001, clip_range lin_0.2 (lin_x: x * progress_remaining)
  A2C: n_envs 8, n_timesteps 5e5, ent_coef 0.0, everything else SB3's default.
The course's PPO is notebook 08's own code, loaded from the solution notebook (``notebook_code.PPO``:
its ``Config``, ``CategoricalAgent``, ``collect``, ``ppo_update``, ``train`` and the three answers) with
the notebook's default ``Config``: the NumPy CartPole (``pg_helpers.envs.cartpole_np``), 16 x 32 steps
per batch, 6 epochs of 2 minibatches, 32-unit networks. Its trigger for an evaluation is SB3's: the
last 10 training episodes average >= 475 (``train(..., window=10)``; the notebook itself uses 20).
The speed-up comes with a 95 % bootstrap interval (the seeds of each method resampled).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from pg_helpers.rollout import evaluate

SOLVED = 475.0
EVAL_EPISODES = 100


@dataclass
class Clock:
    """Wall time (and CPU time) of training only: evaluations are subtracted."""

    start: float = field(default_factory=time.perf_counter)
    start_cpu: float = field(default_factory=time.process_time)
    paused: float = 0.0
    paused_cpu: float = 0.0

    def solved(self, act_fn: Callable[[np.ndarray], np.ndarray], seed: int) -> bool:
        t0, c0 = time.perf_counter(), time.process_time()
        ok = float(evaluate(act_fn, EVAL_EPISODES, seed=seed).mean()) >= SOLVED
        self.paused += time.perf_counter() - t0
        self.paused_cpu += time.process_time() - c0
        return ok

    def elapsed(self) -> float:
        return time.perf_counter() - self.start - self.paused

    def elapsed_cpu(self) -> float:
        """CPU seconds of this process: less sensitive than wall time to other jobs on the machine."""
        return time.process_time() - self.start_cpu - self.paused_cpu


@dataclass
class Result:
    seconds: float | None  # wall seconds to solve; None: not solved within the method's budget
    steps: int
    cpu_seconds: float | None = None


def run_reinforce(nb, seed: int) -> Result:
    """The notebook's configuration and code (Config, make_policy, sampler, reinforce_update)."""
    cfg = nb.Config()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    clock = Clock()
    policy = nb.make_policy(cfg.hidden)
    optimizer = torch.optim.Adam(policy.parameters(), lr=cfg.lr)
    envs, act = nb.make_cartpole_vec(cfg.num_envs), nb.sampler(policy, rng)
    steps = 0
    for k in range(cfg.max_updates):
        batch = nb.collect_episodes(envs, act, seed=seed if k == 0 else None)
        steps += batch.num_steps
        if batch.ep_ret.mean() >= SOLVED and clock.solved(act, seed=10_000 * (seed + 1) + k):
            return Result(clock.elapsed(), steps, clock.elapsed_cpu())
        nb.reinforce_update(policy, optimizer, batch, cfg.gamma, cfg.discount_weight)
    return Result(None, steps)


def run_one_episode_loop(nb, seed: int, max_seconds: float) -> Result:
    """The common loop (notebook section 8): 4-128-2 MLP, Adam 0.01, gamma 0.99, one episode per update,
    the episode's returns standardised (mean 0, standard deviation 1) as such tutorials do."""
    import gymnasium as gym

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    clock = Clock()
    policy = nb.make_policy(128)
    optimizer = torch.optim.Adam(policy.parameters(), lr=0.01)
    act_batch = nb.sampler(policy, rng)
    env = gym.make("CartPole-v1")
    recent: list[float] = []
    steps, episode = 0, 0
    while clock.elapsed() < max_seconds:
        obs, act, rew, _, _ = nb.collect_episode(env, lambda o: int(act_batch(o[None])[0]),
                                                 seed=seed if episode == 0 else None)
        ret = nb.reward_to_go(rew, 0.99)  # (T,)
        ret = torch.as_tensor((ret - ret.mean()) / (ret.std() + 1e-8), dtype=torch.float32)
        logp = torch.log_softmax(policy(torch.as_tensor(obs)), dim=-1)[torch.arange(len(act)), torch.as_tensor(act)]
        loss = -(logp * ret).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        steps, episode = steps + len(rew), episode + 1
        recent = (recent + [float(rew.sum())])[-10:]
        if len(recent) == 10 and np.mean(recent) >= SOLVED and clock.solved(act_batch, seed=10_000 * (seed + 1) + episode):
            return Result(clock.elapsed(), steps, clock.elapsed_cpu())
    return Result(None, steps)


def run_course_ppo(nb, seed: int) -> Result:
    """Notebook 08's PPO, as students write it (``nb.train``): gives up after ``Config.max_steps`` (100,000) steps."""
    clock = Clock()
    evaluations = [0]

    def solved(agent, recent_mean, gen) -> bool:
        def act(obs: np.ndarray) -> np.ndarray:
            return agent.sample(torch.as_tensor(np.asarray(obs, dtype=np.float32)), gen)
        evaluations[0] += 1
        with torch.inference_mode():
            return clock.solved(act, seed=10_000 * (seed + 1) + evaluations[0])

    hist = nb.train(nb.Config(), seed, solved=solved, window=10)
    if hist["solved_at"] is None:
        return Result(None, hist["steps"][-1])
    return Result(clock.elapsed(), hist["solved_at"], clock.elapsed_cpu())


def run_sb3(algo: str, seed: int, max_seconds: float) -> Result:
    """stable-baselines3 PPO or A2C with the zoo's CartPole-v1 hyperparameters."""
    from stable_baselines3 import A2C, PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    clock = Clock()
    env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
    if algo == "PPO":
        model = PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                    ent_coef=0.0, learning_rate=lambda p: p * 1e-3, clip_range=lambda p: p * 0.2,
                    seed=seed, device="cpu", verbose=0)
        budget = 100_000
    else:
        model = A2C("MlpPolicy", env, ent_coef=0.0, seed=seed, device="cpu", verbose=0)
        budget = 500_000

    def act(obs: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(obs, deterministic=False)[0], dtype=np.int64)

    class StopWhenSolved(BaseCallback):
        solved_at: float | None = None
        solved_cpu: float | None = None

        def _on_rollout_end(self) -> None:
            recent = [info["r"] for info in list(self.model.ep_info_buffer)[-10:]]
            if len(recent) == 10 and np.mean(recent) >= SOLVED and clock.solved(act, seed=10_000 * (seed + 1) + self.num_timesteps):
                self.solved_at, self.solved_cpu = clock.elapsed(), clock.elapsed_cpu()

        def _on_step(self) -> bool:
            return self.solved_at is None and clock.elapsed_cpu() < max_seconds  # CPU: load on a shared machine does not stop it

    callback = StopWhenSolved()
    model.learn(total_timesteps=budget, callback=callback)
    return Result(callback.solved_at, model.num_timesteps, callback.solved_cpu)


def summarize(name: str, results: list[Result]) -> tuple[float, float]:
    """Print median and spread; return the medians (wall, CPU).

    The medians count an unsolved run as infinitely slow (so 6/10 solved can have a median above
    every solved run's IQR); range and IQR describe the solved runs only, and say so.
    """
    times = sorted(r.seconds if r.seconds is not None else float("inf") for r in results)
    solved = [t for t in times if np.isfinite(t)]
    solved_cpu = [r.cpu_seconds for r in results if r.seconds is not None and r.cpu_seconds is not None]
    median = statistics.median(times)
    spread = f"{min(solved):.2f}-{max(solved):.2f} s" if solved else "-"
    q1, q3 = (np.percentile(solved, [25, 75]) if solved else (float("nan"), float("nan")))
    c1, c3 = (np.percentile(solved_cpu, [25, 75]) if solved_cpu else (float("nan"), float("nan")))
    steps = statistics.median(r.steps for r in results)
    cpu = statistics.median(r.cpu_seconds if r.cpu_seconds is not None else float("inf") for r in results)
    print(f"{name:<24} solved {len(solved):>2}/{len(results)}  median {median:7.2f} s  "
          f"solved runs: range {spread:<15} IQR {q1:.2f}-{q3:.2f} s  median CPU {cpu:7.2f} s (IQR {c1:.2f}-{c3:.2f} s)  median steps {steps:,.0f}",
          flush=True)
    return median, cpu


def speedup_interval(slow: list[Result], fast: list[Result], num_resamples: int = 2000, paired: bool = False,
                     cpu: bool = False) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of median(slow) / median(fast) over the seeds.

    ``paired``: slow[i] and fast[i] ran on the same seed one after the other, so the seeds are resampled
    together (a pair shares the machine's load at its time); otherwise each method's seeds independently.
    ``cpu``: CPU seconds instead of wall seconds. An unsolved run counts as infinitely slow, as in ``summarize``.
    """
    gen = np.random.default_rng(0)

    def times(rs: list[Result]) -> np.ndarray:
        return np.array([(r.cpu_seconds if cpu else r.seconds) if r.seconds is not None else np.inf for r in rs])

    slow_s, fast_s = times(slow), times(fast)
    if paired:
        if slow_s.size != fast_s.size:
            raise ValueError("paired runs need as many slow as fast runs")
        idx = gen.integers(slow_s.size, size=(num_resamples, slow_s.size))
        slow_b, fast_b = slow_s[idx], fast_s[idx]
    else:
        slow_b, fast_b = gen.choice(slow_s, (num_resamples, slow_s.size)), gen.choice(fast_s, (num_resamples, fast_s.size))
    with np.errstate(invalid="ignore"):  # inf / inf: both medians unsolved
        ratios = np.median(slow_b, axis=1) / np.median(fast_b, axis=1)
    low, high = np.nanpercentile(ratios, [2.5, 97.5], method="inverted_cdf")  # no interpolation: inf stays inf
    return float(low), float(high)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per method (default 10)")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds of training per run before giving up (CPU seconds for SB3)")
    parser.add_argument("--skip-a2c", action="store_true", help="leave out A2C (the slowest baseline)")
    parser.add_argument("--only-ppo", action="store_true", help="only the two PPOs (course and SB3)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # every method single-threaded, so the comparison is like for like
    # The first optimizer built in a process imports torch._dynamo (seconds): pay it here, outside every clock,
    # rather than inside whichever method happens to run first.
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])

    from . import notebook_code

    nb = notebook_code.load(notebook_code.REINFORCE)
    nb08 = notebook_code.load(notebook_code.PPO)
    seeds = list(range(args.seeds))
    print(f"CartPole-v1 time to solve (sampled policy, {EVAL_EPISODES}-episode average >= {SOLVED:g}), "
          f"{len(seeds)} seeds, training wall time, evaluations excluded; cap {args.cap:g} s per run", flush=True)
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        raise SystemExit("stable-baselines3 is missing: `make bench` installs it (pip install -e '.[bench]')")
    medians = {}
    if not args.only_ppo:
        medians["REINFORCE (notebook 03)"] = summarize("REINFORCE (notebook 03)", [run_reinforce(nb, s) for s in seeds])
        medians["one episode per update"] = summarize("one episode per update", [run_one_episode_loop(nb, s, args.cap) for s in seeds])
    # Pair by pair: each seed's two runs one after the other, so both meet the machine's load of that moment.
    course_runs, sb3_runs = [], []
    for s in seeds:
        course_runs.append(run_course_ppo(nb08, s))
        sb3_runs.append(run_sb3("PPO", s, args.cap))
        c, b = course_runs[-1], sb3_runs[-1]
        print(f"  seed {s}: notebook 08 PPO " + (f"{c.seconds:.2f} s ({c.steps:,} steps)" if c.seconds else "not solved")
              + ", SB3 PPO " + (f"{b.seconds:.2f} s ({b.steps:,} steps)" if b.seconds else "not solved"), flush=True)
    medians["course PPO (notebook 08)"] = summarize("course PPO (notebook 08)", course_runs)
    medians["SB3 PPO (zoo)"] = summarize("SB3 PPO (zoo)", sb3_runs)
    course, course_cpu = medians["course PPO (notebook 08)"]
    sb3, sb3_cpu = medians["SB3 PPO (zoo)"]
    low, high = speedup_interval(sb3_runs, course_runs, paired=True)
    low_cpu, high_cpu = speedup_interval(sb3_runs, course_runs, paired=True, cpu=True)
    print(f"course PPO (notebook 08's own code) speed-up over SB3 PPO (median time to solve, SB3 / course): "
          f"{sb3 / course:.1f}x (95 % paired bootstrap interval over seeds {low:.1f}-{high:.1f}x); "
          f"CPU time: {sb3_cpu / course_cpu:.1f}x ({low_cpu:.1f}-{high_cpu:.1f}x)", flush=True)
    if args.only_ppo:
        return
    if not args.skip_a2c:
        medians["SB3 A2C (zoo)"] = summarize("SB3 A2C (zoo)", [run_sb3("A2C", s, args.cap) for s in seeds])
    base, base_cpu = medians["REINFORCE (notebook 03)"]
    for name, (median, cpu) in medians.items():
        if name not in ("REINFORCE (notebook 03)", "course PPO (notebook 08)"):
            print(f"ratio {name} / REINFORCE (median time to solve): {median / base:.1f} (CPU time: {cpu / base_cpu:.1f})")
    ppo, ppo_cpu = medians["SB3 PPO (zoo)"]
    print(f"PPO/REINFORCE ratio: {ppo / base:.1f} (wall time; CPU time: {ppo_cpu / base_cpu:.1f})")
