"""Tests of the instructor grading tool (``python -m grading``) and its adversarial corpus."""
