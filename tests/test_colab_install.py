"""The Colab cell's real install, offline: a wheel of the course, a fresh virtual environment, a kernel.

The wheel is built from this checkout without the network (setuptools from the course's venv). The
fresh venv sees the course's dependencies through a .pth line (plain paths, so the course's editable
install of pg_helpers stays invisible there), runs a Jupyter kernel, pretends to be Colab, and runs
the notebook's own Colab cell with the wheel as the install spec: pg_helpers must then import from
the fresh venv, and a notebook's setup imports must work.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

from grading.authoring.colab_cell import colab_cell

REPO = Path(__file__).resolve().parent.parent

RUNNER = textwrap.dedent('''
    import json, sys, nbformat
    from nbclient import NotebookClient
    cells = json.loads(sys.argv[1])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()  # python3: this interpreter
    print(json.dumps([[o.get("text", "") for o in c.outputs if o.output_type == "stream"] for c in nb.cells]))
''')


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, text=True, capture_output=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{cmd[:4]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_the_colab_cell_installs_the_course_wheel_into_a_fresh_environment(tmp_path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", str(wheels), str(REPO)])
    (wheel,) = wheels.glob("pg_course-*.whl")
    fresh = tmp_path / "fresh"
    _run([sys.executable, "-m", "venv", str(fresh)])
    python = fresh / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "course_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # no editable finders

    cells = [
        "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')  # pretend to be Colab",
        "import os\nos.environ['PG_COLAB_PIP'] = sys.executable + ' -m pip install --quiet --no-index --no-deps'",
        "import importlib.util\nprint('before:', importlib.util.find_spec('pg_helpers'))",
        colab_cell(str(wheel)),
        "import importlib; importlib.invalidate_caches()\nimport pg_helpers as pg\nprint('after:', pg.__file__)",
        "from pg_helpers.envs.contextual_bandit import ContextualBandit\nfrom pg_helpers.rollout import collect_episodes\n"
        "print('fast:', pg.fast_mode(), 'seeded:', pg.set_seed(0).random() == pg.set_seed(0).random())",
    ]
    streams = json.loads(_run([str(python), "-c", RUNNER, json.dumps(cells)], cwd=tmp_path).stdout.splitlines()[-1])
    assert streams[2] == ["before: None\n"], f"pg_helpers was importable before the install: {streams[2]}"
    after = "".join(streams[4])
    assert after.startswith("after: ") and str(fresh) in after, f"pg_helpers did not come from the wheel: {after}"
    assert "seeded: True" in "".join(streams[5]), streams[5]
