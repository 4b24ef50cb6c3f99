"""Plausible wrong answers for notebook 07 (the natural gradient) and the exact scores each must get.

Test cells not named in ``scores`` get full marks. The four exercises are tested independently of
each other (the tests of ``natural_step`` and ``conjugate_gradient`` give them their own matrices),
so a mistake costs only its own TODO's cells; the given cells that use a wrong answer may fail, which
costs nothing. Every mistake on a TODO's central point loses that TODO's visible point too, and its hidden
points on their own; a broken promise of a docstring (a gradient into both arguments, log space at
log-probabilities below -745 in float64 and -103 in float32, the zero step at g = 0, one product per CG
iteration) loses at least the hidden points.
"""

from . import WrongAnswer

_KL_HEAD = '''def categorical_kl(logits_p, logits_q):
    """KL(p || q) from logits."""
'''

_FISHER_HEAD = '''def fisher_matrix(logits_fn, theta):
    """Fisher matrix, averaged over states."""
    theta = theta.detach()
    log_probs_fn = lambda th: torch.log_softmax(logits_fn(th), dim=-1)
'''

_STEP_HEAD = '''def natural_step(g, fisher, delta, damping=1e-3):
    """Damped natural step within a KL budget."""
    eye = torch.eye(fisher.shape[0], dtype=fisher.dtype)
'''

_CG_HEAD = '''def conjugate_gradient(Avp, b, num_iters=10, tol=1e-10):
    """Conjugate gradient from x = 0."""
    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rr = r @ r
    for _ in range(num_iters):
'''


def _cg(body: str, ret: str = "    return x\n") -> str:
    return _CG_HEAD + body + ret


_CG_STOP = '''        if rr < tol:
            break
'''

_KL = {"test_categorical_kl": 0, "test_categorical_kl_hidden": 0}
_FISHER = {"test_fisher_matrix": 0, "test_fisher_matrix_hidden": 0}
_STEP = {"test_natural_step": 0, "test_natural_step_hidden": 0}
_CG = {"test_conjugate_gradient": 0, "test_conjugate_gradient_hidden": 0}

