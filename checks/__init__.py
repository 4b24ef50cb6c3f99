"""Checks of what the course teaches that are too long for every test run: ``python -m checks.claims``
(``make claims``) re-runs the solution notebooks in full mode on other seeds. ``checks.run`` executes
one notebook as a student's Run All (full or ``PG_FAST=1``, any seed); the test suite and the
notebook benchmark use it too.
"""
