"""Plausible wrong answers for notebook 08 (PPO and GAE) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. The three TODOs are independent (the notebook's PPO
loop uses them, but only in cells that are not tests), so a mistake costs only its own TODO's tests.
Every mistake on a TODO's central point loses that TODO's visible point too, not only the hidden ones.
"""

from . import WrongAnswer

_GAE_HEAD = '''def gae(rew, val, next_val, terminated, truncated, gamma, lam):
    """GAE(lambda) over a (T, N) batch."""
    rew, val, next_val = (np.asarray(x, dtype=np.float64) for x in (rew, val, next_val))
    terminated, truncated = np.asarray(terminated, dtype=bool), np.asarray(truncated, dtype=bool)
'''


def _gae(delta: str, keep: str, loop: str = '''    adv = np.zeros_like(delta)
    running = np.zeros(delta.shape[1])
    for t in reversed(range(delta.shape[0])):
        running = delta[t] + keep[t] * running
        adv[t] = running
    return adv
''') -> str:
    return _GAE_HEAD + f"    delta = {delta}\n    keep = {keep}\n" + loop


_DELTA = "rew + gamma * np.where(terminated, 0.0, next_val) - val"
_KEEP = "gamma * lam * ~(terminated | truncated)"

_CLIP_HEAD = '''def clipped_surrogate_loss(logp, logp_old, adv, clip_coef):
    """Minus the clipped surrogate."""
'''
_PROB_RATIO = "    ratio = torch.exp(logp) / torch.exp(logp_old)\n"
_RATIO = "    ratio = torch.exp(logp - logp_old)\n    clipped = torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)\n"

_KL_HEAD = '''def approx_kl(logp, logp_old):
    """k3 estimate of KL(old || new)."""
'''

_GAE = {"test_gae": 0, "test_gae_hidden": 0}
_CLIP = {"test_clipped_surrogate_loss": 0, "test_clipped_surrogate_loss_hidden": 0}
_KL = {"test_approx_kl": 0, "test_approx_kl_hidden": 0}