WRONG_ANSWERS = [
    WrongAnswer(
        name="kl-swapped",
        answers={"categorical_kl": _KL_HEAD + '''    logp = torch.log_softmax(logits_p, dim=-1)
    logq = torch.log_softmax(logits_q, dim=-1)
    return (logq.exp() * (logq - logp)).sum(dim=-1)
'''},
        scores=_KL,
        why="KL(q || p): weighs the log-ratio by the new policy instead of the old one",
    ),
    WrongAnswer(
        name="kl-log-of-softmax",
        answers={"categorical_kl": _KL_HEAD + '''    p = torch.softmax(logits_p, dim=-1)
    q = torch.softmax(logits_q, dim=-1)
    return (p * (torch.log(p) - torch.log(q))).sum(dim=-1)
'''},
        scores=_KL,
        why="log of the softmax: 0 * log 0 = nan at logits +-1000",
    ),
    WrongAnswer(
        name="kl-unweighted",
        answers={"categorical_kl": _KL_HEAD + '''    logp = torch.log_softmax(logits_p, dim=-1)
    logq = torch.log_softmax(logits_q, dim=-1)
    return (logp - logq).mean(dim=-1)
'''},
        scores=_KL,
        why="averages the log-ratio over actions uniformly instead of weighing it by p",
    ),
    WrongAnswer(
        name="kl-wrong-axis",
        answers={"categorical_kl": _KL_HEAD + '''    logp = torch.log_softmax(logits_p, dim=-1)
    logq = torch.log_softmax(logits_q, dim=-1)
    return (logp.exp() * (logp - logq)).sum(dim=0)
'''},
        scores=_KL,
        why="sums over the batch axis instead of the actions",
    ),
    WrongAnswer(
        name="fisher-uniform-actions",
        answers={"fisher_matrix": _FISHER_HEAD + '''    score = torch.autograd.functional.jacobian(log_probs_fn, theta)  # (B, A, d)
    return torch.einsum("bad,bae->de", score, score) / (score.shape[0] * score.shape[1])
'''},
        scores=_FISHER,
        why="averages the outer products over actions uniformly instead of weighing them by pi(a|s)",
    ),
    WrongAnswer(
        name="fisher-outer-of-mean",
        answers={"fisher_matrix": _FISHER_HEAD + '''    score = torch.autograd.functional.jacobian(log_probs_fn, theta)  # (B, A, d)
    probs = log_probs_fn(theta).exp()
    mean_score = torch.einsum("ba,bad->bd", probs, score)  # E_a[score] per state
    return torch.einsum("bd,be->de", mean_score, mean_score) / score.shape[0]
'''},
        scores=_FISHER,
        why="the outer product of the mean score, which is 0 by the lemma, instead of the mean of the outer products",
    ),
    WrongAnswer(
        name="fisher-sum-over-states",
        answers={"fisher_matrix": _FISHER_HEAD + '''    score = torch.autograd.functional.jacobian(log_probs_fn, theta)  # (B, A, d)
    probs = log_probs_fn(theta).exp()
    return torch.einsum("ba,bad,bae->de", probs, score, score)
'''},
        scores=_FISHER,
        why="sums over the states instead of averaging",
    ),
    WrongAnswer(
        name="fisher-grad-of-probs",
        answers={"fisher_matrix": _FISHER_HEAD + '''    grad_pi = torch.autograd.functional.jacobian(lambda th: torch.softmax(logits_fn(th), dim=-1), theta)
    probs = log_probs_fn(theta).exp()
    return torch.einsum("ba,bad,bae->de", probs, grad_pi, grad_pi) / probs.shape[0]
'''},
        scores=_FISHER,
        why="the gradient of pi instead of the gradient of log pi",
    ),
    WrongAnswer(
        name="step-without-the-2",
        answers={"natural_step": _STEP_HEAD + '''    x = torch.linalg.solve(fisher + damping * eye, g)
    return torch.sqrt(delta / (g @ x)) * x
'''},
        scores=_STEP,
        why="alpha = sqrt(delta / g^T x): the quadratic KL is 1/2 s^T F s, so the step spends only delta / 2",
    ),
    WrongAnswer(
        name="step-without-sqrt",
        answers={"natural_step": _STEP_HEAD + '''    x = torch.linalg.solve(fisher + damping * eye, g)
    return 2 * delta / (g @ x) * x
'''},
        scores=_STEP,
        why="alpha = 2 delta / g^T x, without the square root",
    ),
    WrongAnswer(
        name="step-F-times-g",
        answers={"natural_step": _STEP_HEAD + '''    x = (fisher + damping * eye) @ g
    return torch.sqrt(2 * delta / (g @ x)) * x
'''},
        scores=_STEP,
        why="multiplies by F instead of solving with it",
    ),
    WrongAnswer(
        name="step-no-damping",
        answers={"natural_step": _STEP_HEAD + '''    x = torch.linalg.solve(fisher, g)
    return torch.sqrt(2 * delta / (g @ x)) * x
'''},
        scores=_STEP,
        why="ignores the damping: the solve fails on a singular Fisher matrix",
    ),
    WrongAnswer(
        name="step-pseudo-inverse",
        answers={"natural_step": _STEP_HEAD + '''    x = torch.linalg.pinv(fisher) @ g
    return torch.sqrt(2 * delta / (g @ x)) * x
'''},
        scores=_STEP,
        why="the pseudo-inverse instead of the damped solve: finite, but not the step asked for",
    ),
    WrongAnswer(
        name="cg-alpha-without-A",
        answers={"conjugate_gradient": _cg(_CG_STOP + '''        Ap = Avp(p)
        alpha = rr / (p @ p)
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
''')},
        scores=_CG,
        why="alpha = r^T r / p^T p, forgetting A in the denominator",
    ),
    WrongAnswer(
        name="cg-steepest-descent",
        answers={"conjugate_gradient": _cg(_CG_STOP + '''        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rr = r @ r
        p = r
''')},
        scores=_CG,
        why="the new direction is the residual alone (steepest descent): the directions are not conjugate",
    ),
    WrongAnswer(
        name="cg-beta-inverted",
        answers={"conjugate_gradient": _cg(_CG_STOP + '''        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr / rr_new) * p
        rr = rr_new
''')},
        scores=_CG,
        why="beta = r_old^T r_old / r_new^T r_new, upside down",
    ),
    WrongAnswer(
        name="cg-no-early-stop",
        answers={"conjugate_gradient": _cg('''        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
''')},
        scores=_CG,
        why="never stops at a zero residual: 0/0 = nan once the system is solved (and for b = 0)",
    ),
    WrongAnswer(
        name="cg-returns-residual",
        answers={"conjugate_gradient": _cg(_CG_STOP + '''        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
''', ret="    return r\n")},
        scores=_CG,
        why="returns the residual instead of the solution",
    ),
    WrongAnswer(
        name="kl-detached-p",
        answers={"categorical_kl": _KL_HEAD + '''    logp = torch.log_softmax(logits_p, dim=-1).detach()  # "p is the old policy, a constant"
    logq = torch.log_softmax(logits_q, dim=-1)
    return (logp.exp() * (logp - logq)).sum(dim=-1)
'''},
        scores={"test_categorical_kl_hidden": 0},
        why="detaches logits_p: right values, but no gradient reaches the first argument, which the docstring promises",
    ),
    WrongAnswer(
        name="kl-probability-ratio",
        answers={"categorical_kl": _KL_HEAD + '''    p = torch.softmax(logits_p, dim=-1)
    q = torch.softmax(logits_q, dim=-1)
    return (p * torch.log(p / q)).sum(dim=-1)
'''},
        scores=_KL,
        why="a ratio of probabilities instead of a difference of log-probabilities: 0 * log(0) = nan once exp underflows",
    ),
    WrongAnswer(
        name="kl-xlogy-of-probs",
        answers={"categorical_kl": _KL_HEAD + '''    p = torch.softmax(logits_p, dim=-1)
    q = torch.softmax(logits_q, dim=-1)
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
'''},
        scores=_KL,
        why="xlogy makes p = 0 safe but not q = 0: inf where q's probability underflows and the KL is finite",
    ),
    WrongAnswer(
        name="kl-clamped-log",
        answers={"categorical_kl": _KL_HEAD + '''    p = torch.softmax(logits_p, dim=-1)
    q = torch.softmax(logits_q, dim=-1)
    return (p * (torch.log(p.clamp_min(1e-30)) - torch.log(q.clamp_min(1e-30)))).sum(dim=-1)
'''},
        scores=_KL,
        why="clamps the probabilities before the log: finite, but log q is -69 where it should be -800",
    ),
    WrongAnswer(
        name="kl-torch-distributions",
        answers={"categorical_kl": _KL_HEAD + '''    p = torch.distributions.Categorical(logits=logits_p)
    q = torch.distributions.Categorical(logits=logits_q)
    return torch.distributions.kl_divergence(p, q)
'''},
        scores=_KL,
        why="torch.distributions' KL sets inf wherever q's probability underflows to 0, though the KL is finite",
    ),
    WrongAnswer(
        name="fisher-log-of-softmax",
        answers={"fisher_matrix": '''def fisher_matrix(logits_fn, theta):
    """Fisher matrix, averaged over states, with log(softmax)."""
    theta = theta.detach()
    log_probs_fn = lambda th: torch.log(torch.softmax(logits_fn(th), dim=-1))
    score = torch.autograd.functional.jacobian(log_probs_fn, theta)  # (B, A, d)
    probs = torch.softmax(logits_fn(theta), dim=-1)
    return torch.einsum("ba,bad,bae->de", probs, score, score) / probs.shape[0]
'''},
        scores={"test_fisher_matrix_hidden": 0},
        why="scores from log(softmax): right for moderate logits, nan (0 * inf) once a probability underflows to 0",
    ),
    WrongAnswer(
        name="step-no-guard",
        answers={"natural_step": _STEP_HEAD + '''    x = torch.linalg.solve(fisher + damping * eye, g)
    return torch.sqrt(2 * delta / (g @ x)) * x
'''},
        scores={"test_natural_step_hidden": 0},
        why="no guard for g = 0: sqrt(2 delta / 0) * 0 = nan where the docstring promises the zero step",
    ),
    WrongAnswer(
        name="step-guard-on-small-g",
        answers={"natural_step": _STEP_HEAD + '''    if g.norm() < 1e-6:  # "a small gradient means we are done"
        return torch.zeros_like(g)
    x = torch.linalg.solve(fisher + damping * eye, g)
    return torch.sqrt(2 * delta / (g @ x)) * x
'''},
        scores={"test_natural_step_hidden": 0},
        why="treats a small nonzero g as zero: a fixed-KL step does not shrink with g, so 1e-12 g must give g's step",
    ),
    WrongAnswer(
        name="cg-recomputes-residual",
        answers={"conjugate_gradient": _cg(_CG_STOP + '''        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = b - Avp(x)  # the true residual, at the cost of a second product
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
''')},
        scores=_CG,
        why="recomputes r = b - A x with a second product per iteration: twice the Fisher-vector products promised",
    ),
    WrongAnswer(
        name="concept-wrong-letters",
        answers={"concept_fisher_metric": 'ANSWER_fisher_metric = "c"\n',
                 "concept_damping": 'ANSWER_damping = "a"\n',
                 "concept_why_cg": 'ANSWER_why_cg = "b"\n'},
        scores={"test_concept_fisher_metric": 0, "test_concept_damping": 0, "test_concept_why_cg": 0},
        why="the misconceptions: the Fisher reduces variance; damping shrinks large steps; 10,000 squared is 10^6",
    ),
    WrongAnswer(
        name="concept-not-a-letter",
        answers={"concept_damping": "ANSWER_damping = 0\n"},
        scores={"test_concept_damping": 0},
        why="the worked-out number instead of the letter of its option",
    ),
]

