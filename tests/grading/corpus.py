"""The adversarial corpus: fixture submissions built from a real assignment, with exact outcomes.

Each ``Fixture`` writes one student's submission (built from the released notebook and the
solutions, so it follows the assignment as it changes) and states the exact per-cell scores
and the status the grader must give it. Scores are written as changes from full marks
(``lose``) or from zero (``earn``); every other test cell must get full marks (or 0).

The assignment is notebook 01 (the softmax policy). Cascades follow its wrong-answer notes
(tests/wrong_answers/nb01_softmax_policy.py): an unstable softmax costs only softmax's own
points, because the later tests keep their logits below 700.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading.base.cells import grade_id, is_answer, is_test, nbgrader_meta, student_submission
from grading.base.course import Course

ASSIGNMENT = "01_softmax_policy"
SECRET_ENV = "PG_GRADING_SECRET_MARKER"  # set in the grader's environment; must not reach a kernel


@dataclass
class Context:
    """What a fixture builds from: the course copy, the released and the source notebook."""

    course: Course
    released: nbformat.NotebookNode
    source: nbformat.NotebookNode

    @property
    def maxima(self) -> dict[str, float]:
        return {grade_id(c): float(nbgrader_meta(c)["points"]) for c in self.source.cells if is_test(c)}

    @property
    def answer_ids(self) -> list[str]:
        return [grade_id(c) for c in self.source.cells if is_answer(c)]

    def folder(self, student: str) -> Path:
        path = self.course.root / "submitted" / student / ASSIGNMENT
        path.mkdir(parents=True, exist_ok=True)
        return path

    def submission(self, answers: dict[str, str] | None = None, extra: dict[str, str] | None = None,
                   setup: Callable[[str], str] | None = None) -> nbformat.NotebookNode:
        """The solutions, with ``answers`` (grade_id -> source) replaced and ``extra`` cells
        (grade_id -> source) added right after the named answer cell (``"END"``: at the end)."""
        nb = student_submission(self.released, self.source, answers or {})
        for gid, code in (extra or {}).items():
            cell = nbformat.v4.new_code_cell(code)
            if gid == "END":
                nb.cells.append(cell)
            else:
                at = next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)
                nb.cells.insert(at + 1, cell)
        if setup:
            cell = next(c for c in nb.cells if c.cell_type == "code" and re.search(r"^SEED = ", c.source, re.M))
            cell.source = setup(cell.source)
        return nb

    def stub(self, gid: str) -> str:
        return next(c.source for c in self.released.cells if grade_id(c) == gid)

    def write(self, student: str, nb: nbformat.NotebookNode, name: str | None = None) -> None:
        nbformat.write(nb, self.folder(student) / (name or f"{ASSIGNMENT}.ipynb"))

    def write_bytes(self, student: str, data: bytes, name: str | None = None) -> None:
        (self.folder(student) / (name or f"{ASSIGNMENT}.ipynb")).write_bytes(data)


@dataclass
class Fixture:
    student: str
    build: Callable[[Context], None]
    status: str
    """graded / flagged / failed / missing."""
    lose: dict[str, float] = field(default_factory=dict)
    """Test cells that do not get full marks -> their score."""
    earn: dict[str, float] | None = None
    """If set, every test cell scores 0 except these (test cell -> score)."""
    reason: tuple[str, ...] = ()
    """Phrases the status reason must contain."""
    what: str = ""

    def status_ok(self, status: str, reason: str) -> bool:
        """The status is the expected one."""
        return status == self.status

    def expected(self, maxima: dict[str, float]) -> dict[str, float]:
        if self.earn is not None:
            return {gid: float(self.earn.get(gid, 0.0)) for gid in maxima}
        return {gid: float(self.lose.get(gid, top)) for gid, top in maxima.items()}


SOFTMAX_UNSTABLE = (
    "def softmax(z):\n"
    "    e = np.exp(np.asarray(z, dtype=np.float64))\n"
    "    return e / e.sum(axis=-1, keepdims=True)\n"
)
SOFTMAX_LOOP = (
    "def softmax(z):\n"
    "    z = np.array(z, dtype=np.float64)\n"
    "    rows = z.reshape(-1, z.shape[-1])\n"
    "    out = np.empty_like(rows)\n"
    "    for i in range(rows.shape[0]):\n"
    "        shifted = rows[i] - np.max(rows[i])\n"
    "        out[i] = np.exp(shifted) / np.sum(np.exp(shifted))\n"
    "    return out.reshape(z.shape)\n"
)
SOFTMAX_TORCH = (
    "def softmax(z):\n"
    "    t = torch.as_tensor(np.asarray(z, dtype=np.float64))\n"
    "    return torch.softmax(t, dim=-1).numpy()\n"
)
SOFTMAX_LOST = {"test_softmax": 0, "test_softmax_hidden": 0}


def _ref(ctx: Context, student: str, **kw) -> None:
    ctx.write(student, ctx.submission(**kw))


def _seed(k: int):
    return lambda ctx: _ref(ctx, f"reference-seed{k}", setup=lambda s: re.sub(r"^SEED = \d+", f"SEED = {k}", s,
                                                                               flags=re.M))


def _partial(ctx: Context) -> None:
    keep = {"softmax", "log_softmax"}
    _ref(ctx, "partial", answers={gid: ctx.stub(gid) for gid in ctx.answer_ids if gid not in keep})


def _edited_tests(ctx: Context) -> None:
    nb = ctx.submission(answers={"softmax": SOFTMAX_UNSTABLE})
    nb.cells = [c for c in nb.cells if not (is_test(c) and grade_id(c).endswith("_hidden"))]
    for c in nb.cells:
        if is_test(c):
            c.source = "pass  # tests edited out"
    ctx.write("edited-tests", nb)


def _files_attack(ctx: Context) -> None:
    root = ctx.course.root
    targets = [root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", root / "grading" / "gradebook.db",
               root / "submitted" / "reference" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"]
    code = (
        "_leaks = []\n"
        f"for _path in {[str(t) for t in targets]!r}:\n"
        "    try:\n"
        "        with open(_path, 'rb') as _f:\n"
        "            _leaks.append(_f.read(20))\n"
        "    except OSError:\n"
        "        pass\n"
        "print('LEAK' if _leaks else 'reads blocked')\n"
    )
    _ref(ctx, "attack-read-files", extra={"END": code})


def _gradebook_attack(ctx: Context) -> None:
    db = ctx.course.root / "grading" / "gradebook.db"
    code = (
        "import sqlite3\n"
        "try:\n"
        f"    _con = sqlite3.connect({str(db)!r})\n"
        "    _con.execute('UPDATE grade SET manual_score = 100')\n"
        "    _con.commit()\n"
        "    print('GRADEBOOK WRITTEN')\n"
        "except Exception as _exc:\n"
        "    print('gradebook blocked:', type(_exc).__name__)\n"
    )
    _ref(ctx, "attack-write-gradebook", extra={"END": code})


def _malformed(data: bytes, student: str):
    return lambda ctx: ctx.write_bytes(student, data)


def _missing(ctx: Context) -> None:
    (ctx.folder("missing") / "README.txt").write_text("I forgot to upload my notebook.\n")


def _renamed(ctx: Context) -> None:
    ctx.write("renamed", ctx.submission(), name=f"{ASSIGNMENT} (1).ipynb")


FORK_BOMB = (
    "import os, time\n"
    "_parent = os.getpid()\n"
    "try:\n"
    "    while True:\n"
    "        try:\n"
    "            os.fork()\n"
    "        except OSError:\n"
    "            time.sleep(0.01)\n"
    "finally:\n"
    "    if os.getpid() != _parent:\n"
    "        os._exit(0)\n"
)
MEMORY_BOMB = "_hog = []\nwhile True:\n    _hog.append(np.empty(2**27))  # 1 GiB each\n"
FLOOD = "print('x' * 5_000_000)\nfor _ in range(3000):\n    print('y' * 1000)\n"
INPUT_TRANSFORMER = (
    SOFTMAX_UNSTABLE
    + "get_ipython().input_transformers_cleanup.append(\n"
      "    lambda lines: ['pass\\n'] if any('pg.' in line for line in lines) else lines)\n"
)
AST_TRANSFORMER = (
    SOFTMAX_UNSTABLE
    + "import ast\n"
      "class _Skip(ast.NodeTransformer):\n"
      "    def visit_Module(self, node):\n"
      "        node.body = [ast.Pass()]\n"
      "        return node\n"
      "get_ipython().ast_transformers.append(_Skip())\n"
)
ALWAYS_EQUAL = (
    "class _Always(str):\n"
    "    def __eq__(self, other):\n"
    "        return True\n"
    "    __hash__ = str.__hash__\n"
    "    def strip(self):\n"
    "        return self\n"
    "    def lower(self):\n"
    "        return self\n"
    "ANSWER_max = _Always('a')\n"
)

FIXTURES: list[Fixture] = [
    # ---- honest work
    Fixture("reference", lambda ctx: _ref(ctx, "reference"), "graded", what="the solutions"),
    *[Fixture(f"reference-seed{k}", _seed(k), "graded", what=f"the solutions with SEED = {k}") for k in range(1, 5)],
    Fixture("reference-loop", lambda ctx: _ref(ctx, "reference-loop", answers={"softmax": SOFTMAX_LOOP}),
            "graded", what="softmax written as a loop over rows"),
    Fixture("reference-torch", lambda ctx: _ref(ctx, "reference-torch", answers={"softmax": SOFTMAX_TORCH}),
            "graded", what="softmax through torch"),
    Fixture("blank", lambda ctx: ctx.write("blank", ctx.released), "graded", earn={}, what="the untouched release"),
    Fixture("partial", _partial, "graded",
            earn={"test_softmax": 1, "test_softmax_hidden": 2, "test_log_softmax": 1, "test_log_softmax_hidden": 2},
            what="only softmax and log_softmax answered"),
    Fixture("wrong-softmax", lambda ctx: _ref(ctx, "wrong-softmax", answers={"softmax": SOFTMAX_UNSTABLE}),
            "graded", lose=SOFTMAX_LOST, what="no max subtraction"),
    Fixture("wrong-letter", lambda ctx: _ref(ctx, "wrong-letter", answers={"answer_max": 'ANSWER_max = "a"\n'}),
            "graded", lose={"test_answer_max": 0}, what="a wrong multiple-choice letter"),
    Fixture("reads-demo", lambda ctx: _ref(ctx, "reads-demo", answers={"answer_ascent": (
        "print('the experiment ended at', final.round(2))  # set by a demo cell\nANSWER_ascent = 'a'\n")}),
            "graded", what="an answer that reads a demonstration cell's result, so the grader runs that cell"),
    Fixture("edited-tests", _edited_tests, "graded", lose=SOFTMAX_LOST,
            what="tests edited to pass and hidden tests deleted: restored from the source"),
    # ---- bad input
    Fixture("malformed-json", _malformed(b'{"cells": [{"cell_type": "code", "source": "x = ', "malformed-json"),
            "failed", earn={}, reason=("unreadable notebook",)),
    Fixture("not-a-notebook", _malformed(json.dumps({"hello": "world"}).encode(), "not-a-notebook"),
            "failed", earn={}, reason=("unreadable notebook",)),
    Fixture("binary-garbage", _malformed(bytes(range(256)) * 4, "binary-garbage"),
            "failed", earn={}, reason=("unreadable notebook",)),
    Fixture("missing", _missing, "missing", earn={}),
    Fixture("renamed", _renamed, "flagged", reason=("renamed notebook",)),
    Fixture("timeout", lambda ctx: _ref(ctx, "timeout", answers={
        "sample_action": "def sample_action(theta, x, rng):\n    while True:\n        pass\n"}),
            "graded", lose={"test_sample_action": 0, "test_sample_action_hidden": 0},
            what="an endless loop: each calling test cell is stopped and scores 0"),
    # ---- attacks on the tests
    Fixture("attack-numpy", lambda ctx: _ref(ctx, "attack-numpy", answers={"softmax": SOFTMAX_UNSTABLE + (
        "np.allclose = lambda *a, **k: True\n"
        "np.abs = lambda x: 0 * x\n"
        "np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)\n")}),
            "flagged", lose=SOFTMAX_LOST, reason=("assigns np.allclose", "changed numpy.abs")),
    Fixture("attack-numpy-testing", lambda ctx: _ref(ctx, "attack-numpy-testing", answers={"softmax": SOFTMAX_UNSTABLE + (
        "import numpy.testing\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n")}),
            "flagged", lose=SOFTMAX_LOST, reason=("numpy.testing.assert_allclose",)),
    Fixture("attack-builtins", lambda ctx: _ref(ctx, "attack-builtins", extra={"softmax": (
        "import builtins\n"
        "_max = builtins.max\n"
        "builtins.max = lambda *a, **k: _max(*a, **k)\n")}),
            "flagged", reason=("builtins.max",)),
    Fixture("attack-pg-checks", lambda ctx: _ref(ctx, "attack-pg-checks", answers={"softmax": SOFTMAX_UNSTABLE + (
        "pg.check_close = lambda *a, **k: None\n"
        "pg.checks.check_close = pg.check_close\n"
        "pg.check_finite = lambda *a, **k: None\n")}),
            "flagged", lose=SOFTMAX_LOST, reason=("pg.check_close", "changed pg_helpers.check_close")),
    Fixture("attack-always-equal", lambda ctx: _ref(ctx, "attack-always-equal", answers={"answer_max": ALWAYS_EQUAL}),
            "flagged", lose={"test_answer_max": 0}, reason=("defines __eq__",),
            what="an answer whose == always says True: the letter check wants an exact str, and the scan flags it"),
    Fixture("attack-input-transformer", lambda ctx: _ref(ctx, "attack-input-transformer",
                                                         answers={"softmax": INPUT_TRANSFORMER}),
            "flagged", lose=SOFTMAX_LOST, reason=("input_transformers_cleanup",)),
    Fixture("attack-ast-transformer", lambda ctx: _ref(ctx, "attack-ast-transformer",
                                                       answers={"softmax": AST_TRANSFORMER}),
            "flagged", lose=SOFTMAX_LOST, reason=("ast_transformers",)),
    # ---- attacks on the grader
    Fixture("attack-read-files", _files_attack, "flagged", reason=("opens files", "mentions")),
    Fixture("attack-write-gradebook", _gradebook_attack, "flagged", reason=("imports sqlite3",)),
    Fixture("attack-environment", lambda ctx: _ref(ctx, "attack-environment", extra={"END": (
        "import os\n"
        "print(sorted(os.environ))\n"
        "GRADING = any(k.startswith('NBGRADER') for k in os.environ)\n")}),
            "flagged", reason=("reads the environment",)),
    Fixture("attack-history", lambda ctx: _ref(ctx, "attack-history", extra={"END": "print(In[-2][:40])\n"}),
            "flagged", reason=("IPython history",)),
    Fixture("attack-network", lambda ctx: _ref(ctx, "attack-network", extra={"END": (
        "import urllib.request\n"
        "try:\n"
        "    urllib.request.urlopen('http://example.com', timeout=3)\n"
        "    print('NETWORK REACHED')\n"
        "except Exception as _exc:\n"
        "    print('network blocked:', type(_exc).__name__)\n")}),
            "flagged", reason=("imports urllib",)),
    Fixture("attack-sys-exit", lambda ctx: _ref(ctx, "attack-sys-exit", answers={
        "log_softmax": "import sys\nsys.exit(0)\n" + "def log_softmax(z):\n    return np.log(softmax(z))\n"}),
            "flagged", lose={"test_log_softmax": 0, "test_log_softmax_hidden": 0}, reason=("exits",)),
    Fixture("attack-os-exit", lambda ctx: _ref(ctx, "attack-os-exit", extra={"grad_log_prob": "import os\nos._exit(0)\n"}),
            "failed", lose={gid: 0 for gid in ("test_grad_log_prob", "test_grad_log_prob_hidden",
                                               "test_policy_gradient_step", "test_policy_gradient_step_hidden",
                                               "test_answer_max", "test_answer_ascent", "test_answer_one_step")},
            reason=("kernel died", "exits the process")),
    Fixture("attack-output-flood", lambda ctx: _ref(ctx, "attack-output-flood", extra={"softmax": FLOOD}),
            "flagged", reason=("output flood",)),
    Fixture("attack-fork-bomb", lambda ctx: _ref(ctx, "attack-fork-bomb", extra={"END": FORK_BOMB}),
            "flagged", reason=("forks",)),
    Fixture("attack-memory-bomb", lambda ctx: _ref(ctx, "attack-memory-bomb", extra={"END": MEMORY_BOMB}),
            "flagged", reason=("memory limit",)),
    Fixture("attack-ignore-interrupt", lambda ctx: _ref(ctx, "attack-ignore-interrupt", extra={"END": (
        "import signal\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "while True:\n"
        "    pass\n")}),
            "failed", reason=("stopped responding", "imports signal")),
]

# LMS downloads: (file name inside the zip, what is handed in, the student id collect must give)
LMS_FILES = [
    ("smithjane_12345_67890_01_softmax_policy.ipynb", "reference", "smithjane_12345"),
    ("Ali Khan_4321_assignsubmission_file_/01_softmax_policy-2.ipynb", "blank", "ali-khan_4321"),
    ("01 Softmax_bchen_attempt_2026-01-31-12-00-00_01_softmax_policy.ipynb", "reference", "bchen"),
]
