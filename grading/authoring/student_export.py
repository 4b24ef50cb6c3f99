"""``make student-export``: the folder a student downloads, with nothing an instructor keeps back.

In: the released notebooks, ``pg_helpers``, ``environment.yml``, ``pyproject.toml`` (its package
list cut to ``pg_helpers``), the student's Validate settings (``lab/config``) and a student README.
Out: ``solutions/``, ``grading/``, ``tests/`` and everything else. ``tests/test_student_export.py``
greps the result for every solution and hidden-test line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..base.course import Course

PACKAGES = re.compile(r"^packages = \[.*\]$", re.MULTILINE)
STUDENT_PACKAGES = 'packages = ["pg_helpers", "pg_helpers.envs"]'
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

STUDENT_README = """\
# Policy gradients, from the softmax to REINFORCE: student folder

Notebooks to work through in JupyterLab, Colab or Binder, and the small helper package they
import (`pg_helpers`). Everything runs on a laptop CPU.

## Start

With Python 3.10-3.13:

```bash
python -m venv .venv && . .venv/bin/activate
pip install -e . jupyterlab nbgrader
JUPYTER_CONFIG_PATH=$PWD/lab/config jupyter lab notebooks/
```

With conda: `conda env create -f environment.yml`, `conda activate pg-course`,
`pip install --no-deps -e .`, then the `jupyter lab` line above. On Colab, open a notebook: its
first cell installs what it needs.

`lab/config` gives nbgrader's **Validate** button the course's settings (it then runs the
notebook's small configuration, in seconds). Validate runs the visible tests; hidden tests run when
your work is graded.

## Working through a notebook

Run All stops at the first unfinished TODO, with an error that names the function to write.
Write it, run its cell and the visible test below it, then go on. Hand in the notebook file itself.

## The notebooks

{notebooks}
"""


def _pyproject_for_students(text: str) -> str:
    if not PACKAGES.search(text):
        raise SystemExit("pyproject.toml: no `packages = [...]` line under [tool.setuptools] to cut to pg_helpers")
    return PACKAGES.sub(STUDENT_PACKAGES, text, count=1)


def student_export(course: Course, dest: Path) -> Path:
    """Write the student folder to ``dest`` (which must not exist yet); return it."""
    if dest.exists():
        raise SystemExit(f"{dest} already exists; remove it or choose another folder")
    names = course.select_assignments()
    missing = [n for n in names if not course.release_notebook(n).is_file()]
    if missing:
        raise SystemExit(f"not released yet: {', '.join(missing)} (run `make release`)")
    dest.mkdir(parents=True)
    for name in names:
        target = dest / "notebooks" / name / course.release_notebook(name).name
        target.parent.mkdir(parents=True)
        shutil.copy2(course.release_notebook(name), target)
    shutil.copytree(course.root / "pg_helpers", dest / "pg_helpers", ignore=IGNORE)
    shutil.copytree(course.root / "lab" / "config", dest / "lab" / "config", ignore=IGNORE)
    shutil.copy2(course.root / "environment.yml", dest / "environment.yml")
    (dest / "pyproject.toml").write_text(_pyproject_for_students((course.root / "pyproject.toml").read_text()))
    listing = "\n".join(f"- `notebooks/{n}/{n}.ipynb`" for n in names)
    (dest / "README.md").write_text(STUDENT_README.format(notebooks=listing))
    return dest
