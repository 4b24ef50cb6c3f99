"""The student's path in a real browser: JupyterLab from `make lab`, driven in Debian's Chromium by Playwright.

For each notebook: open the fresh release, Run All, see the first TODO's message ("softmax is not
written yet"); write the solution into that TODO through the editor, run it and its visible test,
see the test pass; press Validate and read its dialog (it names the next unfinished TODO, not the
one just written); save, reopen, see no widget error. Then notebook 03 with every TODO filled in:
Run All to the end, the training bar finished (not red) with its outcome, save, reopen, and no
widget error where the bars were.

Screenshots go to ``artifacts/browser/`` (``PG_ARTIFACTS`` sets the folder). Playwright never
downloads a browser here: it drives ``/usr/bin/chromium`` (``apt-get install chromium``, done by
``make system-deps`` as root). The test skips, saying why, when either is missing.

The lab's notebook view renders every cell (``windowingMode: none``, a user setting of this test
only) so that outputs far from the viewport can be read; the student's lab keeps JupyterLab's default.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grading.base.cells import grade_id, is_answer, student_submission, without_markers
from grading.base.course import Course

from .conftest import read_nb
from .lab_server import REPO, running_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PG_ARTIFACTS", REPO / "artifacts")) / "browser"
# Chromium as root in a closed network: no sandbox (root), and no background connections that the
# network refuses; a fresh profile each run.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
NAMES = Course().assignments()
FULL_RUN = "03_reinforce"  # its training bars stop early when solved
NOT_WRITTEN = "is not written yet"
WIDGET_ERRORS = ("Error displaying widget", "model not found")
TIMEOUT_MS = 180_000  # a Run All or a Validate on a loaded 2-core machine

sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed (pip install playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"Debian's chromium is not at {CHROMIUM}: `apt-get install chromium` as root (make system-deps)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` serving a folder of fresh releases: (base url, token, folder)."""
    root = tmp_path_factory.mktemp("browser-lab")
    settings = tmp_path_factory.mktemp("lab-settings") / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    log = root.parent / "browser-lab.log"
    with running_lab(root, log, {"JUPYTERLAB_SETTINGS_DIR": str(settings.parent.parent)}) as (base, token):
        yield base, token, root


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    page.close()


def _open(page, lab, filename: str) -> None:
    base, token, _ = lab
    workspace = Path(filename).stem  # a workspace of its own, reset: no tab of an earlier test comes back
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{filename}?reset&token={token}")
    _wait_idle(page)


def _wait_idle(page) -> None:
    """Until the kernel is idle and no cell is queued or running ("[*]")."""
    page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for()
    page.wait_for_function("!Array.from(document.querySelectorAll('.jp-InputPrompt'))"
                           ".some(p => p.textContent.includes('*'))")


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _run_all(page) -> None:
    _menu(page, "Run", "Run All Cells")
    page.wait_for_timeout(1000)  # the first cells are queued before the status leaves Idle
    _wait_idle(page)


def _notebook(page):
    """The notebook in view (the only one open in this test's workspace)."""
    return page.locator(".jp-NotebookPanel:visible").first


def _errors(page) -> list[str]:
    return _notebook(page).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


def _shot(page, name: str, step: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}-{step}.png"))


def _save_and_reopen(page, lab, filename: str) -> str:
    """Save, reload the page (JupyterLab reopens the notebook from disk), return the notebook's text."""
    _notebook(page).click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.locator(".jp-mod-dirty").first.wait_for(state="detached")
    page.reload()
    _open(page, lab, filename)
    return _notebook(page).inner_text()


def _first_todo(name: str) -> tuple[str, str]:
    """The first answer cell's grade_id (its function's name) and the solution as a student writes it."""
    source = read_nb(Course().source_notebook(name))
    cell = next(c for c in source.cells if is_answer(c))
    return grade_id(cell), without_markers(cell.source)


