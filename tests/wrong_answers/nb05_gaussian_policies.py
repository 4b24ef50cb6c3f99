"""Plausible wrong answers for notebook 05 (Gaussian policies) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. ``GaussianPolicy.log_prob`` calls the student's own
``diag_gaussian_log_prob``, so a mistake there also costs the policy's visible test (its log_prob is
compared with torch's Normal); the policy's hidden tests check sampling, entropy and gradients, which
do not go through it. Every mistake on a TODO's central point loses that TODO's visible point too; every
mistake loses the hidden points on its own, including those that break a promise only the hidden tests
hold (issue 23): the log of the density far in the tails, a detached log_std, log1p(exp(.)) overflowing.
"""

from . import WrongAnswer

_LP_HEAD = '''def diag_gaussian_log_prob(mean, log_std, act):
    """log N(act; mean, diag(sigma^2)), summed over the last axis."""
'''

_SCORE_HEAD = '''def gaussian_score(mean, log_std, act):
    """(grad_mean, grad_log_std), by hand."""
'''

_LDJ_HEAD = '''def tanh_log_det_jacobian(u):
    """sum_i log(1 - tanh(u_i)^2)."""
'''

_POLICY_INIT = '''class GaussianPolicy(nn.Module):
    """A Gaussian policy."""

    def __init__(self, obs_dim, act_dim, hidden=32, init_log_std=0.0):
        super().__init__()
        self.mean_net = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        self.log_std = nn.Parameter(torch.full((act_dim,), float(init_log_std)))
'''

_POLICY_LOG_PROB = '''
    def log_prob(self, obs, act):
        return diag_gaussian_log_prob(self.mean_net(obs), self.log_std, act)
'''

_POLICY_ENTROPY = '''
    def entropy(self, obs):
        return (self.log_std + 0.5 * (1.0 + math.log(2 * math.pi))).sum().expand(obs.shape[0])
'''

_POLICY_SAMPLE = '''
    def sample(self, obs):
        with torch.no_grad():
            mean = self.mean_net(obs)
            return mean + torch.exp(self.log_std) * torch.randn_like(mean)
'''


def _policy(init=_POLICY_INIT, log_prob=_POLICY_LOG_PROB, entropy=_POLICY_ENTROPY, sample=_POLICY_SAMPLE) -> str:
    return init + log_prob + entropy + sample


_LP_BOTH = {"test_diag_gaussian_log_prob": 0, "test_diag_gaussian_log_prob_hidden": 0}
_SCORE_BOTH = {"test_gaussian_score": 0, "test_gaussian_score_hidden": 0}
_POLICY_BOTH = {"test_GaussianPolicy": 0, "test_GaussianPolicy_hidden": 0}
_LDJ_BOTH = {"test_tanh_log_det_jacobian": 0, "test_tanh_log_det_jacobian_hidden": 0}

