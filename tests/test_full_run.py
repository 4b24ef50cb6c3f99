"""A student's Run All of every solution notebook: full mode (no ``PG_FAST``), seed 0, a fresh kernel.

``make test`` otherwise runs the notebooks with ``PG_FAST=1`` (under nbval), where the claims that
need the full experiment are not asserted; this is the run a student gets in JupyterLab or Colab.
Every cell that raised is named, with its message. ``make claims`` repeats it on other seeds.
One class per notebook, so that pytest-xdist (``--dist loadscope``) spreads them over workers.
"""

from __future__ import annotations

from checks.run import run_notebook
from grading.base.course import Course


class _FullRun:
    name: str

    def test_run_all_in_full_mode_passes(self, course):
        result = run_notebook(course.source_notebook(self.name), fast=False, seed=0)
        failed = "\n".join(f"  {f}" for f in result.failed)
        assert not result.failed, f"{self.name}, full mode, seed 0: cells raised\n{failed}"


for _name in Course().assignments():
    _cls = f"TestFullRun_{_name}"
    globals()[_cls] = type(_cls, (_FullRun,), {"name": _name})
