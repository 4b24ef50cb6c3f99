"""Plausible wrong answers for notebook 01 (the softmax policy), with their exact scores.

Cascades are by design only where a later answer calls an earlier one: `sample_action`,
`grad_log_prob` and `policy_gradient_step` call `policy_probs`, and `policy_gradient_step` calls
`grad_log_prob`; `sample_with_log_prob` (torch) calls none of them. Each mistake on a TODO's central
point loses that TODO's visible point too: the visible tests are built to catch it and name it. The tests of `temperature_softmax` and `policy_probs` keep logits/T below 700,
so a softmax that overflows at +-1000, or sums over the wrong axis of a batch, costs only
softmax's own points.
"""

from . import WrongAnswer

# Every test cell downstream of policy_probs (all of them call it through the student's code).
_AFTER_POLICY_PROBS = {
    "test_sample_action": 0,
    "test_sample_action_hidden": 0,
    "test_grad_log_prob": 0,
    "test_grad_log_prob_hidden": 0,
    "test_policy_gradient_step": 0,
    "test_policy_gradient_step_hidden": 0,
}

WRONG_ANSWERS = [
    # ---- softmax
    WrongAnswer(
        name="softmax-unstable",
        answers={"softmax": (
            "def softmax(z):\n"
            "    e = np.exp(np.asarray(z, dtype=np.float64))\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n"
        )},
        scores={"test_softmax": 0, "test_softmax_hidden": 0},
        why="no max subtraction: exp(1000) = inf, inf / inf = nan",
    ),
    WrongAnswer(
        name="softmax-wrong-axis",
        answers={"softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    e = np.exp(z - np.max(z, axis=0))\n"
            "    return e / np.sum(e, axis=0)\n"
        )},
        scores={"test_softmax": 0, "test_softmax_hidden": 0},
        why="max and sum over axis 0: a batch is normalised down its columns",
    ),
    WrongAnswer(
        name="softmax-global-max",
        answers={"softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    e = np.exp(z - z.max())\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n"
        )},
        scores={"test_softmax": 0, "test_softmax_hidden": 0},
        why="one maximum for the whole batch: a row far below it underflows to 0 / 0 "
            "(the visible batch [[1000, 999], [0, -1]])",
    ),
    WrongAnswer(
        name="softmax-global-sum",
        answers={"softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
            "    return e / e.sum()\n"
        )},
        scores={"test_softmax": 0, "test_softmax_hidden": 0},
        why="each row shifted by its own max but divided by the sum of the whole batch: rows sum to less than 1",
    ),
    # ---- log_softmax
    WrongAnswer(
        name="log-softmax-of-softmax",
        answers={"log_softmax": "def log_softmax(z):\n    return np.log(softmax(z))\n"},
        scores={"test_log_softmax": 0, "test_log_softmax_hidden": 0},
        why="log(softmax): e^-1000 underflows to 0 and log 0 = -inf",
    ),
    WrongAnswer(
        name="log-softmax-no-shift",
        answers={"log_softmax": (
            "def log_softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))\n"
        )},
        scores={"test_log_softmax": 0, "test_log_softmax_hidden": 0},
        why="log-sum-exp without subtracting the max: exp(1000) = inf",
    ),
    WrongAnswer(
        name="log-softmax-global-max",
        answers={"log_softmax": (
            "def log_softmax(z):\n"
            "    z = np.asarray(z, dtype=np.float64)\n"
            "    m = z.max()\n"
            "    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))\n"
        )},
        scores={"test_log_softmax": 0, "test_log_softmax_hidden": 0},
        why="one maximum for the whole batch: the row [0, 0] of [[0, 0], [1000, 0]] becomes log(0)",
    ),
    WrongAnswer(
        name="softmax-keeps-float32",
        answers={"softmax": (
            "def softmax(z):\n"
            "    z = np.asarray(z)  # no dtype: float32 logits stay float32\n"
            "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n"
        )},
        scores={"test_softmax_hidden": 0},
        why="stable, but float32 logits give float32 probabilities where the docstring promises float64 "
            "(the visible test passes float64 logits; the hidden test passes float32 ones)",
    ),
    WrongAnswer(
        name="log-softmax-epsilon",
        answers={"log_softmax": (
            "def log_softmax(z):\n"
            "    return np.log(softmax(z) + 1e-12)  # finite, but -27.6 where the answer is -1000\n"
        )},
        scores={"test_log_softmax": 0, "test_log_softmax_hidden": 0},
        why="log(softmax + eps): finite everywhere, but wrong wherever a probability underflows",
    ),
    # ---- temperature_softmax
    WrongAnswer(
        name="temperature-multiplies",
        answers={"temperature_softmax": (
            "def temperature_softmax(z, temperature):\n"
            "    if temperature <= 0:\n"
            "        raise ValueError(f'temperature must be > 0, got {temperature}')\n"
            "    return softmax(np.asarray(z, dtype=np.float64) * temperature)\n"
        )},
        scores={"test_temperature_softmax": 0, "test_temperature_softmax_hidden": 0},
        why="z * T instead of z / T: low T flattens, high T sharpens",
    ),
    WrongAnswer(
        name="temperature-no-error",
        answers={"temperature_softmax": (
            "def temperature_softmax(z, temperature):\n"
            "    return softmax(np.asarray(z, dtype=np.float64) / temperature)\n"
        )},
        scores={"test_temperature_softmax": 0, "test_temperature_softmax_hidden": 0},
        why="no ValueError for T <= 0 (T = 0 gives nan, T < 0 reverses the preferences)",
    ),
    WrongAnswer(
        name="temperature-zero-allowed",
        answers={"temperature_softmax": (
            "def temperature_softmax(z, temperature):\n"
            "    if temperature < 0:\n"
            "        raise ValueError(f'temperature must be >= 0, got {temperature}')\n"
            "    return softmax(np.asarray(z, dtype=np.float64) / temperature)\n"
        )},
        scores={"test_temperature_softmax": 0, "test_temperature_softmax_hidden": 0},
        why="rejects T < 0 but not T = 0, which divides by zero (a warning and nan, no error)",
    ),
    # ---- policy_probs
    WrongAnswer(
        name="policy-probs-theta-x",
        answers={"policy_probs": "def policy_probs(theta, x):\n    return softmax(theta @ x)\n"},
        scores={"test_policy_probs": 0, "test_policy_probs_hidden": 0, **_AFTER_POLICY_PROBS},
        why="theta @ x instead of theta.T @ x (shape error for d != k, wrong values for the visible square "
            "theta); every later function calls it",
    ),
    WrongAnswer(
        name="policy-probs-row-only",
        answers={"policy_probs": "def policy_probs(theta, x):\n    return softmax(theta[int(np.argmax(x))])\n"},
        scores={"test_policy_probs": 0, "test_policy_probs_hidden": 0, "test_sample_action_hidden": 0, "test_grad_log_prob": 0,
                "test_grad_log_prob_hidden": 0, "test_policy_gradient_step_hidden": 0},
        why="reads theta's row of the largest feature: right for one-hot x only, so the later "
            "functions pass their one-hot cases and fail the others",
    ),
    # ---- sample_action
    WrongAnswer(
        name="sample-greedy",
        answers={"sample_action": (
            "def sample_action(theta, x, rng):\n"
            "    return int(np.argmax(policy_probs(theta, x)))\n"
        )},
        scores={"test_sample_action": 0, "test_sample_action_hidden": 0},
        why="argmax instead of a draw: no exploration",
    ),
    WrongAnswer(
        name="sample-global-rng",
        answers={"sample_action": (
            "def sample_action(theta, x, rng):\n"
            "    p = policy_probs(theta, x)\n"
            "    return int(np.random.choice(len(p), p=p))\n"
        )},
        scores={"test_sample_action": 0, "test_sample_action_hidden": 0},
        why="draws from NumPy's global state, not the given rng: seeded runs do not repeat",
    ),
    WrongAnswer(
        name="sample-off-by-one",
        answers={"sample_action": (
            "def sample_action(theta, x, rng):\n"
            "    cdf = np.cumsum(policy_probs(theta, x))\n"
            "    return int(np.sum(cdf < rng.random())) + 1\n"
        )},
        scores={"test_sample_action": 0, "test_sample_action_hidden": 0},
        why="inverse CDF shifted by one action",
    ),
    # ---- sample_with_log_prob (torch.distributions.Categorical)
    WrongAnswer(
        name="categorical-probs-from-logits",
        answers={"sample_with_log_prob": (
            "def sample_with_log_prob(logits):\n"
            "    dist = torch.distributions.Categorical(probs=logits)\n"
            "    act = dist.sample()\n"
            "    return act, dist.log_prob(act)\n"
        )},
        scores={"test_sample_with_log_prob": 0, "test_sample_with_log_prob_hidden": 0},
        why="logits passed as probs=: positive logits are divided by their sum, negative ones raise",
    ),
    WrongAnswer(
        name="categorical-second-sample",
        answers={"sample_with_log_prob": (
            "def sample_with_log_prob(logits):\n"
            "    dist = torch.distributions.Categorical(logits=logits)\n"
            "    return dist.sample(), dist.log_prob(dist.sample())\n"
        )},
        scores={"test_sample_with_log_prob": 0, "test_sample_with_log_prob_hidden": 0},
        why="log_prob of a second draw: logp belongs to other actions than the ones returned",
    ),
    WrongAnswer(
        name="categorical-detached-logp",
        answers={"sample_with_log_prob": (
            "def sample_with_log_prob(logits):\n"
            "    dist = torch.distributions.Categorical(logits=logits)\n"
            "    act = dist.sample()\n"
            "    return act, dist.log_prob(act).detach()\n"
        )},
        scores={"test_sample_with_log_prob": 0, "test_sample_with_log_prob_hidden": 0},
        why="logp detached from the logits: right values, but backward() cannot reach the policy",
    ),
    WrongAnswer(
        name="categorical-all-log-probs",
        answers={"sample_with_log_prob": (
            "def sample_with_log_prob(logits):\n"
            "    dist = torch.distributions.Categorical(logits=logits)\n"
            "    return dist.sample(), torch.log_softmax(logits, dim=-1)\n"
        )},
        scores={"test_sample_with_log_prob": 0, "test_sample_with_log_prob_hidden": 0},
        why="returns the log-probabilities of every action instead of the one drawn",
    ),
    WrongAnswer(
        name="categorical-greedy",
        answers={"sample_with_log_prob": (
            "def sample_with_log_prob(logits):\n"
            "    dist = torch.distributions.Categorical(logits=logits)\n"
            "    act = logits.argmax(dim=-1)\n"
            "    return act, dist.log_prob(act)\n"
        )},
        scores={"test_sample_with_log_prob": 0, "test_sample_with_log_prob_hidden": 0},
        why="argmax instead of a draw: no exploration",
    ),
    # ---- grad_log_prob
    WrongAnswer(
        name="grad-sign",
        answers={"grad_log_prob": (
            "def grad_log_prob(theta, x, a):\n"
            "    e_a = np.zeros(theta.shape[1])\n"
            "    e_a[a] = 1.0\n"
            "    return np.outer(x, policy_probs(theta, x) - e_a)\n"
        )},
        scores={"test_grad_log_prob": 0, "test_grad_log_prob_hidden": 0,
                "test_policy_gradient_step": 0, "test_policy_gradient_step_hidden": 0},
        why="p - e_a: the gradient of -log pi; the step then calls it",
    ),
    WrongAnswer(
        name="grad-missing-normaliser",
        answers={"grad_log_prob": (
            "def grad_log_prob(theta, x, a):\n"
            "    e_a = np.zeros(theta.shape[1])\n"
            "    e_a[a] = 1.0\n"
            "    return np.outer(x, e_a)\n"
        )},
        scores={"test_grad_log_prob": 0, "test_grad_log_prob_hidden": 0,
                "test_policy_gradient_step": 0, "test_policy_gradient_step_hidden": 0},
        why="x e_a^T: the derivative of z_a alone, without the log-sum-exp term's -pi",
    ),
    # ---- policy_gradient_step
    WrongAnswer(
        name="step-descent",
        answers={"policy_gradient_step": (
            "def policy_gradient_step(theta, x, a, advantage, lr):\n"
            "    return theta - lr * advantage * grad_log_prob(theta, x, a)\n"
        )},
        scores={"test_policy_gradient_step": 0, "test_policy_gradient_step_hidden": 0},
        why="descent instead of ascent: positive advantages make the action less likely",
    ),
    WrongAnswer(
        name="step-ignores-advantage",
        answers={"policy_gradient_step": (
            "def policy_gradient_step(theta, x, a, advantage, lr):\n"
            "    return theta + lr * grad_log_prob(theta, x, a)\n"
        )},
        scores={"test_policy_gradient_step": 0, "test_policy_gradient_step_hidden": 0},
        why="the advantage left out: every action drawn becomes more likely, good or bad",
    ),
    # ---- concept checks
    WrongAnswer(
        name="mc-wrong-letters",
        answers={"answer_max": 'ANSWER_max = "c"\n', "answer_ascent": 'ANSWER_ascent = "b"\n',
                 "answer_one_step": 'ANSWER_one_step = "b"\n'},
        scores={"test_answer_max": 0, "test_answer_ascent": 0, "test_answer_one_step": 0},
        why="well-formed but wrong letters (only overflow breaks eq. 1; SGD on +A log pi is ascent; "
            "the actions not taken are unchanged): the format passes, the hidden check does not",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="other-numpy-forms",
        answers={
            "softmax": "def softmax(z):\n"
                       "    z = np.array(z, dtype=np.float64)\n"
                       "    lse = np.logaddexp.reduce(z, axis=-1, keepdims=True)  # log-sum-exp, stable\n"
                       "    return np.exp(z - lse)\n",
            "log_softmax": "def log_softmax(z):\n"
                           "    z = np.array(z, dtype=np.float64)\n"
                           "    return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)\n",
            "temperature_softmax": "def temperature_softmax(z, temperature):\n"
                                   "    if not temperature > 0:\n"
                                   "        raise ValueError('temperature must be positive')\n"
                                   "    z = np.asarray(z, dtype=float) / temperature\n"
                                   "    w = np.exp(z - np.max(z))\n"
                                   "    return w / np.sum(w)\n",
            "policy_probs": "import warnings\n\n\n"
                            "def policy_probs(theta, x):\n"
                            "    warnings.warn('policy_probs: shapes are not checked yet')  # stderr, in the test cell\n"
                            "    return softmax(x @ theta)\n",
            "sample_action": "def sample_action(theta, x, rng):\n"
                             "    cdf = np.cumsum(policy_probs(theta, x))  # inverse-CDF sampling\n"
                             "    return int(min(np.searchsorted(cdf, rng.random(), side='right'), len(cdf) - 1))\n",
            "grad_log_prob": "def grad_log_prob(theta, x, a):\n"
                             "    k = theta.shape[1]\n"
                             "    return x[:, None] * (np.eye(k)[a] - policy_probs(theta, x))[None, :]\n",
            "policy_gradient_step": "def policy_gradient_step(theta, x, a, advantage, lr):\n"
                                    "    theta += lr * advantage * grad_log_prob(theta, x, a)  # in place\n"
                                    "    return theta\n",
            "sample_with_log_prob": "def sample_with_log_prob(logits):\n"
                                    "    probs = torch.softmax(logits, dim=-1)  # Categorical from probabilities\n"
                                    "    dist = torch.distributions.Categorical(probs=probs)\n"
                                    "    act = dist.sample()\n"
                                    "    return act, dist.log_prob(act)\n",
            "answer_ascent": 'ANSWER_ascent = "A"\n',
        },
        why="log-sum-exp forms, x @ theta with a warning on stderr, inverse-CDF sampling, Categorical "
            "built from softmax probabilities, broadcasting, an in-place step, an upper-case letter",
    ),
    WrongAnswer(
        name="torch-and-gumbel",
        answers={
            "log_softmax": "def log_softmax(z):\n"
                           "    return torch.log_softmax(torch.as_tensor(np.asarray(z, dtype=np.float64)), dim=-1).numpy()\n",
            "sample_action": "def sample_action(theta, x, rng):\n"
                             "    logits = theta.T @ x\n"
                             "    return int(np.argmax(logits + rng.gumbel(size=logits.shape)))  # Gumbel-max trick\n",
            "grad_log_prob": "def grad_log_prob(theta, x, a):\n"
                             "    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)\n"
                             "    torch.log_softmax(t.T @ torch.as_tensor(x, dtype=torch.float64), dim=-1)[int(a)].backward()\n"
                             "    return t.grad.numpy()\n",
            "sample_with_log_prob": "from torch.distributions import Categorical\n\n\n"
                                    "def sample_with_log_prob(logits):\n"
                                    "    dist = Categorical(logits=logits, validate_args=False)\n"
                                    "    act = dist.sample()\n"
                                    "    logp = dist.log_prob(act)\n"
                                    "    return (act, logp)\n",
            "answer_max": 'ANSWER_max = " d "\n',
            "answer_one_step": "ANSWER_one_step = 'C'\n",
        },
        why="torch's log_softmax and autograd, the Gumbel-max sampler, Categorical imported by name, "
            "letters with spaces and in upper case",
    ),
    WrongAnswer(
        name="torch-multinomial",
        answers={
            "sample_with_log_prob": "def sample_with_log_prob(logits):\n"
                                    "    k = logits.shape[-1]\n"
                                    "    flat = torch.softmax(logits, dim=-1).reshape(-1, k)  # (n, k) rows\n"
                                    "    act = torch.multinomial(flat, 1).reshape(logits.shape[:-1])\n"
                                    "    logp = torch.log_softmax(logits, dim=-1).gather(-1, act.unsqueeze(-1)).squeeze(-1)\n"
                                    "    return act, logp\n",
        },
        why="the draw with torch.multinomial and the log-probability with gather, no Categorical",
    ),
]
