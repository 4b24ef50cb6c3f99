"""Plausible wrong answers for notebook 06 (importance sampling) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. The four exercises are tested independently (no
test calls another exercise's function), so each mistake costs only its own TODO's two test cells.
Every mistake on a TODO's central point loses that TODO's visible point too, not only the hidden ones; every
mistake loses the hidden points on its own, including those that break a promise only the hidden tests
hold (issue 23): ratios of probabilities at log-probabilities where exp underflows (float32 and float64),
masking by multiplication with inf and nan on the padding.
"""

from . import WrongAnswer

_IW_HEAD = '''def importance_weights(logp_target, logp_behaviour):
    """rho = pi / beta."""
'''

_ESS_HEAD = '''def effective_sample_size(log_w):
    """(sum w)^2 / sum w^2."""
    log_w = np.asarray(log_w, dtype=float)
'''

_PD_HEAD = '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """rho_{0:t} on real steps, 0 on padding."""
    mask = np.asarray(mask, dtype=bool)
    log_ratio = np.where(mask, np.asarray(logp_target) - np.asarray(logp_behaviour), 0.0)
'''

_SUR_HEAD = '''def surrogate_loss(logp, logp_old, adv):
    """-mean(rho * A)."""
'''


def _zero(name: str) -> dict[str, float]:
    return {f"test_{name}": 0, f"test_{name}_hidden": 0}


WRONG_ANSWERS = [
    # ---- importance_weights
    WrongAnswer(
        name="iw-ratio-of-exps",
        answers={"importance_weights": _IW_HEAD + '''    return np.exp(logp_target) / np.exp(logp_behaviour)
'''},
        scores=_zero("importance_weights"),
        why="exp(log pi) / exp(log beta): both underflow to 0 for long trajectories, 0 / 0 = nan",
    ),
    WrongAnswer(
        name="iw-inverted",
        answers={"importance_weights": _IW_HEAD + '''    return np.exp(logp_behaviour - logp_target)
'''},
        scores=_zero("importance_weights"),
        why="beta / pi instead of pi / beta",
    ),
    WrongAnswer(
        name="iw-log-ratio-only",
        answers={"importance_weights": _IW_HEAD + '''    return logp_target - logp_behaviour
'''},
        scores=_zero("importance_weights"),
        why="returns the log of the weight, never takes the exp",
    ),
    WrongAnswer(
        name="iw-ratio-of-logs",
        answers={"importance_weights": _IW_HEAD + '''    return logp_target / logp_behaviour
'''},
        scores=_zero("importance_weights"),
        why="divides the log-probabilities as if they were probabilities",
    ),
    # ---- effective_sample_size
    WrongAnswer(
        name="ess-naive-exp",
        answers={"effective_sample_size": _ESS_HEAD + '''    w = np.exp(log_w)
    return float(w.sum() ** 2 / (w ** 2).sum())
'''},
        scores=_zero("effective_sample_size"),
        why="exponentiates the log-weights unshifted: exp(1000) = inf, inf / inf = nan",
    ),
    WrongAnswer(
        name="ess-inverted",
        answers={"effective_sample_size": _ESS_HEAD + '''    w = np.exp(log_w - log_w.max())
    return float((w ** 2).sum() / w.sum() ** 2)
'''},
        scores=_zero("effective_sample_size"),
        why="sum w^2 / (sum w)^2, the reciprocal",
    ),
    WrongAnswer(
        name="ess-as-fraction",
        answers={"effective_sample_size": _ESS_HEAD + '''    w = np.exp(log_w - log_w.max())
    return float(w.sum() ** 2 / (w ** 2).sum() / w.size)
'''},
        scores=_zero("effective_sample_size"),
        why="divides by N: the share of the samples, not their effective number",
    ),
    WrongAnswer(
        name="ess-unnormalised-inverse-sum-squares",
        answers={"effective_sample_size": _ESS_HEAD + '''    w = np.exp(log_w - log_w.max())
    return float(1.0 / (w ** 2).sum())
'''},
        scores=_zero("effective_sample_size"),
        why="1 / sum w^2 without normalising the weights to sum to 1 first",
    ),
    # ---- per_decision_weights
    WrongAnswer(
        name="pd-whole-trajectory-weight",
        answers={"per_decision_weights": _PD_HEAD + '''    total = np.exp(log_ratio.sum(axis=0, keepdims=True))
    return np.where(mask, total, 0.0)
