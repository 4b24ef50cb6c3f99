"""Concept checks across the course: read them, and find the habits that let a student guess.

A concept check is a markdown cell whose last lines are the options ``- (a) ...`` to ``- (d) ...``,
followed by an answer cell that assigns ``ANSWER_<topic> = "<letter>"`` between the solution
markers. A student who never read the question should not score by picking the longest option or
the letter that is usually right; ``guessing_problems`` says when a course makes either pay.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..base.cells import BEGIN_SOLUTION, END_SOLUTION, grade_id, is_answer, regions

OPTION = re.compile(r"^\s*[-*]\s*\(([a-z])\)\s*(.+?)\s*$")
ANSWER = re.compile(r"""^\s*(ANSWER_\w+)\s*=\s*["']([a-z])["']\s*$""")
# At most this share of checks may have the correct option as the strictly longest one...
MAX_LONGEST_SHARE = 1 / 3
# ...and at most this share may share one correct letter.
MAX_LETTER_SHARE = 0.40


@dataclass(frozen=True)
class ConceptCheck:
    where: str
    """``<assignment>/<grade_id>``, for messages."""
    options: dict[str, str]
    """Letter -> option text, in the order the question lists them."""
    correct: str
    """The solution's letter."""

    @property
    def correct_is_longest(self) -> bool:
        """True when the correct option is longer (in characters) than every other one."""
        mine = len(self.options[self.correct])
        return all(len(text) < mine for letter, text in self.options.items() if letter != self.correct)


def _options(markdown: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in map(OPTION.match, markdown.splitlines()) if m}


def read_checks(assignment: str, nb) -> tuple[list[ConceptCheck], list[str]]:
    """The concept checks of a source notebook, and the problems with their form."""
    checks, problems = [], []
    for index, cell in enumerate(nb.cells):
        if not is_answer(cell):
            continue
        answers = [m for region in regions(cell.source, BEGIN_SOLUTION, END_SOLUTION)
                   for m in map(ANSWER.match, region) if m]
        if not answers:
            continue
        where = f"{assignment}/{grade_id(cell)}"
        question = next((c for c in reversed(nb.cells[:index]) if c.cell_type == "markdown"), None)
        options = _options(question.source) if question is not None else {}
        letter = answers[0].group(2)
        if sorted(options) != ["a", "b", "c", "d"]:
            problems.append(f"{where}: the markdown cell before it must list options (a) to (d), "
                            f"found {sorted(options) or 'none'}")
        elif letter not in options:
            problems.append(f"{where}: the solution's letter {letter!r} is not an option")
        else:
            checks.append(ConceptCheck(where, options, letter))
    return checks, problems


def guessing_problems(checks: list[ConceptCheck]) -> list[str]:
    """What a guesser could exploit across ``checks``: longest-is-right, or one favourite letter."""
    if not checks:
        return []
    problems = []
    longest = [c.where for c in checks if c.correct_is_longest]
    if len(longest) > MAX_LONGEST_SHARE * len(checks):
        problems.append(f"the correct option is the longest in {len(longest)} of {len(checks)} checks "
                        f"(at most a third allowed): {', '.join(longest)}")
    letters = Counter(c.correct for c in checks)
    for letter, count in sorted(letters.items()):
        if count > MAX_LETTER_SHARE * len(checks):
            problems.append(f"'{letter}' is correct in {count} of {len(checks)} checks "
                            f"(at most {MAX_LETTER_SHARE:.0%} allowed)")
    return problems