CORRECT_ANSWERS = [
    WrongAnswer(
        name="correct-library-calls",
        answers={
            "categorical_kl": _KL_HEAD + '''    p = torch.distributions.Categorical(logits=logits_p)
    q = torch.distributions.Categorical(logits=logits_q)
    return (p.probs * (p.logits - q.logits)).sum(dim=-1)  # .logits are normalised log-probabilities
''',
            "fisher_matrix": _FISHER_HEAD + '''    score = torch.func.jacrev(log_probs_fn)(theta)  # (B, A, d)
    weighted = score * log_probs_fn(theta).exp().detach()[..., None]
    return weighted.reshape(-1, theta.numel()).T @ score.reshape(-1, theta.numel()) / score.shape[0]
''',
            "natural_step": _STEP_HEAD + '''    A = fisher + damping * eye
    x = torch.cholesky_solve(g[:, None], torch.linalg.cholesky(A))[:, 0]
    alpha = torch.sqrt(2 * delta / (x @ A @ x))
    return torch.nan_to_num(alpha * x)  # g = 0: inf * 0 = nan becomes the zero step
''',
        },
        why="torch.distributions' normalised logits, torch.func.jacrev, a Cholesky solve with x^T A x for g^T x and nan_to_num",
    ),
    WrongAnswer(
        name="correct-loops-and-inverse",
        answers={
            "categorical_kl": _KL_HEAD + '''    logp = logits_p - torch.logsumexp(logits_p, dim=-1, keepdim=True)
    logq = logits_q - torch.logsumexp(logits_q, dim=-1, keepdim=True)
    return torch.nn.functional.kl_div(logq, logp, reduction="none", log_target=True).sum(dim=-1)
''',
            "fisher_matrix": _FISHER_HEAD + '''    th = theta.clone().requires_grad_()
    logp = log_probs_fn(th)
    F = torch.zeros(th.numel(), th.numel(), dtype=logp.dtype)
    for b in range(logp.shape[0]):
        for a in range(logp.shape[1]):
            score = torch.autograd.grad(logp[b, a], th, retain_graph=True)[0]
            F = F + logp[b, a].exp().detach() * torch.outer(score, score)
    return F / logp.shape[0]
''',
            "natural_step": _STEP_HEAD + '''    if not g.any():
        return torch.zeros_like(g)
    x = torch.linalg.inv(fisher + damping * eye) @ g
    return (2 * delta / torch.dot(g, x)) ** 0.5 * x
''',
        },
        why="a hand-written log-softmax with F.kl_div, Python loops with autograd.grad, an explicit inverse behind a g = 0 test",
    ),
    WrongAnswer(
        name="correct-step-scale-free",
        answers={"natural_step": _STEP_HEAD + '''    scale = g.abs().max()
    if scale == 0:
        return torch.zeros_like(g)
    u = g / scale  # the step does not depend on g's scale: solve with a unit-size right-hand side
    x = torch.linalg.solve(fisher + damping * eye, u)
    return torch.sqrt(2 * delta / (u @ x)) * x
'''},
        why="g rescaled to unit size before the solve (no underflow of g^T x for tiny g), g = 0 tested first",
    ),
    WrongAnswer(
        name="correct-cg-while-loop",
        answers={"conjugate_gradient": '''def conjugate_gradient(Avp, b, num_iters=10, tol=1e-10):
    """Conjugate gradient, written with a while loop and Python floats for the scalars."""
    x = torch.zeros_like(b)
    r = b.clone()
    p = b.clone()
    rs_old = float(torch.dot(r, r))
    k = 0
    while k < num_iters and rs_old >= tol:
        Ap = Avp(p)
        step = rs_old / float(torch.dot(p, Ap))
        x += step * p
        r -= step * Ap
        rs_new = float(torch.dot(r, r))
        p = r + (rs_new / rs_old) * p
        rs_old = rs_new
        k += 1
    return x
'''},
        why="a while loop, in-place updates, Python floats for alpha and beta",
    ),
    WrongAnswer(
        name="correct-letters-upper-case",
        answers={"concept_fisher_metric": 'ANSWER_fisher_metric = "A"\n',
                 "concept_damping": 'ANSWER_damping = " b "\n',
                 "concept_why_cg": 'ANSWER_why_cg = "C"\n'},
        why="upper case and spaces around the letter",
    ),
]