WRONG_ANSWERS = [
    WrongAnswer(
        name="logp-no-log-std",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    z = (act - mean) / torch.exp(log_std)
    return (-0.5 * z ** 2 - 0.5 * math.log(2 * math.pi)).sum(dim=-1)
'''},
        scores={**_LP_BOTH, "test_GaussianPolicy": 0},
        why="drops -log sigma: the normalising constant that makes a narrow Gaussian's density high",
    ),
    WrongAnswer(
        name="logp-no-log-2pi",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    z = (act - mean) / torch.exp(log_std)
    return (-0.5 * z ** 2 - log_std).sum(dim=-1)
'''},
        scores={**_LP_BOTH, "test_GaussianPolicy": 0},
        why="drops the -log(2 pi) / 2 per dimension",
    ),
    WrongAnswer(
        name="logp-divides-by-sigma",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    return (-(act - mean) ** 2 / (2 * torch.exp(log_std)) - log_std - 0.5 * math.log(2 * math.pi)).sum(dim=-1)
'''},
        scores={**_LP_BOTH, "test_GaussianPolicy": 0},
        why="divides the squared error by sigma instead of sigma^2",
    ),
    WrongAnswer(
        name="logp-not-summed",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    z = (act - mean) / torch.exp(log_std)
    return -0.5 * z ** 2 - log_std - 0.5 * math.log(2 * math.pi)
'''},
        scores={**_LP_BOTH, "test_GaussianPolicy": 0},
        why="per-dimension log-densities, not summed: the density of independent dimensions is their product",
    ),
    WrongAnswer(
        name="logp-summed-over-batch",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    z = (act - mean) / torch.exp(log_std)
    return (-0.5 * z ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum()
'''},
        scores={**_LP_BOTH, "test_GaussianPolicy": 0},
        why="sums over every axis, the batch included: one number for B actions",
    ),
    WrongAnswer(
        name="logp-log-of-density",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    sigma = torch.exp(log_std)
    density = torch.exp(-0.5 * ((act - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    return torch.log(density).sum(dim=-1)
'''},
        scores={"test_diag_gaussian_log_prob_hidden": 0},
        why="the log of the density: right near the mean, -inf in the tails where the density underflows to 0",
    ),
    WrongAnswer(
        name="logp-log-of-product-of-densities",
        answers={"diag_gaussian_log_prob": _LP_HEAD + '''    sigma = torch.exp(log_std)
    density = torch.exp(-0.5 * ((act - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    return torch.log(torch.prod(density, dim=-1))
'''},
        scores={"test_diag_gaussian_log_prob_hidden": 0},
        why="the log of the product of the densities: the product underflows before its log is taken",
    ),
    WrongAnswer(
        name="score-sigma-not-squared",
        answers={"gaussian_score": _SCORE_HEAD + '''    sigma = torch.exp(log_std)
    return (act - mean) / sigma, (act - mean) ** 2 / sigma ** 2 - 1
'''},
        scores=_SCORE_BOTH,
        why="(a - mu) / sigma: the standardised action, not the derivative",
    ),
    WrongAnswer(
        name="score-log-std-no-minus-one",
        answers={"gaussian_score": _SCORE_HEAD + '''    var = torch.exp(2 * log_std)
    return (act - mean) / var, (act - mean) ** 2 / var
'''},
        scores=_SCORE_BOTH,
        why="forgets the -1 that comes from the -log sigma term",
    ),
    WrongAnswer(
        name="score-wrt-sigma",
        answers={"gaussian_score": _SCORE_HEAD + '''    sigma = torch.exp(log_std)
    return (act - mean) / sigma ** 2, (act - mean) ** 2 / sigma ** 3 - 1 / sigma
'''},
        scores=_SCORE_BOTH,
        why="the derivative with respect to sigma, not log sigma (a factor sigma missing)",
    ),
    WrongAnswer(
        name="score-log-std-summed-to-its-shape",
        answers={"gaussian_score": _SCORE_HEAD + '''    var = torch.exp(2 * log_std)
    diff = act - mean
    return diff / var, (diff ** 2 / var - 1).sum_to_size(log_std.shape)
'''},
        scores={"test_gaussian_score_hidden": 0},
        why="sums grad_log_std over the batch to log_std's shape (k,), as autograd would for the shared "
            "parameter: the docstring asks for the per-sample (..., k) scores, nothing summed",
    ),
    WrongAnswer(
        name="score-sign",
        answers={"gaussian_score": _SCORE_HEAD + '''    var = torch.exp(2 * log_std)
    return (mean - act) / var, (act - mean) ** 2 / var - 1
'''},
        scores=_SCORE_BOTH,
        why="(mu - a) / sigma^2: the derivative of the squared error, not of the log-density",
    ),
    WrongAnswer(
        name="policy-state-dependent-log-std",
        answers={"GaussianPolicy": _policy(init='''class GaussianPolicy(nn.Module):
    """A Gaussian policy."""

    def __init__(self, obs_dim, act_dim, hidden=32, init_log_std=0.0):
        super().__init__()
        self.mean_net = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        self.log_std_net = nn.Linear(obs_dim, act_dim)
        nn.init.zeros_(self.log_std_net.weight)
        nn.init.constant_(self.log_std_net.bias, float(init_log_std))
''', log_prob='''
    def log_prob(self, obs, act):
        return diag_gaussian_log_prob(self.mean_net(obs), self.log_std_net(obs), act)
''', entropy='''
    def entropy(self, obs):
        return (self.log_std_net(obs) + 0.5 * (1.0 + math.log(2 * math.pi))).sum(-1)
''', sample='''
    def sample(self, obs):
        with torch.no_grad():
            mean = self.mean_net(obs)
            return mean + torch.exp(self.log_std_net(obs)) * torch.randn_like(mean)
''')},
        scores=_POLICY_BOTH,
        why="log sigma computed from the state, not the state-independent log_std parameter asked for",
    ),
    WrongAnswer(
        name="policy-log-std-not-learned",
        answers={"GaussianPolicy": _policy(init='''class GaussianPolicy(nn.Module):
    """A Gaussian policy."""

    def __init__(self, obs_dim, act_dim, hidden=32, init_log_std=0.0):
        super().__init__()
        self.mean_net = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        self.log_std = torch.full((act_dim,), float(init_log_std))
''')},
        scores=_POLICY_BOTH,
        why="log_std a plain tensor: not a parameter, so the optimizer never changes sigma",
    ),
    WrongAnswer(
        name="policy-log-prob-log-std-detached",
        answers={"GaussianPolicy": _policy(log_prob='''
    def log_prob(self, obs, act):
        return diag_gaussian_log_prob(self.mean_net(obs), self.log_std.detach(), act)
''')},
        scores={"test_GaussianPolicy_hidden": 0},
        why="log_prob detaches log_std: the values are right, but sigma never learns",
    ),
    WrongAnswer(
        name="policy-entropy-not-summed",
        answers={"GaussianPolicy": _policy(entropy='''
    def entropy(self, obs):
        return (self.log_std + 0.5 * (1.0 + math.log(2 * math.pi))).expand(obs.shape[0], -1)
''')},
        scores=_POLICY_BOTH,
        why="entropy per action dimension, not summed over them",
    ),
    WrongAnswer(
        name="policy-entropy-no-2pi",
        answers={"GaussianPolicy": _policy(entropy='''
    def entropy(self, obs):
        return (self.log_std + 0.5).sum().expand(obs.shape[0])
''')},
        scores=_POLICY_BOTH,
        why="entropy without the log(2 pi) / 2 per dimension",
    ),
    WrongAnswer(
        name="policy-sample-scaled-by-log-std",
        answers={"GaussianPolicy": _policy(sample='''
    def sample(self, obs):
        with torch.no_grad():
            mean = self.mean_net(obs)
            return mean + self.log_std * torch.randn_like(mean)
''')},
        scores=_POLICY_BOTH,
        why="scales the noise by log sigma instead of sigma = exp(log sigma)",
    ),
    WrongAnswer(
        name="policy-sample-with-gradient",
        answers={"GaussianPolicy": _policy(sample='''
    def sample(self, obs):
        mean = self.mean_net(obs)
        return mean + torch.exp(self.log_std) * torch.randn_like(mean)
''')},
        scores=_POLICY_BOTH,
        why="samples carry the graph: acting would keep every rollout step's graph alive",
    ),
    WrongAnswer(
        name="ldj-naive-log",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return torch.log(1 - torch.tanh(u) ** 2).sum(dim=-1)
'''},
        scores=_LDJ_BOTH,
        why="the formula as written: -inf once tanh(u) rounds to +-1",
    ),
    WrongAnswer(
        name="ldj-epsilon",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return torch.log(1 - torch.tanh(u) ** 2 + 1e-6).sum(dim=-1)
'''},
        scores=_LDJ_BOTH,
        why="an epsilon inside the log: finite, but wrong by orders of magnitude for large |u|",
    ),
    WrongAnswer(
        name="ldj-log1p-exp",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return (2.0 * (math.log(2.0) - u - torch.log1p(torch.exp(-2.0 * u)))).sum(dim=-1)
'''},
        scores={"test_tanh_log_det_jacobian_hidden": 0},
        why="the identity with log1p(exp(-2u)) for the softplus: exp(-2u) overflows to inf for u below -44 "
            "(float32) or -354 (float64)",
    ),
    WrongAnswer(
        name="ldj-sign",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return -(2.0 * (math.log(2.0) - u - torch.nn.functional.softplus(-2.0 * u))).sum(dim=-1)
'''},
        scores=_LDJ_BOTH,
        why="the sign of the correction: returns -log(1 - tanh^2)",
    ),
    WrongAnswer(
        name="ldj-not-summed",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return 2.0 * (math.log(2.0) - u - torch.nn.functional.softplus(-2.0 * u))
'''},
        scores=_LDJ_BOTH,
        why="per dimension, not summed over the action dimensions",
    ),
    WrongAnswer(
        name="ldj-missing-square",
        answers={"tanh_log_det_jacobian": _LDJ_HEAD + '''    return torch.log(1 - torch.tanh(u)).sum(dim=-1)
'''},
        scores=_LDJ_BOTH,
        why="log(1 - tanh u): forgets the square of the derivative 1 - tanh^2",
    ),
    WrongAnswer(
        name="concept-wrong-letters",
        answers={"concept_max_over_actions": 'ANSWER_max_over_actions = "a"\n',
                 "concept_log_std_gradient": 'ANSWER_log_std_gradient = "b"\n'},
        scores={"test_concept_max_over_actions": 0, "test_concept_log_std_gradient": 0},
        why="the misconceptions: DQN's one output per action is the obstacle; a positive advantage always widens sigma",
    ),
    WrongAnswer(
        name="concept-not-a-letter",
        answers={"concept_log_std_gradient": "ANSWER_log_std_gradient = -1.5\n"},
        scores={"test_concept_log_std_gradient": 0},
        why="the worked-out number instead of the letter of its option",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-distributions-and-identities",
        answers={
            "diag_gaussian_log_prob": _LP_HEAD + '''    return torch.distributions.Normal(mean, torch.exp(log_std)).log_prob(act).sum(-1)
''',
            "gaussian_score": _SCORE_HEAD + '''    z = (act - mean) / torch.exp(log_std)
    return [z / torch.exp(log_std), z ** 2 - 1]
''',
            "GaussianPolicy": '''class GaussianPolicy(nn.Module):
    """A Gaussian policy built on torch.distributions."""

    def __init__(self, obs_dim, act_dim, hidden=32, init_log_std=0.0):
        super().__init__()
        self.mean_net = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, act_dim))
        self.log_std = nn.Parameter(init_log_std * torch.ones(act_dim))

    def _dist(self, obs):
        return torch.distributions.Independent(torch.distributions.Normal(self.mean_net(obs), self.log_std.exp()), 1)

    def log_prob(self, obs, act):
        return self._dist(obs).log_prob(act)

    def entropy(self, obs):
        return self._dist(obs).entropy()

    @torch.no_grad()
    def sample(self, obs):
        return self._dist(obs).sample()
