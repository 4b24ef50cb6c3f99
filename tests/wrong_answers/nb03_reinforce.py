"""Plausible wrong answers for notebook 03 (REINFORCE) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. reinforce_update uses the student's own
batched_returns and reinforce_loss, so a mistake there also costs the reinforce_update tests
whenever it changes the update (noted per answer).
"""

from . import WrongAnswer

_RETURNS_HEAD = '''def discounted_returns(rew, gamma):
    """Reward-to-go of one episode."""
'''

_BATCHED_HEAD = '''def batched_returns(rew, dones, gamma):
    """Reward-to-go for a time-major batch."""
'''

_COLLECT_HEAD = '''def collect_episode(env, policy, seed=None):
    """Run one episode."""
    obs_list, act_list, rew_list = [], [], []
    obs, _ = env.reset(seed=seed)
    terminated = truncated = False
'''

_UPDATE_HEAD = '''def reinforce_update(policy, optimizer, batch, gamma, discount_weight=False):
    """One REINFORCE step."""
'''

_UPDATE_LOGP = '''    logits = policy(torch.as_tensor(batch.obs, dtype=torch.float32))
    logp = torch.log_softmax(logits, dim=-1).gather(-1, torch.as_tensor(batch.act).unsqueeze(-1)).squeeze(-1)
'''

