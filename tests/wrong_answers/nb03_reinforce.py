"""Plausible wrong answers for notebook 03 (REINFORCE) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. reinforce_update uses the student's own
batched_returns and reinforce_loss, so a mistake there also costs the reinforce_update tests
whenever it changes the update (noted per answer). Every mistake on a TODO's central point
(issue 8) loses that TODO's visible point too, not only the hidden ones.
"""

from . import WrongAnswer

_BATCHED_HEAD = '''def batched_returns(rew, dones, gamma):
    """Reward-to-go for a time-major batch."""
    rew = np.asarray(rew, dtype=float)
    ret = np.zeros_like(rew)
'''

_COLLECT_HEAD = '''def collect_episode(env, policy, seed=None):
    """Run one episode."""
    obs_list, act_list, rew_list = [], [], []
    obs, _ = env.reset(seed=seed)
    terminated = truncated = False
'''

_COLLECT_LOOP = '''    while not (terminated or truncated):
        act = policy(obs)
        next_obs, rew, terminated, truncated, _ = env.step(act)
        obs_list.append(obs); act_list.append(act); rew_list.append(rew)
        obs = next_obs
'''

_UPDATE_HEAD = '''def reinforce_update(policy, optimizer, batch, gamma, discount_weight=False):
    """One REINFORCE step."""
    ret = batched_returns(batch.rew, batch.dones, gamma)
'''

_GAMMA_T = '''    if discount_weight:  # gamma ** (steps since the episode's start)
        weights, weight = np.empty(ret.shape), np.ones(ret.shape[1])
        for t in range(ret.shape[0]):
            weights[t] = weight
            weight = np.where(batch.dones[t], 1.0, gamma * weight)
        ret = ret * weights
'''

_UPDATE_LOGP = '''    logits = policy(torch.as_tensor(batch.obs, dtype=torch.float32))
    logp = torch.log_softmax(logits, dim=-1).gather(-1, torch.as_tensor(batch.act).unsqueeze(-1)).squeeze(-1)
    loss = reinforce_loss(logp, torch.as_tensor(ret, dtype=torch.float32))
'''

_STEP = '''    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''

_ALL_UPDATE = {"test_reinforce_update": 0, "test_reinforce_update_hidden": 0}

_SINGLE = {w.name: w for w in [
    WrongAnswer(
        name="batched-no-reset",
        answers={"batched_returns": _BATCHED_HEAD + '''    running = np.zeros(rew.shape[1])
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret
'''},
        # the update's visible and hidden tests have columns holding two episodes or more
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0, **_ALL_UPDATE},
        why="returns carried across episode boundaries (dones ignored)",
    ),
    WrongAnswer(
        name="batched-reset-one-step-late",
        answers={"batched_returns": _BATCHED_HEAD + '''    running = np.zeros(rew.shape[1])
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * running
        ret[t] = running
        running = running * (1 - dones[t])
    return ret
'''},
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0, **_ALL_UPDATE},
        why="reset one step off: the done step keeps the next episode's return, the step before loses its own",
    ),
    WrongAnswer(
        name="batched-wrong-axis",
        answers={"batched_returns": _BATCHED_HEAD + '''    running = np.zeros(rew.shape[0])
    for t in reversed(range(rew.shape[1])):
        running = rew[:, t] + gamma * (1 - dones[:, t]) * running
        ret[:, t] = running
    return ret
'''},
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0, **_ALL_UPDATE},
        why="time taken along axis 1: the batch read as (N, T)",
    ),
    WrongAnswer(
        name="batched-keeps-input-dtype",
        answers={"batched_returns": '''def batched_returns(rew, dones, gamma):
    """Reward-to-go for a time-major batch."""
    ret = np.zeros_like(rew)  # float32 rewards give float32 returns, integer rewards truncate
    running = np.zeros(rew.shape[1])
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * running * (1.0 - dones[t])
        ret[t] = running
    return ret
'''},
        scores={"test_batched_returns_hidden": 0},
        why="the right recursion in the input's dtype: float32 for CartPole's rewards, truncated for integers, "
            "where the docstring promises float64",
    ),
    WrongAnswer(
        name="collect-ignores-truncated",
        answers={"collect_episode": _COLLECT_HEAD + '''    while not terminated:
        act = policy(obs)
        next_obs, rew, terminated, truncated, _ = env.step(act)
        obs_list.append(obs); act_list.append(act); rew_list.append(rew)
        obs = next_obs
    return np.array(obs_list), np.array(act_list), np.array(rew_list, dtype=float), terminated, truncated
