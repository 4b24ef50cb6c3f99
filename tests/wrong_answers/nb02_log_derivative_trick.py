"""Wrong answers for notebook 02, with the exact per-cell scores, and correct alternatives.

Test cells not named in ``scores`` must get full marks. ``CORRECT_ANSWERS`` are other correct
ways of writing the answers (loops instead of vectorized code, torch autograd instead of the
formula, upper-case letters): they must get full marks everywhere.
"""

from . import WrongAnswer

_SFG = "score_function_gradient"
_TLP = "trajectory_log_prob"
_EPG = "estimate_policy_gradient"
_RTG = "reward_to_go"
_SL = "surrogate_loss"


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
    # estimate_policy_gradient
    WrongAnswer(
        name="epg-sum-over-episodes",
        answers={_EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                 + "    return (log_probs.sum(axis=1) * returns).sum()\n"},
        scores=_both(_EPG),
        why="sums over episodes instead of averaging",
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
    # surrogate_loss
    WrongAnswer(
        name="sl-no-minus",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    return (logp * weights.detach()).sum(dim=1).mean()\n"},
        scores=_both(_SL),
        why="no minus sign: minimising it descends J",
    ),
    WrongAnswer(
        name="sl-no-detach",
        answers={_SL: "def surrogate_loss(logp, weights):\n"
                 + "    return -(logp * weights).sum(dim=1).mean()\n"},
        scores={f"test_{_SL}_hidden": 0},
        why="weights not detached: gradient flows into them",
    ),
    # several independent mistakes per submission (each in its own cell), to keep grading time down
    WrongAnswer(
        name="unstable-softmax",
        answers={_SFG: _SFG_HEAD + "    probs = np.exp(theta) / np.exp(theta).sum()\n"
                 + "    return (f_values[samples][:, None] * (np.eye(theta.size)[samples] - probs)).mean(axis=0)\n",
                 _TLP: "def trajectory_log_prob(logits, obs, act):\n"
                 + "    log_pi = torch.log(torch.softmax(logits, dim=1))\n"
                 + "    return log_pi[torch.as_tensor(np.asarray(obs)), torch.as_tensor(np.asarray(act))].sum()\n"},
        scores={**_both(_SFG), f"test_{_TLP}": 0},
        why="softmax without the max subtracted (nan at ±1000), log(softmax(...)) (-inf at ±1000; the hidden cases have moderate logits)",
    ),
    WrongAnswer(
        name="sum-mean-confusions",
        answers={_SFG: _SFG_HEAD + _STABLE_P
                 + "    return (f_values[samples][:, None] * (np.eye(theta.size)[samples] - probs)).sum(axis=0)\n",
                 _EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                 + "    return (log_probs * returns[:, None]).mean()\n",
                 _SL: "def surrogate_loss(logp, weights):\n"
                 + "    return -(logp * weights.detach()).mean()\n"},
        scores={**_both(_SFG), **_both(_EPG), **_both(_SL)},
        why="sum over samples instead of the mean; mean over all N*T entries instead of sum over time, mean over episodes",
    ),
    WrongAnswer(
        name="wrong-axis",
        answers={_TLP: "def trajectory_log_prob(logits, obs, act):\n"
                 + "    log_pi = torch.log_softmax(logits, dim=0)\n"
                 + "    return log_pi[torch.as_tensor(np.asarray(obs)), torch.as_tensor(np.asarray(act))].sum()\n",
                 _EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                 + "    return (log_probs * returns).sum(axis=1).mean()\n"},
        scores={**_both(_TLP), **_both(_EPG)},
        why="softmax over states (dim 0); returns broadcast along time instead of episodes",
    ),
    WrongAnswer(
        name="numpy-only-and-integer-dtype",
        answers={_EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                 + "    return np.mean(np.sum(log_probs, axis=1) * returns)\n",
                 _RTG: "def reward_to_go(rewards, gamma):\n"
                 + "    r = np.asarray(rewards)\n"
                 + "    G = np.zeros_like(r)\n"
                 + "    running = 0.0\n"
                 + "    for t in reversed(range(r.size)):\n"
                 + "        running = r[t] + gamma * running\n"
                 + "        G[t] = running\n"
                 + "    return G\n"},
        scores={f"test_{_EPG}_hidden": 0, f"test_{_RTG}_hidden": 0},
        why="NumPy functions only (fails for torch input, which the docstring allows); zeros_like of integer rewards truncates",
    ),
    # concept checks
    WrongAnswer(
        name="mc-wrong-letters",
        answers={"concept_dynamics": 'ANSWER_dynamics = "a"\n',
                 "concept_causality": 'ANSWER_causality = "b"\n',
                 "concept_minus_sign": 'ANSWER_minus_sign = "b"\n'},
        scores={"test_concept_dynamics": 0, "test_concept_causality": 0, "test_concept_minus_sign": 0},
        why="well-formed but wrong letters",
    ),
    WrongAnswer(
        name="mc-bad-format",
        answers={"concept_dynamics": 'ANSWER_dynamics = "option b"\n',
                 "concept_causality": "ANSWER_causality = 3\n"},
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
            _EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                  "    total = 0.0\n"
                  "    for lp, ret in zip(log_probs, returns):\n"
                  "        total = total + lp.sum() * ret\n"
                  "    return total / len(returns)\n",
            _RTG: "def reward_to_go(rewards, gamma):\n"
                  "    r = [float(x) for x in rewards]\n"
                  "    return np.array([sum(gamma ** (k - t) * r[k] for k in range(t, len(r))) for t in range(len(r))])\n",
            _SL: "def surrogate_loss(logp, weights):\n"
                 "    return -(logp * weights.detach()).sum() / logp.shape[0]\n",
            "concept_dynamics": 'ANSWER_dynamics = " B"\n',
            "concept_causality": 'ANSWER_causality = "C"\n',
            "concept_minus_sign": 'ANSWER_minus_sign = "a "\n',
        },
        why="a correct alternative: loops, logsumexp, O(T²) reward-to-go, letters with case and spaces",
    ),
    WrongAnswer(
        name="torch-autograd",
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
            _EPG: "def estimate_policy_gradient(log_probs, returns):\n"
                  "    return (log_probs * returns[:, None]).sum(1).mean()\n",
            _RTG: "def reward_to_go(rewards, gamma):\n"
                  "    r = np.asarray(rewards, dtype=np.float64)\n"
                  "    t = np.arange(r.size)\n"
                  "    powers = np.triu(float(gamma) ** np.clip(t[None, :] - t[:, None], 0, None))\n"
                  "    return powers @ r\n",
            _SL: "def surrogate_loss(logp, weights):\n"
                 "    return -torch.mean(torch.sum(logp * weights.data, dim=1))\n",
        },
        why="a correct alternative: torch autograd for the score, a torch tensor returned, matrix reward-to-go",
    ),
]