_SINGLE = {w.name: w for w in [
    WrongAnswer(
        name="returns-quadratic",
        answers={"discounted_returns": _RETURNS_HEAD + '''    rew = np.asarray(rew, dtype=float)
    return np.array([sum(gamma ** (k - t) * rew[k] for k in range(t, len(rew))) for t in range(len(rew))])
'''},
        scores={},
        why="O(T^2) double sum: slow but correct, so full marks",
    ),
    WrongAnswer(
        name="returns-no-discount",
        answers={"discounted_returns": _RETURNS_HEAD + '''    rew = np.asarray(rew, dtype=float)
    return np.cumsum(rew[::-1])[::-1]
'''},
        scores={"test_discounted_returns": 0, "test_discounted_returns_hidden": 0},
        why="missing discount: plain sum of the future rewards",
    ),
    WrongAnswer(
        name="returns-forward",
        answers={"discounted_returns": _RETURNS_HEAD + '''    rew = np.asarray(rew, dtype=float)
    ret = np.zeros_like(rew)
    running = 0.0
    for t in range(len(rew)):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret
'''},
        scores={"test_discounted_returns": 0, "test_discounted_returns_hidden": 0},
        why="forward instead of backward accumulation (discounted past, not future)",
    ),
    WrongAnswer(
        name="returns-int-buffer",
        answers={"discounted_returns": _RETURNS_HEAD + '''    ret = np.zeros_like(rew)
    running = 0.0
    for t in reversed(range(len(rew))):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret
'''},
        scores={"test_discounted_returns_hidden": 0},
        why="np.zeros_like on a list of ints makes an int buffer that truncates the returns",
    ),
    WrongAnswer(
        name="batched-no-reset",
        answers={"batched_returns": _BATCHED_HEAD + '''    rew = np.asarray(rew, dtype=float)
    ret = np.zeros_like(rew)
    running = np.zeros(rew.shape[1])
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * running
        ret[t] = running
    return ret
'''},
        # one zero-padded episode per column: ignoring dones changes nothing in reinforce_update
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0},
        why="returns carried across episode boundaries (dones ignored)",
    ),
    WrongAnswer(
        name="batched-reset-one-step-late",
        answers={"batched_returns": _BATCHED_HEAD + '''    rew = np.asarray(rew, dtype=float)
    ret = np.zeros_like(rew)
    running = np.zeros(rew.shape[1])
    for t in reversed(range(rew.shape[0])):
        running = rew[t] + gamma * running
        ret[t] = running
        running = running * (1 - dones[t])
    return ret
'''},
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0,
                "test_reinforce_update": 0, "test_reinforce_update_hidden": 0},
        why="reset one step off: the done step keeps the next episode's return, the step before loses its own",
    ),
    WrongAnswer(
        name="batched-wrong-axis",
        answers={"batched_returns": _BATCHED_HEAD + '''    rew = np.asarray(rew, dtype=float)
    ret = np.zeros_like(rew)
    running = np.zeros(rew.shape[0])
    for t in reversed(range(rew.shape[1])):
        running = rew[:, t] + gamma * (1 - dones[:, t]) * running
        ret[:, t] = running
    return ret
'''},
        scores={"test_batched_returns": 0, "test_batched_returns_hidden": 0,
                "test_reinforce_update": 0, "test_reinforce_update_hidden": 0},
        why="time taken along axis 1: the batch read as (N, T)",
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
        scores={"test_collect_episode_hidden": 0},
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
        answers={"collect_episode": _COLLECT_HEAD + '''    while not (terminated or truncated):
        act = policy(obs)
        next_obs, rew, terminated, truncated, _ = env.step(act)
        obs_list.append(obs); act_list.append(act); rew_list.append(rew)
        obs = next_obs
    done = terminated or truncated
    return np.array(obs_list), np.array(act_list), np.array(rew_list, dtype=float), done, truncated
'''},
        scores={"test_collect_episode_hidden": 0},
        why="reports a time-limit cut-off as termination",
    ),
    WrongAnswer(
        name="loss-sign",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return (logp * ret).sum() / logp.shape[1]
'''},
        scores={"test_reinforce_loss": 0, "test_reinforce_loss_hidden": 0,
                "test_reinforce_update": 0, "test_reinforce_update_hidden": 0},
        why="sign error: gradient descent on the return",
    ),
    WrongAnswer(
        name="loss-divide-by-T",
        answers={"reinforce_loss": '''def reinforce_loss(logp, ret):
    return -(logp * ret).sum() / logp.shape[0]
'''},
        scores={"test_reinforce_loss_hidden": 0, "test_reinforce_update": 0, "test_reinforce_update_hidden": 0},
        why="wrong axis: divides by the number of time steps, not of episodes (equal in the visible 2x2 case)",
    ),
    WrongAnswer(
        name="update-no-zero-grad",
        answers={"reinforce_update": _UPDATE_HEAD + '''    ret = batched_returns(batch.rew, batch.dones, gamma)
    if discount_weight:
        ret = ret * gamma ** np.arange(ret.shape[0])[:, None]
''' + _UPDATE_LOGP + '''    loss = reinforce_loss(logp, torch.as_tensor(ret, dtype=torch.float32))
    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        scores={"test_reinforce_update_hidden": 0},
        why="never calls zero_grad: gradients pile up from one update to the next",
    ),
    WrongAnswer(
        name="update-ignores-discount-weight",
        answers={"reinforce_update": _UPDATE_HEAD + '''    ret = batched_returns(batch.rew, batch.dones, gamma)
''' + _UPDATE_LOGP + '''    loss = reinforce_loss(logp, torch.as_tensor(ret, dtype=torch.float32))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        scores={"test_reinforce_update_hidden": 0},
        why="the textbook's gamma^t factor is never applied",
    ),
    WrongAnswer(
        name="update-total-return",
        answers={"reinforce_update": _UPDATE_HEAD + '''    ret = batched_returns(batch.rew, batch.dones, gamma)
    ret = np.broadcast_to(ret[0], ret.shape) * batch.mask  # G_0 for every step
    if discount_weight:
        ret = ret * gamma ** np.arange(ret.shape[0])[:, None]
''' + _UPDATE_LOGP + '''    loss = reinforce_loss(logp, torch.as_tensor(ret, dtype=torch.float32))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        scores={"test_reinforce_update": 0, "test_reinforce_update_hidden": 0},
        why="total return G_0 instead of the reward-to-go",
    ),
    WrongAnswer(
        name="concept-upper-case",
        answers={"concept_batching": 'ANSWER_batching = "B"\n'},
        scores={},
        why="a correct letter in upper case: full marks",
    ),
    WrongAnswer(
        name="concepts-wrong-letters",
        answers={"concept_batching": 'ANSWER_batching = "a"\n', "concept_reward_to_go": 'ANSWER_reward_to_go = "d"\n'},
        scores={"test_concept_batching": 0, "test_concept_reward_to_go": 0},
        why="bias instead of variance; reward-to-go confused with a baseline",
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
    # pairs whose test cells do not depend on each other, so the scores simply add up (two correct
    # answers, returns-quadratic and concept-upper-case, ride along to save a graded run each)
    _together("returns-quadratic", "concept-upper-case", "collect-ignores-truncated"),
    _together("returns-no-discount", "collect-next-obs"),
    _together("returns-forward", "collect-merged-flags"),
    _together("returns-int-buffer", "concepts-wrong-letters"),
    # batched_returns without resets gives the same update on zero-padded single-episode columns
    _together("batched-no-reset", "update-no-zero-grad"),
    # mistakes whose effect on reinforce_update is what is being checked: one per submission
    _SINGLE["batched-reset-one-step-late"],
    _SINGLE["batched-wrong-axis"],
    _SINGLE["loss-sign"],
    _SINGLE["loss-divide-by-T"],
    _SINGLE["update-ignores-discount-weight"],
    _SINGLE["update-total-return"],
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="vectorized-and-distributions",
        answers={
            "discounted_returns": _RETURNS_HEAD + '''    rew = np.asarray(rew, dtype=np.float64)
    t = np.arange(rew.size)
    powers = np.triu(float(gamma) ** np.clip(t[None, :] - t[:, None], 0, None))  # (T, T): gamma^(k - t), k >= t
    return powers @ rew
''',
            "batched_returns": _BATCHED_HEAD + '''    rew = np.asarray(rew, dtype=np.float64)
    out = np.zeros_like(rew)
    for n in range(rew.shape[1]):  # each column, episode by episode, with discounted_returns
        ends = np.flatnonzero(dones[:, n]).tolist()
        starts = [0] + [e + 1 for e in ends]
        for start, stop in zip(starts, ends + [rew.shape[0] - 1]):
            if start <= stop:
                out[start:stop + 1, n] = discounted_returns(rew[start:stop + 1, n], gamma)
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
            "reinforce_update": _UPDATE_HEAD + '''    T = batch.rew.shape[0]
    ret = torch.from_numpy(batched_returns(batch.rew, batch.dones, gamma)).float()
    if discount_weight:
        ret = ret * gamma ** torch.arange(T, dtype=torch.float32)[:, None]
    dist = torch.distributions.Categorical(logits=policy(torch.as_tensor(batch.obs).float()))
    logp = dist.log_prob(torch.as_tensor(batch.act).long()) * torch.as_tensor(batch.mask).float()
    loss = reinforce_loss(logp, ret)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss)
''',
            "concept_batching": 'ANSWER_batching = " b"\n',
            "concept_reward_to_go": 'ANSWER_reward_to_go = "C"\n',
        },
        why="matrix reward-to-go, per-episode segments, a list of steps, sum-then-mean, Categorical with the mask, "
            "float(loss), on which torch warns on stderr",
    ),
]