'''},
        scores={"test_collect_episode": 0, "test_collect_episode_hidden": 0},
        why="loops until terminated only: steps past a time limit",
    ),
    WrongAnswer(
        name="collect-next-obs",
        answers={"collect_episode": _COLLECT_HEAD + '''    while not (terminated or truncated):
        act = policy(obs)
        obs, rew, terminated, truncated, _ = env.step(act)
        obs_list.append(obs); act_list.append(act); rew_list.append(rew)
    return np.array(obs_list), np.array(act_list), np.array(rew_list, dtype=float), terminated, truncated
'''},
        scores={"test_collect_episode": 0, "test_collect_episode_hidden": 0},
        why="off by one: records the observation after each action instead of the one it was chosen on",
    ),
    WrongAnswer(
        name="collect-merged-flags",
        answers={"collect_episode": _COLLECT_HEAD + _COLLECT_LOOP + '''    done = terminated or truncated
    return np.array(obs_list), np.array(act_list), np.array(rew_list, dtype=float), done, truncated
'''},
        scores={"test_collect_episode": 0, "test_collect_episode_hidden": 0},
        why="reports a time-limit cut-off as termination",
    ),
    WrongAnswer(
        name="collect-no-seed",
        answers={"collect_episode": _COLLECT_HEAD.replace("env.reset(seed=seed)", "env.reset()") + _COLLECT_LOOP + '''    return np.array(obs_list), np.array(act_list), np.array(rew_list, dtype=float), terminated, truncated
'''},
        scores={"test_collect_episode": 0, "test_collect_episode_hidden": 0},
        why="never passes the seed to reset: the episode is not reproducible",
    ),
    WrongAnswer(
        name="loss-sign",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return (logp * ret).sum() / logp.shape[1]
'''},
        scores={"test_reinforce_loss": 0, "test_reinforce_loss_hidden": 0, **_ALL_UPDATE},
        why="sign error: gradient descent on the return",
    ),
    WrongAnswer(
        name="loss-divide-by-T",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return -(logp * ret).sum() / logp.shape[0]
'''},
        scores={"test_reinforce_loss": 0, "test_reinforce_loss_hidden": 0, **_ALL_UPDATE},
        why="wrong axis: divides by the number of time steps, not of episodes",
    ),
    WrongAnswer(
        name="loss-pasted-from-02",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return -(logp * ret.detach()).sum(dim=1).mean()  # notebook 02's surrogate_loss, written for (N, T)
'''},
        scores={"test_reinforce_loss": 0, "test_reinforce_loss_hidden": 0, **_ALL_UPDATE},
        why="notebook 02's (N, T) loss on a (T, N) batch: sums over the episodes and averages over time",
    ),
    WrongAnswer(
        name="loss-mean-over-entries",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return -(logp * ret).mean()
'''},
        scores={"test_reinforce_loss": 0, "test_reinforce_loss_hidden": 0, **_ALL_UPDATE},
        why="mean over all T*N entries: divides by steps times episodes",
    ),
    WrongAnswer(
        name="update-no-zero-grad",
        answers={"reinforce_update": _UPDATE_HEAD + _GAMMA_T + _UPDATE_LOGP + '''    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        scores=_ALL_UPDATE,
        why="never calls zero_grad: gradients pile up from one update to the next",
    ),
    WrongAnswer(
        name="update-zero-grad-after-backward",
        answers={"reinforce_update": _UPDATE_HEAD + _GAMMA_T + _UPDATE_LOGP + '''    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()
'''},
        scores=_ALL_UPDATE,
        why="zero_grad between backward and step: the step sees no gradient",
    ),
    WrongAnswer(
        name="update-ignores-discount-weight",
        answers={"reinforce_update": _UPDATE_HEAD + _UPDATE_LOGP + _STEP},
        scores=_ALL_UPDATE,
        why="the textbook's gamma^t factor is never applied",
    ),
    WrongAnswer(
        name="update-gamma-t-by-row",
        answers={"reinforce_update": _UPDATE_HEAD + '''    if discount_weight:
        ret = ret * gamma ** np.arange(ret.shape[0])[:, None]  # row index as t
''' + _UPDATE_LOGP + _STEP},
        scores=_ALL_UPDATE,
        why="gamma^t with t the row of the batch: wrong when a column holds several episodes",
    ),
    WrongAnswer(
        name="update-total-return",
        answers={"reinforce_update": _UPDATE_HEAD + '''    ret = np.broadcast_to(ret[0], ret.shape) * batch.mask  # G_0 for every step
''' + _GAMMA_T + _UPDATE_LOGP + _STEP},
        scores=_ALL_UPDATE,
        why="total return G_0 instead of the reward-to-go",
    ),
    WrongAnswer(
        name="concept-upper-case",
        answers={"concept_gamma_weight": 'ANSWER_gamma_weight = "D"\n'},
        scores={},
        why="a correct letter in upper case: full marks",
    ),
    WrongAnswer(
        name="concepts-wrong-letters",
        answers={"concept_gamma_weight": 'ANSWER_gamma_weight = "a"\n',
                 "concept_sum_vs_mean": 'ANSWER_sum_vs_mean = "a"\n',
                 "concept_batching": 'ANSWER_batching = "a"\n'},
        scores={"test_concept_gamma_weight": 0, "test_concept_sum_vs_mean": 0, "test_concept_batching": 0},
        why="gamma^t taken as already inside G_t; Adam taken for SGD; a smaller batch taken to shrink the mean",
    ),
]}


