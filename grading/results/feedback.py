"""``feedback``: one HTML page per student and notebook, without the hidden tests.

Hidden-test regions are replaced by a one-line note, and a test cell that has hidden tests
keeps only the error's name and message (never the traceback, which would quote the failing
hidden line). The page opens with the student's name (from the roster, if imported), the
notebook's total and status, then one line per exercise: its points and, for each failed test
cell, the message its check produced ("log_softmax of a (2, 2) batch: expected ..., got ..."),
and the instructor's comment on it. Scores are the gradebook's, as in ``export``: a manual grade
given in formgrader wins over the automatic one.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import nbformat

from ..base import gradebook as gbmod
from ..base.cells import BEGIN_HIDDEN, END_HIDDEN, grade_id, is_test, regions
from ..base.course import Course, autograded_dir, notebooks_of, submitted_dir
from ..engine.batch import select_students
from ..engine.result_files import Task
from ..intake.students import names
from .exchange import copy_exchange_receipts
from .export import status_text
from .feedback_math import markdown_math_to_mathml
from .nbgrader_results import course_or_nbgrader_result

HIDDEN_NOTE = "# (hidden tests: they ran when your work was graded)"

# nbconvert's lab page, except that a code cell's highlighted source is not passed through bleach:
# Pygments has already escaped it, and bleach's parse of every cell was about a third of a page's time.
PAGE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input %}
"""


def strip_hidden(source: str) -> tuple[str, bool]:
    """``source`` with every hidden-test region replaced by a note; True if it had one."""
    lines, inside, had = [], False, False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN_HIDDEN:
            inside, had = True, True
            lines.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
        elif stripped == END_HIDDEN:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines), had


def exercise_of(gid: str) -> str:
    """``test_softmax_hidden`` -> ``softmax``: the exercise a test cell belongs to."""
    return gid.removeprefix("test_").removesuffix("_hidden")


def failure_message(cell, limit: int = 300) -> str:
    """The first line of a test cell's error as ``Name: message`` (what the check said), or ""."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip().splitlines()[0]
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def exercise_lines(nb, result: dict) -> list[str]:
    """HTML lines, one per exercise in notebook order: points, and what each failed test cell said."""
    points: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    for cell in nb.cells:
        gid = grade_id(cell)
        if cell.cell_type != "code" or not gid or not is_test(cell) or gid not in result.get("scores", {}):
            continue
        name = exercise_of(gid)
        score, top = result["scores"][gid], result.get("max_scores", {}).get(gid, 0)
        got = points.setdefault(name, [0.0, 0.0])
        got[0] += score
        got[1] += top
        if score < top:
            kind = "hidden tests" if gid.endswith("_hidden") else "visible test"
            failures.setdefault(name, []).append(f"{kind}: {failure_message(cell) or 'no error message (the cell did not run)'}")
    # Raw HTML, not markdown: a message's * or _ must not turn into emphasis.
    comments = result.get("comments", {})
    for name in comments:
        points.setdefault(name, [0.0, 0.0])
    items = []
    for name, (score, top) in points.items():
        said = "".join(f"<br>{html.escape(f)}" for f in failures.get(name, []))
        if name in comments:
            said += f"<br>comment from your instructor: {html.escape(comments[name])}"
        items.append(f"<li><code>{html.escape(name)}</code>: {score:g} / {top:g}{said}</li>")
    return ["<ul>", *items, "</ul>"] if items else []


def clean_notebook(nb, result: dict, name: str | None = None):
    """A copy of the executed notebook that is safe to hand back; ``name`` is the student's."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_math_to_mathml(cell.source)
        if cell.cell_type != "code":
            continue
        secret = {line.strip() for region in regions(cell.source, BEGIN_HIDDEN, END_HIDDEN) for line in region}
        secret.discard("")
        cell.source, hidden = strip_hidden(cell.source)
        if hidden:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
                elif out.get("output_type") == "stream":
                    # A warning prints the source line that raised it: a hidden test's line, here.
                    text = "".join(out.get("text", ""))
                    out["text"] = "".join(line for line in text.splitlines(keepends=True) if line.strip() not in secret)
        gid = grade_id(cell)
        if gid and is_test(cell) and gid in result.get("scores", {}):
            score, top = result["scores"][gid], result.get("max_scores", {}).get(gid, 0)
            cell.source = f"# Score: {score:g} / {top:g}\n{cell.source}"
    total = sum(result.get("scores", {}).values())
    top = sum(result.get("max_scores", {}).values())
    who = f"{html.escape(name)} ({result['student']})" if name else result["student"]
    header = (f"# Feedback: {who} · {result['assignment']} · {result['notebook']}\n\n"
              f"**Score: {total:g} / {top:g}** · status: {html.escape(status_text(result))}\n\n"
              + "\n".join(exercise_lines(nb, result)))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(header))
    return nb


def page_exporter():
    """nbconvert's HTML exporter with ``PAGE_TEMPLATE``: the lab page, written faster."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(extra_loaders=[DictLoader({"feedback.html.j2": PAGE_TEMPLATE})],
                        template_file="feedback.html.j2")


def feedback(course: Course, assignments: list[str] | None = None, students: list[str] | None = None,
             db: str | None = None) -> list[Path]:
    exporter = page_exporter()
    who = names(course, db)
    written = []
    with gbmod.open_gradebook(gbmod.gradebook_url(course, db)) as gb:
        for name in course.select_assignments(assignments):
            written += _pages(course, gb, exporter, who, name, select_students(course, students))
    if not written:
        print("feedback: nothing to write (no autograded notebooks for this selection)", file=sys.stderr)
    else:
        print(f"feedback: {len(written)} pages under {course.root / 'feedback'}", file=sys.stderr)
    return written


def _pages(course: Course, gb, exporter, who: dict[str, str], name: str, students: list[str]) -> list[Path]:
    """Write the feedback pages of assignment ``name`` for ``students``; return their paths."""
    written = []
    for student in students:
        for notebook in notebooks_of(course, name):
            task = Task(student, name, notebook)
            result = course_or_nbgrader_result(course, task, gb)
            if result is None or result["status"] == "missing":
                continue
            result = gbmod.as_in_gradebook(gb, result)
            executed = autograded_dir(course, student, name) / f"{notebook}.ipynb"
            # An unreadable submission still gets a page that says why it scored 0.
            run = nbformat.read(executed, as_version=4) if executed.is_file() else nbformat.v4.new_notebook()
            body, _ = exporter.from_notebook_node(clean_notebook(run, result, who.get(student)))
            out = course.root / "feedback" / student / name / f"{notebook}.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(body, encoding="utf-8")
            written.append(out)
            # A submission from nbgrader's exchange: what `nbgrader release_feedback` needs (exchange.py).
            copy_exchange_receipts(submitted_dir(course, student, name), out.parent)
    return written
