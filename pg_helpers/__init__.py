"""Helpers for the policy-gradient course: what students never write.

Each public function's docstring names the notebook that introduces the idea.
Modules, one concern each:

- ``config``     the FAST switch (``PG_FAST=1``) and run-size selection
- ``seeding``    reproducible seeds for random, numpy and torch
- ``checks``     assertions for visible tests, with uniform expected/got messages
- ``claims``     the course's one rule for a claim about a method (paired comparison over seeds,
                 an estimator unbiased against an exact value), with its stated error rate
- ``gradcheck``  finite-difference gradients
- ``plotting``   learning curves and action-probability bars
- ``style``      the course's plot style (colour-blind-safe, applied on import), outside legends,
                 visible reference lines, titles and alt text
- ``progress``   progress bars that work in Jupyter, Colab and plain terminals
- ``todo``       names the unfinished TODO behind an error in a fresh notebook (installed on import)
- ``warnings_policy``  in a Jupyter kernel, warnings print on stdout: Validate does not fail a test
                 cell because correct code warned (installed on import)
- ``envs``       tiny environments with known dynamics (bandit, tabular MDP, short corridor, point mass)
                 and CartPole-v1 for N copies in NumPy (``envs.cartpole_np``, notebook 08's PPO)
- ``exact``      exact values (V, Q, discounted visits) and policy gradients of tabular MDPs, by linear algebra (notebook 02)
- ``corridor_exact``  the short corridor's value as a function of p = pi(right) (notebook 03)
- ``rollout``    vectorized CartPole episodes as padded (T, N) ``RolloutBatch``es (notebook 03), and
                 continuous-action ones, e.g. of the point mass (notebook 05)
- ``returns``    the reference reward-to-go for notebooks after 02 (02's answer: not imported at
                 the top level)
- ``reinforce``  reference forms of notebook 03's exercises (batched returns, the REINFORCE loss
                 and update) for notebooks after 03 (03's answers: not imported at the top level)
- ``advantages`` reference forms of notebook 04's exercises (advantages, their normalisation, the
                 categorical entropy, the value loss) for notebooks after 04 (04's answers: not
                 imported at the top level)
- ``gaussian``   reference forms of notebook 05's exercises (the diagonal Gaussian log-density and
                 entropy, the tanh-squash correction, ``GaussianPolicy``) for notebooks after 05
                 (05's answers: not imported at the top level)
- ``importance`` reference forms of notebook 06's exercises (importance weights in log space, the
                 effective sample size, per-decision weights, the surrogate loss) for notebooks after
                 06 (06's answers: not imported at the top level)
- ``natural``    reference forms of notebook 07's exercises (the KL of categoricals, the Fisher matrix,
                 the damped natural step, conjugate gradient) and Fisher-vector products, for notebooks
                 after 07 (07's answers: not imported at the top level)
- ``lm``         a tiny GRU language model, the digit-sum task with its verifiable reward, pre-training
                 and sampling (notebook 09)
- ``policies``   reference softmax policy functions for notebooks after 01 (01's answers: not
                 imported at the top level, so ``pg.<TAB>`` does not show them to 01's students)
"""

from .checks import (
    check_close,
    check_finite,
    check_probability_vector,
    check_shape,
    check_true,
    passed,
    to_numpy,
)
from . import claims
from .config import fast_mode, pick
from .gradcheck import numerical_gradient
from .plotting import plot_action_probs, plot_learning_curve, smooth
from .progress import progress
from .seeding import set_seed
from .style import describe, legend_outside, reference_line, use_course_style
from .todo import install as _install_todo_notes
from .warnings_policy import install as _install_warnings_policy

_install_todo_notes()
_install_warnings_policy()
use_course_style()

__all__ = [
    "check_close",
    "check_finite",
    "check_probability_vector",
    "check_shape",
    "check_true",
    "claims",
    "describe",
    "fast_mode",
    "legend_outside",
    "numerical_gradient",
    "passed",
    "pick",
    "plot_action_probs",
    "plot_learning_curve",
    "progress",
    "reference_line",
    "set_seed",
    "smooth",
    "to_numpy",
    "use_course_style",
]

__version__ = "0.1.0"
