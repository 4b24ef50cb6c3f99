"""Reference forms of notebook 07's exercises (the natural gradient), for the notebooks after it.

Introduced in notebook 07 (the natural gradient, toward TRPO), where students write
``categorical_kl``, ``fisher_matrix``, ``natural_step`` and ``conjugate_gradient`` themselves;
notebook 07 must not import this module (``grading/engine/integrity.py`` flags its use there).
Notebook 08 (PPO) builds on the KL of categoricals and on conjugate gradient.

Notation (the README's table): theta a flat (d,) parameter vector; g the policy gradient (d,); F the Fisher
matrix (d, d); ``delta`` the KL budget δ_KL of a step; ``damping`` the ξ added to F's diagonal.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def categorical_kl(logits_p: torch.Tensor, logits_q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) = sum_a p(a) (log p(a) - log q(a)) of softmax(logits_p) and softmax(logits_q); notebook 07.

    ``logits_p``, ``logits_q``: (..., num_actions), broadcastable. Returns (...), in nats, >= 0.
    Uses log_softmax, so logits of +-1000 are safe.
    """
    logp = torch.log_softmax(logits_p, dim=-1)
    logq = torch.log_softmax(logits_q, dim=-1)
    return (logp.exp() * (logp - logq)).sum(dim=-1)


def fisher_matrix(logits_fn: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor) -> torch.Tensor:
    """Fisher matrix of a softmax policy, averaged over states; notebook 07.

    ``logits_fn`` maps a flat (d,) parameter vector to (B, A) logits (one row per state);
    ``theta``: (d,). Returns (d, d): (1/B) sum_s sum_a pi(a|s) grad log pi(a|s) grad log pi(a|s)^T,
    the expectation over actions taken exactly, from the Jacobian of the log-probabilities.
    """
    theta = theta.detach()
    logp = torch.log_softmax(logits_fn(theta), dim=-1).detach()  # (B, A)
    jac = torch.autograd.functional.jacobian(lambda th: torch.log_softmax(logits_fn(th), dim=-1), theta)  # (B, A, d)
    weighted = logp.exp()[..., None] * jac
    return torch.einsum("bad,bae->de", weighted, jac) / logp.shape[0]


def natural_step(g: torch.Tensor, fisher: torch.Tensor, delta: float, damping: float = 1e-3) -> torch.Tensor:
    """The step alpha x with x solving (F + damping I) x = g and alpha = sqrt(2 delta / g^T x); notebook 07.

    ``g``: (d,) gradient; ``fisher``: (d, d); ``delta``: the KL budget δ_KL (> 0); ``damping``: ξ >= 0.
    Returns (d,): the largest step along the natural gradient whose quadratic KL estimate
    1/2 s^T (F + damping I) s is delta. The step does not shrink with g (rescaling g changes nothing);
    when g^T x = 0 (g = 0, a stationary point) it is the zero step, never nan.
    """
    if delta <= 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    eye = torch.eye(fisher.shape[0], dtype=fisher.dtype)
    x = torch.linalg.solve(fisher + damping * eye, g)
    gx = g @ x
    if gx <= 0:
        return torch.zeros_like(g)  # sqrt(2 delta / 0) * 0 would be nan
    return torch.sqrt(2 * delta / gx) * x


def conjugate_gradient(Avp: Callable[[torch.Tensor], torch.Tensor], b: torch.Tensor, num_iters: int = 10,
                       tol: float = 1e-10) -> torch.Tensor:
    """Approximate solution of A x = b for symmetric positive-definite A, given only v -> A v; notebook 07.

    ``Avp``: a function (d,) -> (d,); ``b``: (d,). Starts at x = 0 and stops after ``num_iters``
    iterations or as soon as the squared residual r^T r falls below ``tol`` (b = 0 gives x = 0).
    Each iteration calls ``Avp`` once. Returns x, (d,).
    """
    x = torch.zeros_like(b)
    r = b.clone()  # residual b - A x
    p = r.clone()  # search direction
    rr = r @ r
    for _ in range(num_iters):
        if rr < tol:
            break
        Ap = Avp(p)
        alpha = rr / (p @ Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def flat_grad(output: torch.Tensor, params: list[torch.Tensor], create_graph: bool = False) -> torch.Tensor:
    """The gradient of a scalar ``output`` with respect to ``params``, as one flat (d,) vector; notebook 07."""
    grads = torch.autograd.grad(output, params, create_graph=create_graph)
    return torch.cat([g.reshape(-1) for g in grads])


def fisher_vector_product(kl_fn: Callable[[], torch.Tensor], params: list[torch.Tensor],
                          damping: float = 0.0) -> Callable[[torch.Tensor], torch.Tensor]:
    """v -> (F + damping I) v by double backward through a KL, without ever forming F; notebook 07.

    ``kl_fn()`` returns the mean KL(pi_old || pi_theta) as a scalar of ``params`` (pi_old detached),
    evaluated at theta = theta_old, where its Hessian is the Fisher matrix. The first gradient is
    taken once, with a graph; each product is one more backward pass through it.
    """
    grad_kl = flat_grad(kl_fn(), params, create_graph=True)  # (d,), 0 at theta_old but with a graph

    def fvp(v: torch.Tensor) -> torch.Tensor:
        grads = torch.autograd.grad(grad_kl @ v.detach(), params, retain_graph=True)  # keep the graph for the next v
        return torch.cat([g.reshape(-1) for g in grads]) + damping * v

    return fvp
