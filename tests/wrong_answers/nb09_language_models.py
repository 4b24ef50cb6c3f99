"""Plausible wrong answers for notebook 09 (policy gradients for language models) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. No test cell of notebook 09 calls another TODO's
function, so each mistake costs only its own TODO's tests; every mistake on a TODO's central point
loses that TODO's visible point too.
"""

from . import WrongAnswer

_LOGP = '''def completion_log_probs(logits, tokens, mask):
    """Log-probability of each completion."""
'''
_RF = '''def sequence_reinforce_loss(seq_logp, adv):
    """REINFORCE loss, one weight per sequence."""
'''
_RLOO = '''def rloo_advantages(rew):
    """Leave-one-out advantages."""
'''
_GRPO = '''def group_advantages(rew, scale_by_std=True, eps=1e-6):
    """Group-normalised advantages."""
'''
_AGG = '''def aggregate_loss(token_loss, mask, mode):
    """Average a per-token loss."""
'''
_CLIP = '''def clipped_token_loss(logp, logp_old, adv, clip_eps=0.2):
    """Per-token clipped surrogate loss."""
'''
_K3 = '''def k3_kl(logp, logp_ref, mask):
    """Per-token k3 estimate of the KL."""
'''


def _both(test: str) -> dict[str, float]:
    return {f"test_{test}": 0, f"test_{test}_hidden": 0}


def _concept(topic: str, letter: str) -> WrongAnswer:
    return WrongAnswer(
        name=f"concept-{topic.replace('_', '-')}",
        answers={f"concept_{topic}": f'ANSWER_{topic} = "{letter}"\n'},
        scores={f"test_concept_{topic}": 0},
        why="a wrong letter",
    )


