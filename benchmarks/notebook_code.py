"""A notebook's own code, loaded from its solution notebook, so a benchmark times what students see.

``load(spec)`` runs the setup cell, the answer cells (solutions, markers dropped; concept-check
answers skipped) and the code cells that define what ``spec.defines`` names (the policy, the
training configuration, the loop); it skips experiments, tests and plots. A benchmark writes its
own clock around what it loads (the clock must leave out the evaluations).

Two notebooks are loaded this way: 03's REINFORCE (``REINFORCE``) and 08's PPO (``PPO``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import nbformat

from grading.base.cells import is_answer, without_markers

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
_SKIP = ("ANSWER_",)  # concept-check answers: not code


@dataclass(frozen=True)
class NotebookCode:
    """Which cells of a solution notebook make up the code a benchmark times."""

    assignment: str
    """e.g. "03_reinforce"; the notebook is solutions/<assignment>/<assignment>.ipynb"""
    defines: tuple[str, ...]
    """a code cell is kept if its source contains one of these (besides every answer cell)"""
    required: tuple[str, ...]
    """names the loaded module must define (else the notebook changed under the benchmark)"""
    cut: tuple[tuple[str, str], ...] = ()
    """(marker, start): in a cell containing marker, keep only the source before start (a demo after definitions)"""

    @property
    def path(self) -> Path:
        return SOLUTIONS / self.assignment / f"{self.assignment}.ipynb"


REINFORCE = NotebookCode(
    "03_reinforce",
    defines=("SEED = ", "def make_policy(", "class Config:"),
    required=("Config", "make_policy", "sampler", "reinforce_update", "collect_episode", "reward_to_go"),
    cut=(("def make_policy(", "\ndemo_policy = "),),
)
PPO = NotebookCode(
    "08_ppo_gae",
    defines=("SEED = ", "class Config:", "class CategoricalAgent(", "def collect(", "def ppo_update(", "def train("),
    required=("Config", "CategoricalAgent", "collect", "ppo_update", "train", "gae", "clipped_surrogate_loss",
              "approx_kl"),
)


def load(spec: NotebookCode = REINFORCE) -> ModuleType:
    """Execute the defining cells of ``spec``'s solution notebook in a fresh module and return it."""
    path = spec.path
    nb = nbformat.read(path, as_version=4)
    module = ModuleType(f"notebook{spec.assignment[:2]}")
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
        elif not any(d in source for d in spec.defines):
            continue
        for marker, start in spec.cut:
            if marker in source:
                source = source.split(start)[0]
        exec(compile(source, f"{path.name}:cell", "exec"), namespace)
    missing = [n for n in spec.required if n not in namespace]
    if missing:
        raise RuntimeError(f"{path}: the notebook no longer defines {missing}; update benchmarks/notebook_code.py")
    return module
