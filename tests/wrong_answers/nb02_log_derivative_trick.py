"""Wrong answers for notebook 02, with the exact per-cell scores, and correct alternatives.

Test cells not named in ``scores`` must get full marks. ``CORRECT_ANSWERS`` are other correct
ways of writing the answers (loops instead of vectorized code, torch autograd instead of the
formula, upper-case letters, a warning on stderr): they must get full marks everywhere.

Issue 8 asks that the central mistake of every TODO lose the visible point too: the score without
f(x), the dynamics terms in the trajectory log-probability, past rewards in the reward-to-go, weights
not detached (and no minus sign, division by steps) in the surrogate loss, and the shift applied to
padding or to the estimate instead of the returns. Each such entry lists ``test_<name>: 0``.
"""

from . import WrongAnswer

_SFG = "score_function_gradient"
_TLP = "trajectory_log_prob"
_RTG = "reward_to_go"
_SL = "surrogate_loss"
_SRE = "shifted_return_estimates"


def _both(name: str) -> dict[str, float]:
    """Visible and hidden test of ``name`` both score 0."""
    return {f"test_{name}": 0, f"test_{name}_hidden": 0}


_SFG_HEAD = '''def score_function_gradient(theta, f_values, samples):
    theta = np.asarray(theta, dtype=float)
    f_values = np.asarray(f_values, dtype=float)
    samples = np.asarray(samples, dtype=int)
'''
_STABLE_P = "    z = np.exp(theta - theta.max())\n    probs = z / z.sum()\n"

# The start and dynamics terms of the notebook's three-state MDP, read from the global `mdp`.
_TLP_DYNAMICS = '''    o, a = np.asarray(obs), np.asarray(act)
    dynamics = np.log(mdp.mu0[o[0]]) + np.log(mdp.P[o[:-1], a[:-1], o[1:]]).sum()
'''

