"""`make lab` gives the student's Validate the course's configuration and hides the instructor's tools.

Starts the lab exactly as `make lab` does (on 127.0.0.1, with a token, in a temporary folder),
then asks it: its page configuration, the formgrader's address, and Validate on a small notebook.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import nbformat
import pytest

from . import notebook_factory as nbf
from .lab_server import REPO, http, running_lab

PAGE_CONFIG = REPO / "lab" / "config" / "labconfig" / "page_config.json"
STUDENT_PLUGINS = {"@jupyter/nbgrader:validate-assignment", "@jupyter/nbgrader:assignment-list"}
# A test cell that passes only if Validate runs the small configuration with the course's timeout.
FAST_CHECK = ("# Visible test for fast (1 point)\nimport os, pg_helpers as pg\n"
              "assert pg.fast_mode(), 'Validate should run the small configuration'\n"
              "print('validating:', os.environ.get('NBGRADER_EXECUTION'))")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running `make lab` server: (base url, token, root folder, log path)."""
    root = tmp_path_factory.mktemp("lab")
    log = root.parent / "lab.log"
    try:
        with running_lab(root, log) as (base, token):
            yield base, token, root, log
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_the_disabled_plugins_exist_and_spare_the_students_tools():
    disabled = set(json.loads(PAGE_CONFIG.read_text())["disabledExtensions"])
    bundle = REPO / ".venv" / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    if not bundle.is_dir():
        pytest.skip(f"nbgrader's labextension is not installed at {bundle}")
    code = "".join(p.read_text(errors="replace") for p in bundle.glob("*.js"))
    ids = set(re.findall(r'"(@jupyter/nbgrader:[\w-]+)"', code))
    ours = {p for p in disabled if p.startswith("@jupyter/nbgrader:")}
    assert ours <= ids, f"page_config.json disables plugins nbgrader does not have: {sorted(ours - ids)}"
    lab_code = "".join(p.read_text(errors="replace") for p in (REPO / ".venv" / "share" / "jupyter" / "lab" / "static").glob("*.js"))
    missing = {p for p in disabled - ours if f'"{p}"' not in lab_code}
    assert not missing, f"page_config.json disables plugins JupyterLab does not have: {sorted(missing)}"
    # Offline students get no "Jupyter news?" prompt (the lab cannot fetch news without a network anyway).
    assert "@jupyterlab/apputils-extension:announcements" in disabled
    assert STUDENT_PLUGINS <= ids - disabled, "Validate and the assignment list must stay enabled"
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= disabled


def test_the_lab_page_disables_the_instructor_plugins(lab):
    base, token, _, _ = lab
    status, page = http(f"{base}/lab", token)
    assert status == 200, page[:500]
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    expected = set(json.loads(PAGE_CONFIG.read_text())["disabledExtensions"])
    assert expected <= set(config.get("disabledExtensions", [])), config.get("disabledExtensions")
    assert http(f"{base}/formgrader", token)[0] == 404, "the formgrader must not be served to students"


def test_validate_uses_the_course_configuration_without_warnings(lab):
    base, token, root, log = lab
    nb = nbf.notebook(nbf.md("# 00 · Fast\n\n**Points: 1**"), nbf.test(FAST_CHECK, "test_fast", 1))
    nbformat.write(nb, root / "fast.ipynb")
    status, body = http(f"{base}/assignments/validate", token, urllib.parse.urlencode({"path": "fast.ipynb"}).encode())
    assert status == 200, body[:2000]
    result = json.loads(body)
    assert result["success"] and "failed" not in result["value"], json.dumps(result, indent=1)[:3000]
    text = log.read_text()
    assert "No nbgrader_config.py" not in text, text[-3000:]
    warnings = [line for line in text.splitlines() if re.search(r"\bW \d|WARNING|Warning", line)
                and "404 GET /formgrader" not in line  # the request of the test above
                and "Kernel is running over TCP without encryption" not in line]  # ipykernel's, on every kernel
    assert not warnings, "the lab's log has warnings:\n" + "\n".join(warnings)