'''},
        scores=_zero("per_decision_weights"),
        why="every step gets the whole episode's ratio: ordinary importance sampling, not per-decision",
    ),
    WrongAnswer(
        name="pd-excludes-own-ratio",
        answers={"per_decision_weights": _PD_HEAD + '''    before = np.cumsum(log_ratio, axis=0) - log_ratio
    return np.where(mask, np.exp(before), 0.0)
'''},
        scores=_zero("per_decision_weights"),
        why="rho_{0:t-1}: leaves out the ratio of the action a_t that earned r_t",
    ),
    WrongAnswer(
        name="pd-padding-kept",
        answers={"per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """rho_{0:t}, without the mask."""
    return np.exp(np.cumsum(np.asarray(logp_target) - np.asarray(logp_behaviour), axis=0))
'''},
        scores=_zero("per_decision_weights"),
        why="the padding is not set to 0 (and its junk log-probabilities enter the sums)",
    ),
    WrongAnswer(
        name="pd-product-of-probabilities",
        answers={"per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """cumulative products of probabilities, then their ratio."""
    mask = np.asarray(mask, dtype=bool)
    p = np.cumprod(np.where(mask, np.exp(logp_target), 1.0), axis=0)
    q = np.cumprod(np.where(mask, np.exp(logp_behaviour), 1.0), axis=0)
    return np.where(mask, p / q, 0.0)
'''},
        scores=_zero("per_decision_weights"),
        why="products of probabilities underflow on a long episode: 0 / 0 = nan",
    ),
    WrongAnswer(
        name="pd-product-of-step-probability-ratios",
        answers={"per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """the cumulative product of each step's ratio of probabilities."""
    mask = np.asarray(mask, dtype=bool)
    ratio = np.where(mask, np.exp(logp_target) / np.exp(logp_behaviour), 1.0)
    return np.where(mask, np.cumprod(ratio, axis=0), 0.0)
'''},
        scores={"test_per_decision_weights_hidden": 0},
        why="a product of per-step probability ratios: 0 / 0 = nan once one step's probabilities underflow",
    ),
    WrongAnswer(
        name="pd-mask-by-multiplying",
        answers={"per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """masked by multiplying with the mask."""
    mask = np.asarray(mask, dtype=float)
    log_ratio = (np.asarray(logp_target) - np.asarray(logp_behaviour)) * mask
    return np.exp(np.cumsum(log_ratio, axis=0)) * mask
'''},
        scores={"test_per_decision_weights_hidden": 0},
        why="masks by multiplying with 0: inf or nan on the padding gives 0 * nan = nan there",
    ),
    WrongAnswer(
        name="pd-cumsum-over-episodes",
        answers={"per_decision_weights": _PD_HEAD + '''    return np.where(mask, np.exp(np.cumsum(log_ratio, axis=1)), 0.0)
'''},
        scores=_zero("per_decision_weights"),
        why="accumulates along the batch axis N instead of the time axis T",
    ),
    # ---- surrogate_loss
    WrongAnswer(
        name="sur-reinforce-loss",
        answers={"surrogate_loss": _SUR_HEAD + '''    return -(logp * adv).mean()
'''},
        scores=_zero("surrogate_loss"),
        why="notebook 03's loss: the same gradient at theta_old, not the surrogate's value anywhere else",
    ),
    WrongAnswer(
        name="sur-not-detached",
        answers={"surrogate_loss": _SUR_HEAD + '''    return -(torch.exp(logp - logp_old) * adv).mean()
'''},
        scores=_zero("surrogate_loss"),
        why="logp_old carries a gradient: computed from the same network, the ratio is 1 and the gradient 0",
    ),
    WrongAnswer(
        name="sur-sign",
        answers={"surrogate_loss": _SUR_HEAD + '''    return (torch.exp(logp - logp_old.detach()) * adv).mean()
'''},
        scores=_zero("surrogate_loss"),
        why="returns the objective, not minus it: minimising it makes the policy worse",
    ),
    WrongAnswer(
        name="sur-inverted-ratio",
        answers={"surrogate_loss": _SUR_HEAD + '''    return -(torch.exp(logp_old.detach() - logp) * adv).mean()
'''},
        scores=_zero("surrogate_loss"),
        why="pi_old / pi instead of pi / pi_old",
    ),
    WrongAnswer(
        name="sur-ratio-of-probabilities",
        answers={"surrogate_loss": _SUR_HEAD + '''    ratio = logp.exp() / logp_old.detach().exp()
    return -torch.mean(ratio * adv)
'''},
        scores={"test_surrogate_loss_hidden": 0},
        why="a ratio of probabilities, not computed in log space: 0 / 0 = nan once the probabilities underflow",
    ),
    WrongAnswer(
        name="sur-detaches-logp",
        answers={"surrogate_loss": _SUR_HEAD + '''    return -(torch.exp(logp.detach() - logp_old) * adv).mean()
'''},
        scores=_zero("surrogate_loss"),
        why="detaches the wrong argument: the loss has the right value but no gradient",
    ),
    WrongAnswer(
        name="sur-sum",
        answers={"surrogate_loss": _SUR_HEAD + '''    return -(torch.exp(logp - logp_old.detach()) * adv).sum()
'''},
        scores=_zero("surrogate_loss"),
        why="a sum over the batch instead of the mean: the loss and the step grow with B",
    ),
    # ---- concept checks
    WrongAnswer(
        name="concept-wrong-letters",
        answers={"concept_log_space": 'ANSWER_log_space = "c"\n',
                 "concept_per_decision": 'ANSWER_per_decision = "a"\n',
                 "concept_ess": 'ANSWER_ess = "b"\n'},
        scores={"test_concept_log_space": 0, "test_concept_per_decision": 0, "test_concept_ess": 0},
        why="the misconceptions: the ratio overflows; later ratios are about 1; the ESS counts every sample once",
    ),
    WrongAnswer(
        name="concept-not-a-letter",
        answers={"concept_ess": "ANSWER_ess = 3.6\n"},
        scores={"test_concept_ess": 0},
        why="the number instead of the letter",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-torch-and-logsumexp",
        answers={
            "importance_weights": _IW_HEAD + '''    diff = torch.as_tensor(logp_target, dtype=torch.float64) - torch.as_tensor(logp_behaviour, dtype=torch.float64)
    return diff.exp().numpy()
''',
            "effective_sample_size": _ESS_HEAD + '''    t = torch.as_tensor(log_w, dtype=torch.float64)
    return torch.exp(2 * torch.logsumexp(t, 0) - torch.logsumexp(2 * t, 0)).item()
''',
            "per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """Cumulative products of the per-step ratios."""
    mask = np.asarray(mask, dtype=bool)
    ratio = np.where(mask, np.exp(np.asarray(logp_target) - np.asarray(logp_behaviour)), 1.0)
    return np.cumprod(ratio, axis=0) * mask
''',
            "surrogate_loss": _SUR_HEAD + '''    ratio = torch.expm1(logp - logp_old.detach()) + 1.0  # exp(x) = expm1(x) + 1, still in log space
    return -torch.mean(ratio * adv)
''',
        },
        why="torch for NumPy, log-sum-exp for the ESS, a product of per-step ratios each taken in log space "
            "(np.where keeps inf and nan on the padding out), expm1 for the surrogate's ratio",
    ),
    WrongAnswer(
        name="correct-loops-and-normalised-weights",
        answers={
            "importance_weights": _IW_HEAD + '''    lt, lb = np.asarray(logp_target, dtype=float), np.asarray(logp_behaviour, dtype=float)
    out = np.empty(lt.shape)
    for i in np.ndindex(lt.shape):
        out[i] = np.exp(lt[i] - lb[i])
    return out
''',
            "effective_sample_size": _ESS_HEAD + '''    w = np.exp(log_w - log_w.max())
    w = w / w.sum()  # normalised weights: ESS = 1 / sum of their squares
    return 1.0 / np.sum(w ** 2)
''',
            "per_decision_weights": '''def per_decision_weights(logp_target, logp_behaviour, mask):
    """A loop over time, in log space."""
    T, N = np.shape(mask)
    out = np.zeros((T, N))
    running = np.zeros(N)
    for t in range(T):
        running = running + np.where(mask[t], logp_target[t] - logp_behaviour[t], 0.0)
        out[t] = np.where(mask[t], np.exp(running), 0.0)
    return out
''',
            "surrogate_loss": _SUR_HEAD + '''    import warnings
    warnings.warn("a correct answer may print a warning")
    with torch.no_grad():
        old = logp_old.clone()
    return -(torch.exp(logp - old) * adv).sum() / adv.numel()
''',
        },
        why="Python loops, normalised weights for the ESS, no_grad instead of detach, a warning on stderr",
    ),
    WrongAnswer(
        name="correct-letters-upper-case",
        answers={"concept_log_space": 'ANSWER_log_space = "B"\n',
                 "concept_per_decision": 'ANSWER_per_decision = " d "\n',
                 "concept_ess": 'ANSWER_ess = "A"\n'},
        why="upper case and spaces around the letter",
    ),
]
