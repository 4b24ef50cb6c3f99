"""Concept checks need the idea: no longest-is-right habit, no favourite letter, four options each."""

from __future__ import annotations

import pytest

from grading.authoring.concept_checks import ConceptCheck, guessing_problems, read_checks

from . import notebook_factory as nbf
from .conftest import read_nb


def _course_checks(course, assignments):
    checks, problems = [], []
    for name in assignments:
        found, bad = read_checks(name, read_nb(course.source_notebook(name)))
        checks += found
        problems += bad
    return checks, problems


def test_every_concept_check_lists_four_options(course, assignments):
    checks, problems = _course_checks(course, assignments)
    assert not problems, "\n".join(problems)
    for name in assignments:
        assert any(c.where.startswith(f"{name}/") for c in checks), f"{name} has no concept check"


def test_a_guesser_gains_nothing_across_the_course(course, assignments):
    checks, _ = _course_checks(course, assignments)
    problems = guessing_problems(checks)
    assert not problems, "\n".join(problems)


def _question(correct: str, long: str = "b"):
    options = {k: "same length" for k in "abcd"}
    options[long] = "a much longer, more explanatory option"
    return ConceptCheck(f"nb/q_{correct}{long}", options, correct)


@pytest.mark.parametrize(
    "checks, expected",
    [
        ([_question("b", "b"), _question("a", "a"), _question("c", "d")], "the longest in 2 of 3 checks"),
        ([_question("a", "b"), _question("a", "c"), _question("b", "c"), _question("c", "d")],
         "'a' is correct in 2 of 4 checks"),
    ],
)
def test_guessing_problems_catch_each_habit(checks, expected):
    problems = guessing_problems(checks)
    assert any(expected in p for p in problems), problems


def test_spread_letters_and_short_correct_options_pass():
    checks = [_question("a", "b"), _question("b", "c"), _question("c", "d"), _question("d", "d")]
    assert guessing_problems(checks) == []


def _with_check(markdown: str, answer_source: str):
    nb = nbf.good_notebook()
    nb.cells += [nbf.md(markdown), nbf.answer(answer_source, gid="answer_topic")]
    return nb


QUESTION = "**Topic.** Which?\n\n- (a) one\n- (b) two\n- (c) three\n- (d) four"
SOLUTION = '# Set ANSWER_topic to one letter.\n### BEGIN SOLUTION\nANSWER_topic = "c"\n### END SOLUTION'


def test_read_checks_reads_options_and_letter():
    checks, problems = read_checks("nb", _with_check(QUESTION, SOLUTION))
    assert problems == []
    assert checks == [ConceptCheck("nb/answer_topic", {"a": "one", "b": "two", "c": "three", "d": "four"}, "c")]


@pytest.mark.parametrize(
    "markdown, answer_source, expected",
    [
        (QUESTION.replace("- (d) four", ""), SOLUTION, "must list options (a) to (d), found ['a', 'b', 'c']"),
        (QUESTION, SOLUTION.replace('"c"', '"e"'), "the solution's letter 'e' is not an option"),
    ],
)
def test_read_checks_reports_malformed_questions(markdown, answer_source, expected):
    _, problems = read_checks("nb", _with_check(markdown, answer_source))
    assert any(expected in p for p in problems), problems
