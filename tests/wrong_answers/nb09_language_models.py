"""Plausible wrong answers for notebook 09 (policy gradients for language models) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. No test cell of notebook 09 calls another TODO's
function, so each mistake costs only its own TODO's tests; every mistake on a TODO's central point
loses that TODO's visible point too, and its hidden points on their own (issue 23): each promise a
docstring makes (padding holding inf or nan, log-probabilities far below where exp underflows, in float32
and float64, a gradient into the argument said to carry one and none out of a weight, the population
std) has a hidden case, and the mistakes that break one are listed here.
"""

from . import WrongAnswer

_LOGP = '''def completion_log_probs(logits, tokens, mask):
    """Log-probability of each completion."""
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
_KL = '''def kl_penalised_reward(rew, logp, logp_ref, mask, beta):
    """The reward with the KL penalty in it."""
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
    return torch.where(mask, logp, torch.zeros_like(logp)).sum(dim=-1) / mask.sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="the mean over tokens, not the sum: not the log-probability of the sequence",
    ),
    WrongAnswer(
        name="logp-raw-logits",
        answers={"completion_log_probs": _LOGP + '''    picked = logits.gather(-1, tokens[..., None])[..., 0]
    return torch.where(mask, picked, torch.zeros_like(picked)).sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="sums the raw logits, without log_softmax",
    ),
    WrongAnswer(
        name="logp-multiply-mask",
        answers={"completion_log_probs": _LOGP + '''    logp = torch.log_softmax(logits, dim=-1).gather(-1, tokens[..., None])[..., 0]
    return (logp * mask).sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="masks by multiplying: nan or inf on the padding gives nan * 0 = nan",
    ),
    WrongAnswer(
        name="logp-log-of-softmax",
        answers={"completion_log_probs": _LOGP + '''    logp = torch.log(torch.softmax(logits, dim=-1)).gather(-1, tokens[..., None])[..., 0]
    return torch.where(mask, logp, torch.zeros_like(logp)).sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="the log of softmax: -inf once a token's probability underflows",
    ),
    WrongAnswer(
        name="logp-detached",
        answers={"completion_log_probs": _LOGP + '''    logp = torch.log_softmax(logits.detach(), dim=-1).gather(-1, tokens[..., None])[..., 0]
    return torch.where(mask, logp, torch.zeros_like(logp)).sum(dim=-1)
'''},
        scores=_both("completion_log_probs"),
        why="detaches the logits: no gradient reaches the model",
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
        answers={"group_advantages": _GRPO + '''    return (rew - rew.mean(dim=1, keepdim=True)) / (rew.std(dim=1, correction=0, keepdim=True) + eps)
'''},
        scores=_both("group_advantages"),
        why="always divides by the std, whatever scale_by_std says",
    ),
    WrongAnswer(
        name="grpo-no-eps",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean(dim=1, keepdim=True)
    if scale_by_std:
        adv = adv / rew.std(dim=1, correction=0, keepdim=True)
    return adv
'''},
        scores=_both("group_advantages"),
        why="a group of equal rewards gives 0/0 = nan",
    ),
    WrongAnswer(
        name="grpo-batch-std",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean(dim=1, keepdim=True)
    if scale_by_std:
        adv = adv / (rew.std(correction=0) + eps)
    return adv
'''},
        scores=_both("group_advantages"),
        why="divides by the whole batch's std, not each group's",
    ),
    WrongAnswer(
        name="grpo-batch-mean",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean()
    if scale_by_std:
        adv = adv / (rew.std(dim=1, correction=0, keepdim=True) + eps)
    return adv
'''},
        scores=_both("group_advantages"),
        why="subtracts the whole batch's mean, not each group's",
    ),
    WrongAnswer(
        name="grpo-unbiased-std",
        answers={"group_advantages": _GRPO + '''    adv = rew - rew.mean(dim=1, keepdim=True)
    if scale_by_std:
        adv = adv / (rew.std(dim=1, keepdim=True) + eps)
    return adv
'''},
        scores=_both("group_advantages"),
        why="torch's default std divides by k - 1: the text names the population std",
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
        answers={"aggregate_loss": _AGG + '''    masked = torch.where(mask, token_loss, torch.zeros_like(token_loss))
    if mode in ("sequence", "token"):
        return masked.sum() / mask.sum()
    return masked.sum() / mask.numel()
'''},
        scores=_both("aggregate_loss"),
        why='"sequence" averages over all tokens of the batch, not each sequence first',
    ),
    WrongAnswer(
        name="agg-constant-over-n",
        answers={"aggregate_loss": _AGG + '''    masked = torch.where(mask, token_loss, torch.zeros_like(token_loss))
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
        name="agg-multiply-mask",
        answers={"aggregate_loss": _AGG + '''    masked = token_loss * mask
    if mode == "sequence":
        return (masked.sum(dim=1) / mask.sum(dim=1)).mean()
    if mode == "token":
        return masked.sum() / mask.sum()
    return masked.sum() / mask.numel()
'''},
        scores=_both("aggregate_loss"),
        why="masks by multiplying: nan or inf on the padding gives nan * 0 = nan",
    ),
    WrongAnswer(
        name="agg-detached",
        answers={"aggregate_loss": _AGG + '''    masked = torch.where(mask, token_loss.detach(), torch.zeros_like(token_loss))
    if mode == "sequence":
        return (masked.sum(dim=1) / mask.sum(dim=1)).mean()
    if mode == "token":
        return masked.sum() / mask.sum()
    return masked.sum() / mask.numel()
'''},
        scores={"test_aggregate_loss_hidden": 0},
        why="detaches the per-token loss: nothing reaches the policy (the visible test has no backward pass)",
    ),
    WrongAnswer(
        name="kl-reward-k3",
        answers={"kl_penalised_reward": _KL + '''    u = torch.where(mask, logp_ref - logp.detach(), torch.zeros_like(logp_ref))
    return rew - beta * (torch.exp(u) - 1 - u).sum(dim=-1)
'''},
        scores=_both("kl_penalised_reward"),
        why="k3 in the reward: an unbiased value, but its score-function gradient is not the KL's",
    ),
    WrongAnswer(
        name="kl-reward-sign",
        answers={"kl_penalised_reward": _KL + '''    k1 = torch.where(mask, logp.detach() - logp_ref, torch.zeros_like(logp_ref))
    return rew + beta * k1.sum(dim=-1)
'''},
        scores=_both("kl_penalised_reward"),
        why="adds the penalty: rewards moving away from pi_ref",
    ),
    WrongAnswer(
        name="kl-reward-mean-over-tokens",
        answers={"kl_penalised_reward": _KL + '''    k1 = torch.where(mask, logp.detach() - logp_ref, torch.zeros_like(logp_ref))
    return rew - beta * k1.sum(dim=-1) / mask.sum(dim=-1)
'''},
        scores=_both("kl_penalised_reward"),
        why="averages the log-ratios over tokens: not the KL of the completion",
    ),
    WrongAnswer(
        name="kl-reward-not-detached",
        answers={"kl_penalised_reward": _KL + '''    k1 = torch.where(mask, logp - logp_ref, torch.zeros_like(logp_ref))
    return rew - beta * k1.sum(dim=-1)
'''},
        scores=_both("kl_penalised_reward"),
        why="the weight carries logp's gradient",
    ),
    WrongAnswer(
        name="kl-reward-multiply-mask",
        answers={"kl_penalised_reward": _KL + '''    return rew - beta * ((logp.detach() - logp_ref) * mask).sum(dim=-1)
'''},
        scores=_both("kl_penalised_reward"),
        why="masks by multiplying: nan or inf on the padding gives nan * 0 = nan",
    ),
    WrongAnswer(
        name="kl-reward-probability-ratio",
        answers={"kl_penalised_reward": _KL + '''    ratio = torch.exp(logp.detach()) / torch.exp(logp_ref)
    k1 = torch.where(mask, torch.log(ratio), torch.zeros_like(logp_ref))
    return rew - beta * k1.sum(dim=-1)
'''},
        scores={"test_kl_penalised_reward_hidden": 0},
        why="a ratio of probabilities: 0/0 = nan once the log-probabilities fall below where exp underflows",
    ),
    _concept("loo_baseline", "b"),
    _concept("kl_keeps", "a"),
    _concept("length_bias", "d"),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-distributions-and-formulas",
        answers={
            "completion_log_probs": _LOGP + '''    safe = torch.where(mask[..., None], logits, torch.zeros_like(logits))  # Categorical refuses nan logits
    logp = torch.distributions.Categorical(logits=safe).log_prob(tokens)
    return logp.masked_fill(~mask, 0.0).sum(-1)
''',
            "rloo_advantages": _RLOO + '''    k = rew.shape[1]
    return k / (k - 1) * (rew - rew.mean(dim=1, keepdim=True))
''',
            "group_advantages": _GRPO + '''    centred = rew - rew.mean(dim=1, keepdim=True)
    return centred / (rew.var(dim=1, unbiased=False, keepdim=True).sqrt() + eps) if scale_by_std else centred
''',
            "aggregate_loss": _AGG + '''    masked = token_loss.masked_fill(~mask, 0.0)
    per_token = {"sequence": None, "token": mask.sum(), "constant": mask.numel()}[mode]
    if per_token is None:
        return (masked.sum(dim=1) / mask.sum(dim=1)).mean()
    return masked.sum() / per_token
''',
            "kl_penalised_reward": _KL + '''    with torch.no_grad():
        log_ratio = (logp - logp_ref).masked_fill(~mask, 0.0)
        return rew - beta * log_ratio.sum(dim=-1)
''',
            "concept_loo_baseline": 'ANSWER_loo_baseline = "C"\n',
        },
        why="torch.distributions on safe logits, masked_fill, RLOO as k/(k-1) times the centred reward, "
            "the population std as the root of the biased variance, no_grad instead of detach, an upper-case letter",
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
            "kl_penalised_reward": _KL + '''    out = []
    for i in range(rew.shape[0]):
        total = 0.0
        for t in range(mask.shape[1]):
            if mask[i, t]:
                total += float(logp[i, t]) - float(logp_ref[i, t])
        out.append(float(rew[i]) - beta * total)
    return torch.tensor(out, dtype=logp.dtype)
''',
        },
        why="loops over sequences, tokens and groups; the penalised reward built from Python floats",
    ),
]