WRONG_ANSWERS = [
    WrongAnswer(
        name="logp-no-mask",
        answers={"completion_log_probs": _LOGP + '''    logp = torch.log_softmax(logits, dim=-1).gather(-1, tokens[..., None])[..., 0]
    return logp.sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="the padding after EOS enters the sum",
    ),
    WrongAnswer(
        name="logp-mean",
        answers={"completion_log_probs": _LOGP + '''    logp = torch.log_softmax(logits, dim=-1).gather(-1, tokens[..., None])[..., 0]
    return (logp * mask).sum(dim=-1) / mask.sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="the mean over tokens, not the sum: not the log-probability of the sequence",
    ),
    WrongAnswer(
        name="logp-raw-logits",
        answers={"completion_log_probs": _LOGP + '''    return (logits.gather(-1, tokens[..., None])[..., 0] * mask).sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="sums the raw logits, without log_softmax",
    ),
    WrongAnswer(
        name="reinforce-sign",
        answers={"sequence_reinforce_loss": _RF + '''    return (seq_logp * adv.detach()).mean()
'''},
        scores=_both("sequence_reinforce_loss"),
        why="the objective, not minus it: gradient descent then lowers the reward",
    ),
    WrongAnswer(
        name="reinforce-sum",
        answers={"sequence_reinforce_loss": _RF + '''    return -(seq_logp * adv.detach()).sum()
'''},
        scores=_both("sequence_reinforce_loss"),
        why="the sum over sequences, not the mean: the step grows with the batch",
    ),
    WrongAnswer(
        name="reinforce-no-detach",
        answers={"sequence_reinforce_loss": _RF + '''    return -(seq_logp * adv).mean()
'''},
        scores={"test_sequence_reinforce_loss": 0},
        why="the advantages carry a gradient (only the visible test hands in advantages that require one)",
    ),
    WrongAnswer(
        name="rloo-mean-of-all",
        answers={"rloo_advantages": _RLOO + '''    return rew - rew.mean(dim=1, keepdim=True)
'''},
        scores=_both("rloo_advantages"),
        why="keeps sample i in its own baseline: not leave-one-out",
    ),
    WrongAnswer(
        name="rloo-whole-batch",
        answers={"rloo_advantages": _RLOO + '''    return rew - (rew.sum() - rew) / (rew.numel() - 1)
'''},
        scores=_both("rloo_advantages"),
        why="leaves one out of the whole batch, mixing the prompts",
    ),
    WrongAnswer(
        name="rloo-divide-by-k",
        answers={"rloo_advantages": _RLOO + '''    return rew - (rew.sum(dim=1, keepdim=True) - rew) / rew.shape[1]
'''},
        scores=_both("rloo_advantages"),
        why="averages the other k - 1 rewards over k",
    ),
    WrongAnswer(
        name="grpo-ignores-switch",
        answers={"group_advantages": _GRPO + '''    return (rew - rew.mean(dim=1, keepdim=True)) / (rew.std(dim=1, unbiased=False, keepdim=True) + eps)
'''},
        scores=_both("group_advantages"),
        why="always divides by the std, whatever scale_by_std says",
    ),
    WrongAnswer(
        name="grpo-no-eps",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean(dim=1, keepdim=True)
    if scale_by_std:
        adv = adv / rew.std(dim=1, unbiased=False, keepdim=True)
    return adv
'''},
        scores=_both("group_advantages"),
        why="a group of equal rewards gives 0/0 = nan",
    ),
    WrongAnswer(
        name="grpo-batch-std",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean(dim=1, keepdim=True)
    if scale_by_std:
        adv = adv / (rew.std(unbiased=False) + eps)
    return adv
'''},
        scores=_both("group_advantages"),
        why="divides by the whole batch's std, not each group's",
    ),
    WrongAnswer(
        name="grpo-batch-mean",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean()
    if scale_by_std:
        adv = adv / (rew.std(dim=1, unbiased=False, keepdim=True) + eps)
    return adv
'''},
        scores=_both("group_advantages"),
        why="subtracts the whole batch's mean, not each group's",
    ),
    WrongAnswer(
        name="agg-no-mask",
        answers={"aggregate_loss": _AGG + '''    if mode == "sequence":
        return token_loss.mean(dim=1).mean()
    if mode == "token":
        return token_loss.mean()
    return token_loss.sum() / token_loss.numel()
'''},
        scores=_both("aggregate_loss"),
        why="the padding enters every average",
    ),
    WrongAnswer(
        name="agg-sequence-is-token",
        answers={"aggregate_loss": _AGG + '''    masked = token_loss * mask
    if mode in ("sequence", "token"):
        return masked.sum() / mask.sum()
    return masked.sum() / mask.numel()
'''},
        scores=_both("aggregate_loss"),
        why='"sequence" averages over all tokens of the batch, not each sequence first',
    ),
    WrongAnswer(
        name="agg-constant-over-n",
        answers={"aggregate_loss": _AGG + '''    masked = token_loss * mask
    if mode == "sequence":
        return (masked.sum(dim=1) / mask.sum(dim=1)).mean()
    if mode == "token":
        return masked.sum() / mask.sum()
    return masked.sum() / mask.shape[0]
'''},
        scores=_both("aggregate_loss"),
        why='"constant" divides by N, not N * T',
    ),
    WrongAnswer(
        name="clip-no-min",
        answers={"clipped_token_loss": _CLIP + '''    ratio = torch.exp(logp - logp_old)
    return -ratio.clamp(1 - clip_eps, 1 + clip_eps) * adv[:, None]
'''},
        scores=_both("clipped_token_loss"),
        why="clips without the pessimistic min",
    ),
    WrongAnswer(
        name="clip-missing",
        answers={"clipped_token_loss": _CLIP + '''    return -torch.exp(logp - logp_old) * adv[:, None]
'''},
        scores=_both("clipped_token_loss"),
        why="the ratio is never clipped",
    ),
    WrongAnswer(
        name="clip-max",
        answers={"clipped_token_loss": _CLIP + '''    ratio = torch.exp(logp - logp_old)
    return -torch.maximum(ratio * adv[:, None], ratio.clamp(1 - clip_eps, 1 + clip_eps) * adv[:, None])
'''},
        scores=_both("clipped_token_loss"),
        why="max instead of min: the optimistic bound",
    ),
    WrongAnswer(
        name="clip-ratio-of-logs",
        answers={"clipped_token_loss": _CLIP + '''    ratio = logp / logp_old
    return -torch.minimum(ratio * adv[:, None], ratio.clamp(1 - clip_eps, 1 + clip_eps) * adv[:, None])
'''},
        scores=_both("clipped_token_loss"),
        why="divides the log-probabilities instead of exponentiating their difference",
    ),
    WrongAnswer(
        name="k3-is-k1",
        answers={"k3_kl": _K3 + '''    return torch.where(mask, logp - logp_ref, torch.zeros_like(logp))
'''},
        scores=_both("k3_kl"),
        why="k1 = log pi - log pi_ref: unbiased but negative on some samples",
    ),
    WrongAnswer(
        name="k3-sign",
        answers={"k3_kl": _K3 + '''    u = logp - logp_ref
    return torch.where(mask, torch.exp(u) - 1 - u, torch.zeros_like(u))
'''},
        scores=_both("k3_kl"),
        why="u = log pi - log pi_ref: estimates the other KL, not KL(pi || pi_ref)",
    ),
    WrongAnswer(
        name="k3-no-mask",
        answers={"k3_kl": _K3 + '''    u = logp_ref - logp
    return torch.exp(u) - 1 - u
'''},
        scores=_both("k3_kl"),
        why="the padding gets a KL",
    ),
    WrongAnswer(
        name="k3-is-k2",
        answers={"k3_kl": _K3 + '''    u = logp_ref - logp
    return torch.where(mask, 0.5 * u ** 2, torch.zeros_like(u))
'''},
        scores=_both("k3_kl"),
        why="k2 = u^2 / 2: biased",
    ),
    _concept("loo_baseline", "b"),
    _concept("kl_keeps", "a"),
    _concept("length_bias", "d"),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-distributions-and-formulas",
        answers={
            "completion_log_probs": _LOGP + '''    return (torch.distributions.Categorical(logits=logits).log_prob(tokens) * mask).sum(-1)
''',
            "sequence_reinforce_loss": _RF + '''    with torch.no_grad():
        weight = adv.clone()
    return -torch.sum(weight * seq_logp) / len(seq_logp)
''',
            "rloo_advantages": _RLOO + '''    k = rew.shape[1]
    return k / (k - 1) * (rew - rew.mean(dim=1, keepdim=True))
''',
            "group_advantages": _GRPO + '''    centred = rew - rew.mean(dim=1, keepdim=True)
    return centred / (rew.std(dim=1, keepdim=True) + eps) if scale_by_std else centred
''',
            "clipped_token_loss": _CLIP + '''    ratio = (logp - logp_old).exp()
    a = adv[:, None]
    return torch.where(a >= 0, -torch.clamp(ratio, max=1 + clip_eps) * a, -torch.clamp(ratio, min=1 - clip_eps) * a)
''',
            "k3_kl": _K3 + '''    ratio = torch.exp(logp_ref - logp)
    return (ratio - 1 - torch.log(ratio)) * mask
''',
            "concept_loo_baseline": 'ANSWER_loo_baseline = "C"\n',
        },
        why="torch.distributions, no_grad instead of detach, RLOO as k/(k-1) times the centred reward, "
            "the unbiased std, the clip as two one-sided clamps, k3 from the ratio, an upper-case letter",
    ),
    WrongAnswer(
        name="correct-loops",
        answers={
            "completion_log_probs": _LOGP + '''    N, T, _ = logits.shape
    out = []
    for i in range(N):
        total = logits.new_zeros(())
        for t in range(T):
            if mask[i, t]:
                total = total + torch.log_softmax(logits[i, t], dim=-1)[tokens[i, t]]
        out.append(total)
    return torch.stack(out)
''',
            "rloo_advantages": _RLOO + '''    P, k = rew.shape
    adv = torch.zeros_like(rew)
    for p in range(P):
        for i in range(k):
            others = [rew[p, j] for j in range(k) if j != i]
            adv[p, i] = rew[p, i] - sum(others) / len(others)
    return adv
''',
            "group_advantages": _GRPO + '''    rows = []
    for row in rew:
        centred = row - row.mean()
        if scale_by_std:
            centred = centred / (torch.sqrt(((row - row.mean()) ** 2).mean()) + eps)
        rows.append(centred)
    return torch.stack(rows)
''',
            "aggregate_loss": _AGG + '''    per_seq, total, count = [], 0.0, 0
    for i in range(token_loss.shape[0]):
        real = token_loss[i][mask[i]]
        per_seq.append(real.mean())
        total = total + real.sum()
        count += int(mask[i].sum())
    if mode == "sequence":
        return torch.stack(per_seq).mean()
    if mode == "token":
        return total / count
    return total / (token_loss.shape[0] * token_loss.shape[1])
''',
            "k3_kl": _K3 + '''    u = logp_ref - logp
    return torch.where(mask, torch.expm1(u) - u, torch.zeros_like(u))
''',
        },
        why="loops over sequences, tokens and groups; expm1",
    ),
]