@pytest.mark.parametrize("name", NAMES)
def test_the_first_todo_from_fresh_release_to_validate(page, lab, name):
    _, _, root = lab
    filename = f"{name}.ipynb"
    shutil.copy(Course().release_notebook(name), root / filename)
    todo, answer = _first_todo(name)
    _open(page, lab, filename)

    _run_all(page)
    errors = _errors(page)
    _shot(page, name, "1-after-run-all")
    assert errors, f"{name}: Run All of the fresh release raised nothing; it must stop at the first TODO ({todo})"
    assert f"{todo} {NOT_WRITTEN}" in errors[0], f"{name}: the first error should name {todo}, got:\n{errors[0][-800:]}"
    _notebook(page).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first.scroll_into_view_if_needed()
    _shot(page, name, "1-first-todo-fails")

    answer_cell = _notebook(page).locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=re.compile(rf"(def|class) {todo}\b"))).first
    answer_cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(answer)  # as pasted: no auto-indent or bracket closing on the way
    page.keyboard.press("Shift+Enter")  # the answer cell, then its visible test right below it
    page.keyboard.press("Shift+Enter")
    page.wait_for_timeout(500)
    _wait_idle(page)
    visible_test = answer_cell.locator("xpath=following-sibling::div[contains(@class,'jp-Cell')][1]")
    output = visible_test.locator(".jp-OutputArea").inner_text()
    assert f"{todo}: visible tests passed" in output, f"{name}: the visible test of {todo} did not pass:\n{output[-800:]}"
    visible_test.scroll_into_view_if_needed()
    _shot(page, name, "2-first-todo-passes")

    _notebook(page).locator(".jp-Toolbar-item", has_text="Validate").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for()
    text = dialog.inner_text()
    page.locator(".jp-Dialog pre, .jp-Dialog .jp-OutputArea").last.scroll_into_view_if_needed()
    _shot(page, name, "3-validate")
    assert NOT_WRITTEN in text, f"{name}: Validate's dialog should name the next unfinished TODO:\n{text[:3000]}"
    assert f"Visible test for {todo} " not in text, f"{name}: Validate failed {todo}'s test, which passes:\n{text[:3000]}"
    page.locator(".jp-Dialog button", has_text="Ok").click()

    reopened = _save_and_reopen(page, lab, filename)
    _shot(page, name, "4-reopened")
    for error in WIDGET_ERRORS:
        assert error not in reopened, f"{name}: the reopened notebook shows {error!r}"


def test_a_finished_notebook_runs_to_the_end_and_reopens_cleanly(page, lab):
    _, _, root = lab
    course = Course()
    filename = f"{FULL_RUN}-finished.ipynb"
    done = student_submission(read_nb(course.release_notebook(FULL_RUN)), read_nb(course.source_notebook(FULL_RUN)))
    nbformat.write(done, root / filename)
    _open(page, lab, filename)
    _run_all(page)
    assert not _errors(page), f"{FULL_RUN} with every TODO filled in raised:\n" + "\n".join(_errors(page))[-2000:]
    bars = _notebook(page).locator(".pg-progress")
    assert bars.count(), f"{FULL_RUN}: no progress bar was drawn"
    texts = bars.all_inner_texts()
    bars.filter(has_text="done: ").first.scroll_into_view_if_needed()  # the screenshot shows the outcome
    _shot(page, FULL_RUN, "5-finished")
    unfinished = [t for t in texts if "done" not in t]
    assert not unfinished, f"{FULL_RUN}: bars that did not end done (stopped or error look like a crash): {unfinished}"
    assert _notebook(page).locator(".pg-progress-done").count() == len(texts), f"{FULL_RUN}: bars not in the done state: {texts}"
    outcomes = [t for t in texts if "done: " in t]  # "... done: solved at update 212"
    assert outcomes, f"{FULL_RUN}: the training bar should say why it stopped early: {texts}"

    reopened = _save_and_reopen(page, lab, filename)
    _shot(page, FULL_RUN, "6-reopened")
    for error in WIDGET_ERRORS:
        assert error not in reopened, f"{FULL_RUN}: the reopened notebook shows {error!r} where the bars were"
    assert any(t.strip() in reopened for t in outcomes), f"the finished bars' text did not survive saving: {outcomes}"


def test_a_feedback_page_shows_its_math_with_no_network(page, tmp_path):
    """A student reads feedback offline: the page's equations are MathML, drawn by the browser itself."""
    from nbconvert import HTMLExporter

    from grading.results.feedback import clean_notebook

    course = Course()
    name = course.assignments()[0]
    released = read_nb(course.release_notebook(name))
    math_cells = [c for c in released.cells if c.cell_type == "markdown" and "$" in c.source][:3]
    assert math_cells, f"{name}: no markdown cell with math to show"
    nb = nbformat.v4.new_notebook(cells=math_cells)
    result = {"student": "ann", "assignment": name, "notebook": name, "status": "graded", "scores": {}, "max_scores": {}}
    body, _ = HTMLExporter().from_notebook_node(clean_notebook(nb, result))
    html_page = tmp_path / "feedback.html"
    html_page.write_text(body, encoding="utf-8")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(html_page.as_uri())
    equations = page.locator("math")
    assert equations.count() >= len(math_cells), f"{equations.count()} equations drawn for {len(math_cells)} cells"
    box = equations.first.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 8, f"the first equation has no size on the page: {box}"
    assert "\\" not in page.inner_text("body").split("Score:")[-1][:4000], "raw LaTeX shows on the page"
    page.screenshot(path=str(ARTIFACTS / "feedback-math.png"))
