"""Plausible wrong answers, per assignment, with the exact scores each must get.

``tests/wrong_answers/<assignment>.py`` defines ``WRONG_ANSWERS``: a list of ``WrongAnswer``.
Each replaces one or more answer cells of an otherwise correct submission; ``scores`` lists
every test cell whose score is not full marks (all others must get full marks).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WrongAnswer:
    name: str
    """Short slug, e.g. ``softmax-unstable``; becomes part of the student id."""
    answers: dict[str, str]
    """Answer-cell grade_id -> the wrong source handed in for it."""
    scores: dict[str, float] = field(default_factory=dict)
    """Test-cell grade_id -> expected score, for every cell that does not get full marks."""
    why: str = ""
    """The mistake, in a phrase (sign error, missing discount, ...)."""


def for_assignment(assignment: str) -> list[WrongAnswer]:
    """The wrong answers for ``assignment`` (a module named after it, with the digits prefixed)."""
    module = importlib.import_module(f"{__name__}.nb{assignment}")
    return list(module.WRONG_ANSWERS)
