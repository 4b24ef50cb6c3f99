"""Plausible wrong answers, per assignment, with the exact scores each must get; and correct ones.

``tests/wrong_answers/nb<assignment>.py`` defines ``WRONG_ANSWERS`` and ``CORRECT_ANSWERS``, lists
of ``WrongAnswer``. Each replaces one or more answer cells of an otherwise correct submission.
For a wrong answer, ``scores`` lists every test cell whose score is not full marks (all others
must get full marks). A correct answer is another correct way of writing the answers (a loop
for a vectorized formula, torch for NumPy, another sampling method): it must get full marks
everywhere, so its ``scores`` stays empty.
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


def correct_for_assignment(assignment: str) -> list[WrongAnswer]:
    """The alternative correct answers for ``assignment``; each must get full marks."""
    module = importlib.import_module(f"{__name__}.nb{assignment}")
    return list(getattr(module, "CORRECT_ANSWERS", []))


def pack_answers(answers: list[WrongAnswer]) -> list[list[WrongAnswer]]:
    """Answers packed first-fit into as few submissions as possible, no two in a pack replacing one cell.

    For checks that grade one file twice and compare (nbgrader against the course's grader, Validate
    on correct answers): the pack's expected scores are then not needed from the tables.
    """
    packs: list[list[WrongAnswer]] = []
    for answer in answers:
        for pack in packs:
            if not any(set(answer.answers) & set(other.answers) for other in pack):
                pack.append(answer)
                break
        else:
            packs.append([answer])
    return packs


def merged(pack: list[WrongAnswer]) -> dict[str, str]:
    """The answer cells a pack replaces: grade_id -> source."""
    return {gid: src for answer in pack for gid, src in answer.answers.items()}