WRONG_ANSWERS = [
    WrongAnswer(
        name="gae-truncation-as-termination",
        answers={"gae": _gae("rew + gamma * np.where(terminated | truncated, 0.0, next_val) - val", _KEEP)},
        scores=_GAE,
        why="after a time-limit truncation the future is taken as 0 instead of V(final observation)",
    ),
    WrongAnswer(
        name="gae-trace-crosses-truncation",
        answers={"gae": _gae(_DELTA, "gamma * lam * ~terminated")},
        scores=_GAE,
        why="the trace stops only at terminations: the next episode's advantage leaks into a truncated one",
    ),
    WrongAnswer(
        name="gae-bootstrap-after-termination",
        answers={"gae": _gae("rew + gamma * next_val - val", _KEEP)},
        scores=_GAE,
        why="V(s_{t+1}) bootstrapped after a termination, where the future is worth 0",
    ),
    WrongAnswer(
        name="gae-no-lambda",
        answers={"gae": _gae(_DELTA, "gamma * ~(terminated | truncated)")},
        scores=_GAE,
        why="the trace decays by gamma only: lambda forgotten (always the Monte Carlo advantage)",
    ),
    WrongAnswer(
        name="gae-td-only",
        answers={"gae": _GAE_HEAD + f"    return {_DELTA}\n"},
        scores=_GAE,
        why="returns the one-step TD errors: GAE with lambda = 0 whatever lambda is",
    ),
    WrongAnswer(
        name="gae-forward-loop",
        answers={"gae": _gae(_DELTA, _KEEP, loop='''    adv = np.zeros_like(delta)
    running = np.zeros(delta.shape[1])
    for t in range(delta.shape[0]):
        running = delta[t] + keep[t] * running
        adv[t] = running
    return adv
''')},
        scores=_GAE,
        why="the recursion runs forwards in time: A_t accumulates the past TD errors, not the future ones",
    ),
    WrongAnswer(
        name="clip-max",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + _RATIO + "    return -torch.max(ratio * adv, clipped * adv).mean()\n"},
        scores=_CLIP,
        why="the max of the two terms: an optimistic bound that rewards moving far",
    ),
    WrongAnswer(
        name="clip-without-min",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + _RATIO + "    return -(clipped * adv).mean()\n"},
        scores=_CLIP,
        why="the clipped term alone: a sample whose ratio moved the wrong way is no longer pulled back",
    ),
    WrongAnswer(
        name="clip-objective-not-loss",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + _RATIO + "    return torch.min(ratio * adv, clipped * adv).mean()\n"},
        scores=_CLIP,
        why="returns the objective: minimising it pushes every good action down",
    ),
    WrongAnswer(
        name="clip-ratio-of-logs",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + '''    ratio = logp / logp_old
    clipped = torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)
    return -torch.min(ratio * adv, clipped * adv).mean()
'''},
        scores=_CLIP,
        why="divides the log-probabilities instead of exponentiating their difference",
    ),
    WrongAnswer(
        name="clip-sum",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + _RATIO + "    return -torch.min(ratio * adv, clipped * adv).sum()\n"},
        scores=_CLIP,
        why="sums over the minibatch: the step size then grows with the minibatch size",
    ),
    WrongAnswer(
        name="clip-ratio-detached",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + '''    ratio = torch.exp(logp - logp_old).detach()
    clipped = torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)
    return -torch.min(ratio * adv, clipped * adv).mean()
'''},
        scores=_CLIP,
        why="the ratio is detached: the right value, but no gradient reaches the policy",
    ),
    WrongAnswer(
        name="kl-k1",
        answers={"approx_kl": _KL_HEAD + "    return (logp_old - logp).mean()\n"},
        scores=_KL,
        why="k1 = -log r: unbiased but negative whenever the new policy made the samples likelier",
    ),
    WrongAnswer(
        name="kl-ratio-upside-down",
        answers={"approx_kl": _KL_HEAD + '''    log_ratio = logp_old - logp
    return (torch.exp(log_ratio) - 1.0 - log_ratio).mean()
'''},
        scores=_KL,
        why="r = pi_old / pi_theta: not an estimate of KL(pi_old || pi_theta) under samples of pi_old",
    ),
    WrongAnswer(
        name="kl-k2",
        answers={"approx_kl": _KL_HEAD + "    return (0.5 * (logp - logp_old) ** 2).mean()\n"},
        scores=_KL,
        why="k2 = (log r)^2 / 2: low variance but biased",
    ),
    WrongAnswer(
        name="kl-abs-log-ratio",
        answers={"approx_kl": _KL_HEAD + "    return (logp - logp_old).abs().mean()\n"},
        scores=_KL,
        why="|log r| forced non-negative: no longer unbiased",
    ),
    WrongAnswer(
        name="kl-sum",
        answers={"approx_kl": _KL_HEAD + '''    log_ratio = logp - logp_old
    return (torch.exp(log_ratio) - 1.0 - log_ratio).sum()
'''},
        scores=_KL,
        why="sums instead of averaging over the samples",
    ),
    WrongAnswer(
        name="clip-ratio-of-probabilities",
        answers={"clipped_surrogate_loss": _CLIP_HEAD + _PROB_RATIO
                 + "    clipped = torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)\n"
                 + "    return -torch.min(ratio * adv, clipped * adv).mean()\n"},
        scores={"test_clipped_surrogate_loss_hidden": 0},
        why="the ratio as a quotient of probabilities, not in log space (issue 23): right on moderate inputs, "
            "0 / 0 once exp underflows (log-probabilities near -800 in float64, -120 in float32)",
    ),
    WrongAnswer(
        name="kl-ratio-of-probabilities",
        answers={"approx_kl": _KL_HEAD + _PROB_RATIO + "    return ((ratio - 1) - torch.log(ratio)).mean()\n"},
        scores={"test_approx_kl_hidden": 0},
        why="the ratio as a quotient of probabilities, not in log space (issue 23): nan once exp underflows",
    ),
    WrongAnswer(
        name="concept-wrong-letters",
        answers={"concept_clip": 'ANSWER_clip = "c"\n',
                 "concept_lambda": 'ANSWER_lambda = "c"\n',
                 "concept_truncation": 'ANSWER_truncation = "a"\n'},
        scores={"test_concept_clip": 0, "test_concept_lambda": 0, "test_concept_truncation": 0},
        why="the misconceptions: the clip caps the push instead of removing it; lambda = 0 as the unbiased one; "
            "the time limit as part of the task",
    ),
    WrongAnswer(
        name="concept-not-a-letter",
        answers={"concept_lambda": "ANSWER_lambda = 1.5\n"},
        scores={"test_concept_lambda": 0},
        why="the worked-out number instead of the letter of its option",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-loops-where-and-expm1",
        answers={
            "gae": '''def gae(rew, val, next_val, terminated, truncated, gamma, lam):
    """GAE with Python loops over the columns and the steps."""
    T, N = np.shape(rew)
    adv = np.zeros((T, N))
    for n in range(N):
        later = 0.0
        for t in range(T - 1, -1, -1):
            future = 0.0 if terminated[t][n] else float(next_val[t][n])
            delta = float(rew[t][n]) + gamma * future - float(val[t][n])
            if terminated[t][n] or truncated[t][n]:
                later = 0.0
            later = delta + gamma * lam * later
            adv[t, n] = later
    return adv
''',
            "clipped_surrogate_loss": _CLIP_HEAD + '''    ratio = (logp - logp_old).exp()
    upper = torch.minimum(ratio, torch.tensor(1.0 + clip_coef, dtype=ratio.dtype)) * adv
    lower = torch.maximum(ratio, torch.tensor(1.0 - clip_coef, dtype=ratio.dtype)) * adv
    return -torch.where(adv >= 0, upper, lower).mean()
''',
            "approx_kl": _KL_HEAD + '''    log_ratio = logp - logp_old
    return torch.mean(torch.expm1(log_ratio) - log_ratio)
''',
        },
        why="loops over columns and steps; the clipped objective split by the advantage's sign; expm1",
    ),
    WrongAnswer(
        name="correct-torch-sums-and-prob-ratio",
        answers={
            "gae": '''def gae(rew, val, next_val, terminated, truncated, gamma, lam):
    """GAE in torch, as the sum over l of (gamma lam)^l delta_{t+l} within each episode."""
    import warnings
    warnings.warn("a correct answer may print a warning")
    rew, val, next_val = (torch.as_tensor(np.asarray(x, dtype=np.float64)) for x in (rew, val, next_val))
    term = torch.as_tensor(np.asarray(terminated, dtype=bool))
    done = term | torch.as_tensor(np.asarray(truncated, dtype=bool))
    delta = rew + gamma * next_val * (~term) - val
    T = delta.shape[0]
    adv = torch.zeros_like(delta)
    for t in range(T):
        weight = torch.ones(delta.shape[1], dtype=delta.dtype)
        for k in range(t, T):
            adv[t] += weight * delta[k]
            weight = weight * gamma * lam * (~done[k])
    return adv.numpy()
''',
            "clipped_surrogate_loss": _CLIP_HEAD + '''    import math
    log_ratio = logp - logp_old
    log_clipped = torch.clamp(log_ratio, math.log(1 - clip_coef), math.log(1 + clip_coef))
    return -torch.mean(torch.min(log_ratio.exp() * adv, log_clipped.exp() * adv))
''',
            "approx_kl": _KL_HEAD + '''    log_ratio = logp - logp_old
    return torch.mean(log_ratio.exp() - 1 - log_ratio)
''',
        },
        why="torch and the O(T^2) sum of discounted TD errors, next_val times (1 - terminated), a warning on stderr; "
            "the ratio clipped in log space",
    ),
    WrongAnswer(
        name="correct-letters-upper-case",
        answers={"concept_clip": 'ANSWER_clip = "D"\n',
                 "concept_lambda": 'ANSWER_lambda = " a "\n',
                 "concept_truncation": 'ANSWER_truncation = "B"\n'},
        why="upper case and spaces around the letter",
    ),
]