def _together(*names: str) -> WrongAnswer:
    """Independent answers in one submission (graded once: each submission runs the whole notebook)."""
    parts = [_SINGLE[n] for n in names]
    cells = [gid for p in parts for gid in p.answers]
    assert len(cells) == len(set(cells)), "the answers must be in different answer cells"
    return WrongAnswer(name="-and-".join(p.name for p in parts),
                       answers={k: v for p in parts for k, v in p.answers.items()},
                       scores={k: v for p in parts for k, v in p.scores.items()},
                       why="; and ".join(p.why for p in parts))


WRONG_ANSWERS = [
    # collect_episode and the concept checks feed no test of another cell, so they share a run with
    # one mistake of another TODO (a correct upper-case letter rides along to save a graded run)
    _together("batched-no-reset", "collect-ignores-truncated", "concept-upper-case"),
    _together("batched-reset-one-step-late", "collect-next-obs"),
    _together("batched-wrong-axis", "collect-merged-flags"),
    _together("loss-sign", "collect-no-seed", "concepts-wrong-letters"),
    # each of these changes reinforce_update's tests: one per submission, so each shows its own scores
    _SINGLE["loss-divide-by-T"],
    _SINGLE["loss-mean-over-entries"],
    _together("loss-pasted-from-02", "batched-keeps-input-dtype"),
    _SINGLE["update-no-zero-grad"],
    _SINGLE["update-zero-grad-after-backward"],
    _SINGLE["update-ignores-discount-weight"],
    _SINGLE["update-gamma-t-by-row"],
    _SINGLE["update-total-return"],
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="segments-and-distributions",
        answers={
            "batched_returns": '''def batched_returns(rew, dones, gamma):
    """Reward-to-go for a time-major batch."""
    rew = np.asarray(rew, dtype=np.float64)
    out = np.zeros_like(rew)
    for n in range(rew.shape[1]):  # each column, episode by episode, with notebook 02's reward_to_go
        ends = np.flatnonzero(dones[:, n]).tolist()
        starts = [0] + [e + 1 for e in ends]
        for start, stop in zip(starts, ends + [rew.shape[0] - 1]):
            if start <= stop:
                out[start:stop + 1, n] = reward_to_go(rew[start:stop + 1, n], gamma)
    return out
''',
            "collect_episode": '''def collect_episode(env, policy, seed=None):
    """Run one episode."""
    steps = []
    obs, info = env.reset(seed=seed)
    done = False
    while not done:
        act = policy(obs)
        next_obs, rew, terminated, truncated, info = env.step(act)
        steps.append((obs, act, float(rew)))
        done = terminated or truncated
        obs = next_obs
    observations, actions, rewards = zip(*steps)
    return np.stack(observations), np.array(actions), np.array(rewards), terminated, truncated
''',
            "reinforce_loss": '''def reinforce_loss(logp, ret):
    return -(logp * ret).sum(dim=0).mean()  # per-episode sums, averaged over episodes
''',
            "reinforce_update": '''def reinforce_update(policy, optimizer, batch, gamma, discount_weight=False):
    """One REINFORCE step."""
    T, N = batch.rew.shape
    ret = torch.from_numpy(batched_returns(batch.rew, batch.dones, gamma)).float()
    if discount_weight:  # t - (row where the step's episode started), vectorized with a running max
        rows = torch.arange(T)[:, None].expand(T, N)
        starts = torch.zeros(T, N, dtype=torch.long)
        starts[1:] = torch.where(torch.as_tensor(batch.dones[:-1]), rows[1:], 0)
        ret = ret * gamma ** (rows - torch.cummax(starts, dim=0).values).float()
    dist = torch.distributions.Categorical(logits=policy(torch.as_tensor(batch.obs).float()))
    logp = dist.log_prob(torch.as_tensor(batch.act).long()) * torch.as_tensor(batch.mask).float()
    loss = reinforce_loss(logp, ret)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss)
''',
            "concept_gamma_weight": 'ANSWER_gamma_weight = " d"\n',
            "concept_sum_vs_mean": 'ANSWER_sum_vs_mean = "B"\n',
            "concept_batching": 'ANSWER_batching = "c "\n',
        },
        why="per-episode segments with reward_to_go, a list of steps, sum-then-mean, gamma^t by a running max, "
            "Categorical with the mask, float(loss), on which torch warns on stderr",
    ),
]