WRONG_ANSWERS = [
    # score_function_gradient
    WrongAnswer(
        name="sfg-missing-f",
        answers={_SFG: _SFG_HEAD + _STABLE_P + "    return (np.eye(theta.size)[samples] - probs).mean(axis=0)\n"},
        scores=_both(_SFG),
        why="score-function gradient without the f(x) weight",
    ),
    WrongAnswer(
        name="sfg-sign-error",
        answers={_SFG: _SFG_HEAD + _STABLE_P
                 + "    return (f_values[samples][:, None] * (probs - np.eye(theta.size)[samples])).mean(axis=0)\n"},
        scores=_both(_SFG),
        why="score taken as p - onehot(x): sign error",
    ),
    # trajectory_log_prob
    WrongAnswer(
        name="tlp-with-dynamics",
        answers={_TLP: "def trajectory_log_prob(logits, obs, act):\n" + _TLP_DYNAMICS
                 + "    log_pi = torch.log_softmax(logits, dim=1)\n"
                 + "    return log_pi[torch.as_tensor(o), torch.as_tensor(a)].sum() + dynamics\n"},
        scores=_both(_TLP),
        why="adds log μ0(s0) and log P(s'|s,a), where the docstring asks for the policy terms only",
    ),
    WrongAnswer(
        name="tlp-dynamics-only",
        answers={_TLP: "def trajectory_log_prob(logits, obs, act):\n" + _TLP_DYNAMICS
                 + "    return torch.tensor(dynamics)\n"},
        scores=_both(_TLP),
        why="drops the policy terms (keeps only start and dynamics)",
    ),
    # surrogate_loss
    WrongAnswer(
        name="sl-no-detach",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    return -(logp * weights).sum(dim=1).mean()\n"},
        scores=_both(_SL),
        why="weights not detached: gradient flows into them (the visible test's weights require grad)",
    ),
    WrongAnswer(
        name="sl-no-minus",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    return (logp * weights.detach()).sum(dim=1).mean()\n"},
        scores=_both(_SL),
        why="no minus sign: minimising it descends J",
    ),
    WrongAnswer(
        name="sl-divide-by-steps",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    return -(logp * weights.detach()).sum(dim=0).mean()\n"},
        scores=_both(_SL),
        why="sums over episodes and averages over time: divides by T instead of N (the visible batch is 2 x 3)",
    ),
    WrongAnswer(
        name="sl-mean-over-real-steps",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    w = weights.detach()\n"
                 + "    return -(logp * w).sum() / (w != 0).sum()\n"},
        scores=_both(_SL),
        why="averages over the real (non-padding) steps instead of over episodes",
    ),
    # reward_to_go
    WrongAnswer(
        name="rtg-total-return",
        answers={_RTG: "def reward_to_go(rewards, gamma):\n"
                 + "    r = np.asarray(rewards, dtype=float)\n"
                 + "    total = sum(gamma**k * r[k] for k in range(r.size))\n"
                 + "    return np.full(r.size, total)\n"},
        scores=_both(_RTG),
        why="the total discounted return at every step",
    ),
    WrongAnswer(
        name="rtg-no-discount",
        answers={_RTG: "def reward_to_go(rewards, gamma):\n"
                 + "    r = np.asarray(rewards, dtype=float)\n"
                 + "    return np.cumsum(r[::-1])[::-1].copy()\n"},
        scores=_both(_RTG),
        why="missing discount",
    ),
    WrongAnswer(
        name="rtg-wrong-direction",
        answers={_RTG: "def reward_to_go(rewards, gamma):\n"
                 + "    r = np.asarray(rewards, dtype=float)\n"
                 + "    G = np.zeros_like(r)\n"
                 + "    running = 0.0\n"
                 + "    for t in range(r.size):\n"
                 + "        running = r[t] + gamma * running\n"
                 + "        G[t] = running\n"
                 + "    return G\n"},
        scores=_both(_RTG),
        why="discounts forwards in time (sum of past rewards)",
    ),
    # shifted_return_estimates
    WrongAnswer(
        name="sre-shift-on-padding",
        answers={_SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                 + "    return np.einsum('ntsa,nt->nsa', step_score, np.asarray(ret, dtype=float) - b)\n"},
        scores=_both(_SRE),
        why="the shift applied to the padding steps too (mask ignored)",
    ),
    WrongAnswer(
        name="sre-shift-the-estimate",
        answers={_SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                 + "    w = np.asarray(ret, dtype=float) * mask\n"
                 + "    return np.einsum('ntsa,nt->nsa', step_score, w) - b\n"},
        scores=_both(_SRE),
        why="b subtracted from the per-episode estimate instead of from every return",
    ),
    WrongAnswer(
        name="sre-adds-b-and-averages",
        answers={_SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                 + "    w = (np.asarray(ret, dtype=float) + b) * mask\n"
                 + "    return np.einsum('ntsa,nt->nsa', step_score, w)\n",
                 _SL: "def surrogate_loss(logp, weights):\n"
                 + "    return -(logp * weights.detach()).mean()\n"},
        scores={**_both(_SRE), **_both(_SL)},
        why="G_t + b instead of G_t - b; the surrogate loss averaged over all N*T entries",
    ),
    # several independent mistakes per submission (each in its own cell), to keep grading time down
    WrongAnswer(
        name="unstable-softmax",
        answers={_SFG: _SFG_HEAD + "    probs = np.exp(theta) / np.exp(theta).sum()\n"
                 + "    return (f_values[samples][:, None] * (np.eye(theta.size)[samples] - probs)).mean(axis=0)\n",
                 _TLP: "def trajectory_log_prob(logits, obs, act):\n"
                 + "    log_pi = torch.log(torch.softmax(logits, dim=1))\n"
                 + "    return log_pi[torch.as_tensor(np.asarray(obs)), torch.as_tensor(np.asarray(act))].sum()\n"},
        scores={**_both(_SFG), **_both(_TLP)},
        why="softmax without the max subtracted (nan at ±1000), log(softmax(...)) (-inf at ±1000, in the visible test and "
            "in the hidden one, float64 and float32)",
    ),
    WrongAnswer(
        name="sum-mean-confusions",
        answers={_SFG: _SFG_HEAD + _STABLE_P
                 + "    return (f_values[samples][:, None] * (np.eye(theta.size)[samples] - probs)).sum(axis=0)\n",
                 _SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                 + "    w = (np.asarray(ret, dtype=float) - b) * mask\n"
                 + "    return np.einsum('ntsa,nt->sa', step_score, w) / len(w)\n"},
        scores={**_both(_SFG), **_both(_SRE)},
        why="sum over samples instead of the mean; the mean over episodes instead of one estimate per episode",
    ),
    WrongAnswer(
        name="wrong-axis-and-integer-dtype",
        answers={_TLP: "def trajectory_log_prob(logits, obs, act):\n"
                 + "    log_pi = torch.log_softmax(logits, dim=0)\n"
                 + "    return log_pi[torch.as_tensor(np.asarray(obs)), torch.as_tensor(np.asarray(act))].sum()\n",
                 _RTG: "def reward_to_go(rewards, gamma):\n"
                 + "    r = np.asarray(rewards)\n"
                 + "    G = np.zeros_like(r)\n"
                 + "    running = 0.0\n"
                 + "    for t in reversed(range(r.size)):\n"
                 + "        running = r[t] + gamma * running\n"
                 + "        G[t] = running\n"
                 + "    return G\n"},
        scores={**_both(_TLP), **_both(_RTG)},
        why="softmax over states (dim 0); zeros_like of integer rewards truncates G (the visible test has integer rewards)",
    ),
    # concept checks
    WrongAnswer(
        name="mc-wrong-letters",
        answers={"concept_dynamics": 'ANSWER_dynamics = "a"\n',
                 "concept_loss_gradient": 'ANSWER_loss_gradient = "a"\n',
                 "concept_causality": 'ANSWER_causality = "c"\n',
                 "concept_shift": 'ANSWER_shift = "a"\n'},
        scores={"test_concept_dynamics": 0, "test_concept_loss_gradient": 0, "test_concept_causality": 0,
                "test_concept_shift": 0},
        why="well-formed but wrong letters (a sign error in Q2, a bias trade-off in Q3, zero per batch in Q4)",
    ),
    WrongAnswer(
        name="mc-bad-format",
        answers={"concept_dynamics": 'ANSWER_dynamics = "option b"\n',
                 "concept_causality": "ANSWER_causality = 1\n"},
        scores={"test_concept_dynamics": 0, "test_concept_causality": 0},
        why="not a single letter",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="loops-and-letters",
        answers={
            _SFG: "def score_function_gradient(theta, f_values, samples):\n"
                  "    theta = np.array(theta, dtype=float)\n"
                  "    probs = np.exp(theta - np.max(theta))\n"
                  "    probs /= probs.sum()\n"
                  "    grad = np.zeros_like(theta)\n"
                  "    for x in samples:\n"
                  "        onehot = np.zeros_like(theta)\n"
                  "        onehot[x] = 1.0\n"
                  "        grad += f_values[x] * (onehot - probs)\n"
                  "    return grad / len(samples)\n",
            _TLP: "def trajectory_log_prob(logits, obs, act):\n"
                  "    total = 0\n"
                  "    for s, a in zip(obs, act):\n"
                  "        row = logits[int(s)]\n"
                  "        total = total + row[int(a)] - torch.logsumexp(row, dim=0)\n"
                  "    return total\n",
            _SL: "def surrogate_loss(logp, weights):\n"
                 "    return -(logp * weights.detach()).sum() / logp.shape[0]\n",
            _RTG: "def reward_to_go(rewards, gamma):\n"
                  "    r = [float(x) for x in rewards]\n"
                  "    return np.array([sum(gamma ** (k - t) * r[k] for k in range(t, len(r))) for t in range(len(r))])\n",
            _SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                  "    total = 0.0\n"
                  "    for t in range(step_score.shape[1]):  # one time step at a time, all episodes at once\n"
                  "        weight = np.where(mask[:, t], ret[:, t] - b, 0.0)\n"
                  "        total = total + weight[:, None, None] * step_score[:, t]\n"
                  "    return total\n",
            "concept_dynamics": 'ANSWER_dynamics = " B"\n',
            "concept_loss_gradient": 'ANSWER_loss_gradient = "C"\n',
            "concept_causality": 'ANSWER_causality = "a "\n',
            "concept_shift": 'ANSWER_shift = "D"\n',
        },
        why="a correct alternative: loops, logsumexp, O(T²) reward-to-go, np.where for the mask, letters with case and spaces",
    ),
    WrongAnswer(
        name="torch-autograd-and-a-warning",
        answers={
            _SFG: "def score_function_gradient(theta, f_values, samples):\n"
                  "    theta_t = torch.tensor(np.asarray(theta, dtype=float), requires_grad=True)\n"
                  "    x = torch.as_tensor(np.asarray(samples), dtype=torch.long)\n"
                  "    f = torch.as_tensor(np.asarray(f_values, dtype=float))\n"
                  "    (f[x] * torch.log_softmax(theta_t, dim=0)[x]).mean().backward()\n"
                  "    return theta_t.grad\n",
            _TLP: "def trajectory_log_prob(logits, obs, act):\n"
                  "    log_pi = logits - torch.logsumexp(logits, dim=1, keepdim=True)\n"
                  "    return sum(log_pi[int(s), int(a)] for s, a in zip(obs, act))\n",
            _SL: "import warnings\n\n\n"
                 "def surrogate_loss(logp, weights):\n"
                 "    warnings.warn('surrogate_loss: weights are detached')  # stderr, in the test cells\n"
                 "    return -torch.mean(torch.sum(logp * weights.data, dim=1))\n",
            _RTG: "def reward_to_go(rewards, gamma):\n"
                  "    r = np.asarray(rewards, dtype=np.float64)\n"
                  "    t = np.arange(r.size)\n"
                  "    powers = np.triu(float(gamma) ** np.clip(t[None, :] - t[:, None], 0, None))\n"
                  "    return powers @ r\n",
            _SRE: "def shifted_return_estimates(step_score, ret, mask, b):\n"
                  "    w = (torch.as_tensor(ret, dtype=torch.float64) - b) * torch.as_tensor(mask)\n"
                  "    return torch.einsum('ntsa,nt->nsa', torch.as_tensor(step_score, dtype=torch.float64), w)\n",
        },
        why="a correct alternative: torch autograd for the score, torch tensors returned, weights.data, "
            "matrix reward-to-go, a warning on stderr",
    ),
]
