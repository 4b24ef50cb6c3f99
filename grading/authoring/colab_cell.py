"""The Colab set-up cell, identical in every notebook; `make release` writes it.

The install spec comes from pyproject.toml ``[tool.pg-course] colab-install``. The cell's
logic is tested offline: ``PG_COLAB_PIP`` replaces the pip command (a stub in the tests).
"""

from __future__ import annotations

import json

COLAB_CELL_TEMPLATE = '''\
# Colab only: install the course package if it is missing. Anywhere else this cell does nothing.
COURSE_INSTALL = {spec}  # set in pyproject.toml [tool.pg-course], stamped by `make release`
import importlib.util, os, shlex, subprocess, sys

if "google.colab" in sys.modules and importlib.util.find_spec("pg_helpers") is None:
    if not COURSE_INSTALL:
        raise RuntimeError(
            "This notebook does not know where to install the course package from.\\n"
            "Students: ask your instructor for the course's Colab link or install address.\\n"
            "Instructors: set colab-install under [tool.pg-course] in pyproject.toml, then run `make release`."
        )
    # PG_COLAB_PIP replaces the install command (the course's own tests stub it this way).
    pip = shlex.split(os.environ.get("PG_COLAB_PIP", f"{{sys.executable}} -m pip install --quiet"))
    subprocess.run([*pip, COURSE_INSTALL], check=True)'''


def colab_cell(spec: str) -> str:
    """The cell's source with ``spec`` stamped in."""
    return COLAB_CELL_TEMPLATE.format(spec=json.dumps(spec))
