"""Instructor tools: release, collect, autograde, feedback and grade export (``python -m grading``).

The subpackages are the stages a submission passes through, each importing only those before it:
``base`` (the course tree, cells, gradebook), ``authoring`` (the release), ``intake`` (collect),
``engine`` (autograde, in the sandbox), ``results`` (export, feedback, report); see README.md.
"""
