"""Instructor tools: release, collect, autograde, feedback and grade export (``python -m grading``)."""
