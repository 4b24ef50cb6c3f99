"""Plausible wrong answers for notebook 04 (baselines and advantages) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. ``baseline_update`` calls the student's own
``compute_advantages``, ``normalize_advantages``, ``categorical_entropy`` and ``value_loss``, so a
mistake there also costs the update's tests whenever it changes the update (listed per answer).
Every mistake on a TODO's central point loses that TODO's visible point too, not only the hidden ones; every
mistake loses the hidden points on its own (issue 23: each promise a docstring makes has a hidden case).
The docstrings promise finite values on padding and allow either standard deviation, so masking by
multiplication and torch's default (n - 1) std are correct alternatives here.
"""

from . import WrongAnswer

_BSTAR_HEAD = '''def best_constant_baseline(score, ret):
    """b* of equation (3)."""
'''

_ADV_HEAD = '''def compute_advantages(ret, val, mask):
    """A_t = G_t - V(s_t)."""
'''

_NORM_HEAD = '''def normalize_advantages(adv, mask, eps=1e-8):
    """Standardised advantages."""
    real = adv[mask]
'''

_ENT_HEAD = '''def categorical_entropy(logits):
    """Entropy of softmax(logits)."""
'''

_VLOSS_HEAD = '''def value_loss(val, ret, mask):
    """Mean squared error over real steps."""
'''

_UPDATE_HEAD = '''def baseline_update(policy, value_fn, optimizer, batch, gamma, normalize=True, ent_coef=0.01, vf_coef=0.5,
                    max_grad_norm=0.5):
    """One REINFORCE-with-baseline step."""
    mask = torch.as_tensor(batch.mask)
    ret = torch.as_tensor(batched_returns(batch.rew, batch.dones, gamma), dtype=torch.float32) * mask
    obs = torch.as_tensor(batch.obs, dtype=torch.float32)
    logits = policy(obs)
    val = value_fn(obs).squeeze(-1)
'''

_ADV = '''    adv = compute_advantages(ret, val, mask)
    if normalize:
        adv = normalize_advantages(adv, mask)
'''

_LOSSES = '''    policy_loss = reinforce_loss(action_log_probs(logits, batch.act), adv)
    entropy = categorical_entropy(logits)[mask].mean()
    v_loss = value_loss(val, ret, mask)
'''

_LOSS = '''    loss = policy_loss + vf_coef * v_loss - ent_coef * entropy
'''

_PARAMS = '''    params = list(policy.parameters()) + list(value_fn.parameters())
    norm_limit = float("inf") if max_grad_norm is None else max_grad_norm
'''

_BACKWARD_CLIP_STEP = '''    optimizer.zero_grad()
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(params, norm_limit)
    optimizer.step()
'''

_RETURN = '''    return {"policy_loss": policy_loss.item(), "value_loss": v_loss.item(), "entropy": entropy.item(),
            "grad_norm": float(grad_norm)}
'''


def _update(adv=_ADV, losses=_LOSSES, loss=_LOSS, params=_PARAMS, step=_BACKWARD_CLIP_STEP) -> str:
    return _UPDATE_HEAD + adv + losses + loss + params + step + _RETURN


_ALL_UPDATE = {"test_baseline_update": 0, "test_baseline_update_hidden": 0}

_ALL_BSTAR = {"test_best_constant_baseline": 0, "test_best_constant_baseline_hidden": 0}

