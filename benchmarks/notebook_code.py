"""The notebook's own code, loaded from the solution notebook, so the benchmark times what students see.

Runs the setup cell, the answer cells (solutions, markers dropped) and the cells that define the
policy and the training configuration; skips experiments, tests and plots. The benchmark writes
its own loops around these (its clock must leave out the evaluations).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

import nbformat

from grading.cells import is_answer, without_markers

NOTEBOOK = Path(__file__).resolve().parent.parent / "solutions" / "03_reinforce" / "03_reinforce.ipynb"
# A code cell is kept if it defines one of these (setup, policy, configuration) or is an answer cell.
_DEFINES = ("SEED = ", "def make_policy(", "class Config:")
_SKIP = ("ANSWER_",)  # concept-check answers: not code


def load(path: Path = NOTEBOOK) -> ModuleType:
    """Execute the defining cells of the notebook in a fresh module and return it."""
    nb = nbformat.read(path, as_version=4)
    module = ModuleType("notebook03")
    sys.modules[module.__name__] = module  # dataclasses look their module up here
    namespace = module.__dict__
    os.environ.setdefault("MPLBACKEND", "Agg")  # the setup cell imports pyplot; no window wanted
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if is_answer(cell):
            source = without_markers(source)
            if any(s in source for s in _SKIP):
                continue
        elif not any(d in source for d in _DEFINES):
            continue
        if "def make_policy(" in source:  # the policy cell ends with a small demo rollout; keep only definitions
            source = source.split("\ndemo_policy = ")[0]
        exec(compile(source, f"{path.name}:cell", "exec"), namespace)
    missing = [n for n in ("Config", "make_policy", "sampler", "reinforce_update", "collect_episode",
                           "reward_to_go") if n not in namespace]
    if missing:
        raise RuntimeError(f"{path}: the notebook no longer defines {missing}; update benchmarks/notebook_code.py")
    return module