''',
            "tanh_log_det_jacobian": _LDJ_HEAD + '''    y = torch.tanh(u)
    return torch.distributions.transforms.TanhTransform().log_abs_det_jacobian(u, y).sum(-1)
''',
        },
        why="torch.distributions for the log-density, the policy and the squash's Jacobian; the score from z",
    ),
    WrongAnswer(
        name="correct-loops-and-abs-form",
        answers={
            "diag_gaussian_log_prob": _LP_HEAD + '''    log_std = log_std.expand_as(mean)
    total = 0.0
    for i in range(mean.shape[-1]):
        var = torch.exp(log_std[..., i]) ** 2
        total = total - (act[..., i] - mean[..., i]) ** 2 / (2 * var) - log_std[..., i] - 0.5 * math.log(2 * math.pi)
    return total
''',
            "gaussian_score": _SCORE_HEAD + '''    diff = act - mean
    var = torch.exp(log_std) ** 2
    grad_mean = diff / var
    return grad_mean, diff * grad_mean - 1
''',
            "tanh_log_det_jacobian": _LDJ_HEAD + '''    a = u.abs()
    return (2 * math.log(2) - 2 * a - 2 * torch.log1p(torch.exp(-2 * a))).sum(dim=-1)
''',
        },
        why="a loop over action dimensions, the score from the product, log(1 - tanh^2) through |u| and log1p",
    ),
    WrongAnswer(
        name="correct-letters-upper-case",
        answers={"concept_max_over_actions": 'ANSWER_max_over_actions = "C"\n',
                 "concept_log_std_gradient": 'ANSWER_log_std_gradient = " a "\n'},
        why="upper case and spaces around the letter",
    ),
]