WRONG_ANSWERS = [
    WrongAnswer(
        name="bstar-plain-mean",
        answers={"best_constant_baseline": _BSTAR_HEAD + '''    return float(np.mean(ret))
'''},
        scores=_ALL_BSTAR,
        why="the plain mean of the returns, not weighted by the squared length of the score",
    ),
    WrongAnswer(
        name="bstar-norm-not-squared",
        answers={"best_constant_baseline": _BSTAR_HEAD + '''    w = np.linalg.norm(score, axis=1)
    return float((w * ret).sum() / w.sum())
'''},
        scores=_ALL_BSTAR,
        why="weights by the length of the score instead of its square",
    ),
    WrongAnswer(
        name="bstar-divides-by-n",
        answers={"best_constant_baseline": _BSTAR_HEAD + '''    sq = (score ** 2).sum(axis=1)
    return float((sq * ret).mean())
'''},
        scores=_ALL_BSTAR,
        why="E[||g||^2 G] without dividing by E[||g||^2]",
    ),
    WrongAnswer(
        name="adv-sign",
        answers={"compute_advantages": _ADV_HEAD + '''    return torch.where(mask, val.detach() - ret, torch.zeros_like(ret))
'''},
        scores={"test_compute_advantages": 0, "test_compute_advantages_hidden": 0, **_ALL_UPDATE},
        why="V - G instead of G - V: every action is pushed the wrong way",
    ),
    WrongAnswer(
        name="adv-not-detached",
        answers={"compute_advantages": _ADV_HEAD + '''    return torch.where(mask, ret - val, torch.zeros_like(ret))
'''},
        scores={"test_compute_advantages": 0, "test_compute_advantages_hidden": 0, **_ALL_UPDATE},
        why="the advantage carries V's gradient, so the policy loss trains the value network",
    ),
    WrongAnswer(
        name="adv-padding-kept",
        answers={"compute_advantages": _ADV_HEAD + '''    return (ret - val).detach()
'''},
        # normalize_advantages zeroes the padding again, so only the hidden update's normalize=False case sees it
        scores={"test_compute_advantages": 0, "test_compute_advantages_hidden": 0, "test_baseline_update_hidden": 0},
        why="padding not masked: V is not 0 there, so padded steps get advantages",
    ),
    WrongAnswer(
        name="norm-no-eps",
        answers={"normalize_advantages": _NORM_HEAD + '''    return torch.where(mask, (adv - real.mean()) / real.std(), torch.zeros_like(adv))
'''},
        # the update's visible test has a batch whose advantages are all equal (0/0 = nan)
        scores={"test_normalize_advantages": 0, "test_normalize_advantages_hidden": 0, "test_baseline_update": 0},
        why="divides by a std that is 0 when every advantage is equal: nan",
    ),
    WrongAnswer(
        name="norm-padding-in-stats",
        answers={"normalize_advantages": _NORM_HEAD + '''    return torch.where(mask, (adv - adv.mean()) / (adv.std() + eps), torch.zeros_like(adv))
'''},
        scores={"test_normalize_advantages": 0, "test_normalize_advantages_hidden": 0, **_ALL_UPDATE},
        why="mean and std over the whole (T, N) array, padding zeros included",
    ),
    WrongAnswer(
        name="norm-not-centred",
        answers={"normalize_advantages": _NORM_HEAD + '''    return torch.where(mask, adv / (real.std() + eps), torch.zeros_like(adv))
'''},
        scores={"test_normalize_advantages": 0, "test_normalize_advantages_hidden": 0, **_ALL_UPDATE},
        why="divides by the std but never subtracts the mean",
    ),
    WrongAnswer(
        name="entropy-log-of-softmax",
        answers={"categorical_entropy": _ENT_HEAD + '''    p = torch.softmax(logits, dim=-1)
    return -(p * torch.log(p)).sum(dim=-1)
'''},
        scores={"test_categorical_entropy": 0, "test_categorical_entropy_hidden": 0},
        why="log of the softmax: 0 * log 0 = nan for a confident policy",
    ),
    WrongAnswer(
        name="entropy-xlogy-of-softmax",
        answers={"categorical_entropy": _ENT_HEAD + '''    p = torch.softmax(logits, dim=-1)
    return -torch.xlogy(p, p).sum(dim=-1)
'''},
        scores={"test_categorical_entropy": 0, "test_categorical_entropy_hidden": 0},
        why="xlogy(p, p) of the softmax: the value is finite (0 log 0 = 0), but its gradient is 0 * inf = nan "
            "where a probability underflows",
    ),
    WrongAnswer(
        name="entropy-sign",
        answers={"categorical_entropy": _ENT_HEAD + '''    logp = torch.log_softmax(logits, dim=-1)
    return (logp.exp() * logp).sum(dim=-1)
'''},
        scores={"test_categorical_entropy": 0, "test_categorical_entropy_hidden": 0, **_ALL_UPDATE},
        why="missing minus sign: the entropy comes out negative",
    ),
    WrongAnswer(
        name="entropy-wrong-axis",
        answers={"categorical_entropy": _ENT_HEAD + '''    logp = torch.log_softmax(logits, dim=-1)
    return -(logp.exp() * logp).sum(dim=0)
'''},
        scores={"test_categorical_entropy": 0, "test_categorical_entropy_hidden": 0, **_ALL_UPDATE},
        why="sums over the batch axis instead of the actions",
    ),
    WrongAnswer(
        name="vloss-mse-with-padding",
        answers={"value_loss": _VLOSS_HEAD + '''    return torch.nn.functional.mse_loss(val, ret)
'''},
        scores={"test_value_loss": 0, "test_value_loss_hidden": 0, **_ALL_UPDATE},
        why="F.mse_loss over all T * N entries: the padding, where V is not 0, enters the loss",
    ),
    WrongAnswer(
        name="vloss-sum",
        answers={"value_loss": _VLOSS_HEAD + '''    return ((val - ret)[mask] ** 2).sum()
'''},
        scores={"test_value_loss": 0, "test_value_loss_hidden": 0, **_ALL_UPDATE},
        why="sum instead of mean: the value loss grows with the batch",
    ),
    WrongAnswer(
        name="vloss-val-detached",
        answers={"value_loss": _VLOSS_HEAD + '''    return ((val.detach() - ret)[mask] ** 2).mean()
'''},
        scores={"test_value_loss": 0, "test_value_loss_hidden": 0, **_ALL_UPDATE},
        why="detaches V: the right number, but no gradient reaches the value network, which never learns",
    ),
    WrongAnswer(
        name="vloss-half",
        answers={"value_loss": _VLOSS_HEAD + '''    return 0.5 * ((val - ret)[mask] ** 2).mean()
'''},
        scores={"test_value_loss": 0, "test_value_loss_hidden": 0, **_ALL_UPDATE},
        why="a factor 1/2 the docstring does not ask for",
    ),
    WrongAnswer(
        name="update-adv-not-detached",
        answers={"baseline_update": _update(adv='''    adv = torch.where(mask, ret - val, torch.zeros_like(ret))
    if normalize:
        real = adv[mask]
        adv = torch.where(mask, (adv - real.mean()) / (real.std(unbiased=False) + 1e-8), torch.zeros_like(adv))
''')},
        scores=_ALL_UPDATE,
        why="advantage computed inline without detach: the policy loss trains V",
    ),
    WrongAnswer(
        name="update-no-zero-grad",
        answers={"baseline_update": _update(step='''    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(params, norm_limit)
    optimizer.step()
''')},
        scores=_ALL_UPDATE,
        why="never calls zero_grad: gradients pile up from one update to the next",
    ),
    WrongAnswer(
        name="update-clip-after-step",
        answers={"baseline_update": _update(step='''    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    grad_norm = torch.nn.utils.clip_grad_norm_(params, norm_limit)
''')},
        scores=_ALL_UPDATE,
        why="clips after the step has already used the gradient",
    ),
    WrongAnswer(
        name="update-clip-each-network",
        answers={"baseline_update": _update(step='''    optimizer.zero_grad()
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(list(policy.parameters()), norm_limit)
    torch.nn.utils.clip_grad_norm_(list(value_fn.parameters()), norm_limit)
    optimizer.step()
''')},
        scores=_ALL_UPDATE,
        why="clips each network separately instead of the global norm of both",
    ),
    WrongAnswer(
        name="update-no-clipping",
        answers={"baseline_update": _update(step='''    optimizer.zero_grad()
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(params, float("inf"))
    optimizer.step()
''')},
        scores=_ALL_UPDATE,
        why="ignores max_grad_norm: measures the norm but never clips",
    ),
    WrongAnswer(
        name="update-entropy-penalty",
        answers={"baseline_update": _update(loss='''    loss = policy_loss + vf_coef * v_loss + ent_coef * entropy
''')},
        scores=_ALL_UPDATE,
        why="adds the entropy to the loss: a penalty that drives the policy to be deterministic",
    ),
    WrongAnswer(
        name="update-ignores-normalize",
        answers={"baseline_update": _update(adv='''    adv = compute_advantages(ret, val, mask)
''')},
        scores=_ALL_UPDATE,
        why="never normalises the advantages",
    ),
    WrongAnswer(
        name="update-entropy-over-padding",
        answers={"baseline_update": _update(losses='''    policy_loss = reinforce_loss(action_log_probs(logits, batch.act), adv)
    entropy = categorical_entropy(logits).mean()
    v_loss = value_loss(val, ret, mask)
''')},
        scores=_ALL_UPDATE,
        why="the entropy bonus averages over the padding too",
    ),
    WrongAnswer(
        name="update-mean-over-steps",
        answers={"baseline_update": _update(losses='''    policy_loss = -(action_log_probs(logits, batch.act) * adv)[mask].mean()
    entropy = categorical_entropy(logits)[mask].mean()
    v_loss = value_loss(val, ret, mask)
''')},
        scores=_ALL_UPDATE,
        why="policy loss averaged over steps instead of notebook 03's division by the number of episodes",
    ),
    WrongAnswer(
        name="update-returns-tensors",
        answers={"baseline_update": _update().replace('''    return {"policy_loss": policy_loss.item(), "value_loss": v_loss.item(), "entropy": entropy.item(),
            "grad_norm": float(grad_norm)}
''', '''    return {"policy_loss": policy_loss, "value_loss": v_loss, "entropy": entropy, "grad_norm": grad_norm}
''')},
        scores=_ALL_UPDATE,
        why="returns tensors (with their graphs) instead of the dict of floats the docstring asks for",
    ),
    WrongAnswer(
        name="concept-wrong-letters",
        answers={"concept_baseline_bias": 'ANSWER_baseline_bias = "c"\n',
                 "concept_advantage": 'ANSWER_advantage = "a"\n',
                 "concept_stabilise": 'ANSWER_stabilise = "c"\n'},
        scores={"test_concept_baseline_bias": 0, "test_concept_advantage": 0, "test_concept_stabilise": 0},
        why="the misconceptions: a baseline that is not exact biases; A = Q(right) - Q(left); more episodes per update",
    ),
    WrongAnswer(
        name="concept-not-a-letter",
        answers={"concept_advantage": "ANSWER_advantage = 3\n"},
        scores={"test_concept_advantage": 0},
        why="the worked-out number instead of the letter of its option",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-multiply-and-no-grad",
        answers={
            "best_constant_baseline": _BSTAR_HEAD + '''    return np.average(ret, weights=np.linalg.norm(score, axis=1) ** 2)
''',
            "compute_advantages": _ADV_HEAD + '''    with torch.no_grad():
        return (ret - val) * mask
''',
            "normalize_advantages": _NORM_HEAD + '''    centred = adv - real.mean()
    return torch.where(mask, centred / torch.sqrt(real.var() + eps), torch.zeros_like(adv))
''',
            "categorical_entropy": _ENT_HEAD + '''    return torch.distributions.Categorical(logits=logits).entropy()
''',
            "value_loss": _VLOSS_HEAD + '''    return torch.nn.functional.mse_loss(val[mask], ret[mask])
''',
        },
        why="mask by multiplication, no_grad instead of detach, unbiased std inside a sqrt, "
            "torch.distributions, F.mse_loss on the real steps",
    ),
    WrongAnswer(
        name="correct-loops-and-logsumexp",
        answers={
            "best_constant_baseline": _BSTAR_HEAD + '''    num, den = 0.0, 0.0
    for g, G in zip(score, ret):
        w = sum(x * x for x in g)
        num += w * G
        den += w
    return num / den
''',
            "compute_advantages": _ADV_HEAD + '''    adv = torch.zeros_like(ret)
    for t in range(ret.shape[0]):
        for n in range(ret.shape[1]):
            if mask[t, n]:
                adv[t, n] = ret[t, n] - val[t, n].item()
    return adv
''',
            "categorical_entropy": _ENT_HEAD + '''    logp = logits - torch.logsumexp(logits, dim=-1, keepdim=True)
    return -(torch.softmax(logits, dim=-1) * logp).sum(dim=-1)
''',
            "value_loss": _VLOSS_HEAD + '''    total, count = 0.0, 0
    for t in range(val.shape[0]):
        for n in range(val.shape[1]):
            if mask[t, n]:
                total = total + (val[t, n] - ret[t, n]) ** 2
                count += 1
    return total / count
''',
        },
        why="Python loops over the batch, a hand-written log-softmax",
    ),
    WrongAnswer(
        name="correct-update-distributions-and-warning",
        answers={"baseline_update": _update(losses='''    import warnings
    warnings.warn("a correct answer may print a warning")
    dist = torch.distributions.Categorical(logits=logits)
    logp = dist.log_prob(torch.as_tensor(batch.act)) * mask
    policy_loss = -(logp * adv).sum() / logp.shape[1]
    entropy = (categorical_entropy(logits) * mask).sum() / mask.sum()
    v_loss = value_loss(val, ret, mask)
''', params='''    params = [*policy.parameters(), *value_fn.parameters()]
    norm_limit = max_grad_norm if max_grad_norm is not None else float("inf")
''')},
        why="torch.distributions for log pi, masked sums, a warning on stderr",
    ),
    WrongAnswer(
        name="correct-torch-default-std-and-zero-padding",
        answers={
            "compute_advantages": _ADV_HEAD + '''    return ret - val.detach() * mask  # ret is 0 on padding (the docstring), so this is 0 there
''',
            "normalize_advantages": _NORM_HEAD + '''    return (adv - real.mean()) / (real.std() + eps) * mask  # torch's default std divides by n - 1
''',
            "categorical_entropy": _ENT_HEAD + '''    return -(torch.softmax(logits, dim=-1) * torch.log_softmax(logits, dim=-1)).sum(dim=-1)
''',
            "value_loss": _VLOSS_HEAD + '''    return (((val - ret) * mask) ** 2).sum() / mask.sum()
''',
        },
        why="torch's default (n - 1) std, masking by multiplication (the docstrings promise finite values on padding), "
            "ret's zero padding relied on, softmax times log_softmax",
    ),
    WrongAnswer(
        name="correct-bstar-torch",
        answers={"best_constant_baseline": _BSTAR_HEAD + '''    g = torch.as_tensor(score, dtype=torch.float64)
    w = (g ** 2).sum(dim=-1)
    return (w * torch.as_tensor(ret, dtype=torch.float64)).sum() / w.sum()
'''},
        why="torch where NumPy is asked; a 0-d tensor instead of a float",
    ),
    WrongAnswer(
        name="correct-letters-upper-case",
        answers={"concept_baseline_bias": 'ANSWER_baseline_bias = "A"\n',
                 "concept_advantage": 'ANSWER_advantage = " d "\n',
                 "concept_stabilise": 'ANSWER_stabilise = "B"\n'},
        why="upper case and spaces around the letter",
    ),
]
