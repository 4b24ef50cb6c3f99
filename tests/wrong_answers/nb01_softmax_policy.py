"""Plausible wrong answers for notebook 01 (the softmax policy), with their exact scores.

Cascades are by design only where a later answer calls an earlier one: `sample_action`,
`grad_log_prob` and `policy_gradient_step` call `policy_probs`, and `policy_gradient_step` calls
`grad_log_prob`. The tests of `temperature_softmax` and `policy_probs` keep logits/T below 700,
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
        scores={"test_softmax_hidden": 0},
        why="one maximum for the whole batch: a row far below it underflows to 0 / 0",
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
    # ---- policy_probs
    WrongAnswer(
        name="policy-probs-theta-x",
        answers={"policy_probs": "def policy_probs(theta, x):\n    return softmax(theta @ x)\n"},
        scores={"test_policy_probs": 0, "test_policy_probs_hidden": 0, **_AFTER_POLICY_PROBS},
        why="theta @ x instead of theta.T @ x (shape error for d != k); every later function calls it",
    ),
    WrongAnswer(
        name="policy-probs-row-only",
        answers={"policy_probs": "def policy_probs(theta, x):\n    return softmax(theta[int(np.argmax(x))])\n"},
        scores={"test_policy_probs_hidden": 0, "test_sample_action_hidden": 0, "test_grad_log_prob": 0,
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
        scores={"test_sample_action_hidden": 0},
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
    # ---- concept checks
    WrongAnswer(
        name="mc-wrong-letters",
        answers={"answer_ascent": 'ANSWER_ascent = "a"\n', "answer_max": 'ANSWER_max = "d"\n',
                 "answer_temperature": 'ANSWER_temperature = "b"\n'},
        scores={"test_answer_ascent": 0, "test_answer_max": 0, "test_answer_temperature": 0},
        why="well-formed but wrong letters: the format passes, the hidden check does not",
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
            "answer_ascent": 'ANSWER_ascent = "B"\n',
        },
        why="log-sum-exp forms, x @ theta with a warning on stderr, inverse-CDF sampling, broadcasting, "
            "an in-place step, an upper-case letter",
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
            "answer_max": 'ANSWER_max = " c "\n',
        },
        why="torch's log_softmax and autograd, the Gumbel-max sampler, a letter with spaces",
    ),
]
