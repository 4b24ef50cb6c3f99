"""Helpers for the policy-gradient course: what students never write.

Each public function's docstring names the notebook that introduces the idea.
Modules, one concern each:

- ``config``     the FAST switch (``PG_FAST=1``) and run-size selection
- ``seeding``    reproducible seeds for random, numpy and torch
- ``checks``     assertions for visible tests, with uniform expected/got messages
- ``gradcheck``  finite-difference gradients
- ``plotting``   learning curves and action-probability bars
- ``progress``   progress bars that work in Jupyter, Colab and plain terminals
- ``envs``       tiny environments with known dynamics (bandit, tabular MDP, short corridor)
- ``exact``      exact values and policy gradients of tabular MDPs, by linear algebra (notebook 02)
- ``corridor_exact``  the short corridor's value as a function of p = pi(right) (notebook 03)
- ``rollout``    vectorized CartPole episodes as padded (T, N) ``RolloutBatch``es (notebook 03)
- ``returns``    the reference reward-to-go for notebooks after 02 (02's answer: not imported at
                 the top level)
- ``reinforce``  reference forms of notebook 03's exercises (batched returns, the REINFORCE loss
                 and update) for notebooks after 03 (03's answers: not imported at the top level)
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
from .config import fast_mode, pick
from .gradcheck import numerical_gradient
from .plotting import plot_action_probs, plot_learning_curve, smooth
from .progress import progress
from .seeding import set_seed

__all__ = [
    "check_close",
    "check_finite",
    "check_probability_vector",
    "check_shape",
    "check_true",
    "fast_mode",
    "numerical_gradient",
    "passed",
    "pick",
    "plot_action_probs",
    "plot_learning_curve",
    "progress",
    "set_seed",
    "smooth",
    "to_numpy",
]

__version__ = "0.1.0"
