"""`make lab` gives the student's Validate the course's configuration and hides the instructor's tools.

Starts the lab exactly as `make lab` does (on 127.0.0.1, with a token, in a temporary folder),
then asks it: its page configuration, the formgrader's address, and Validate on a small notebook.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from . import notebook_factory as nbf

REPO = Path(__file__).resolve().parent.parent
PAGE_CONFIG = REPO / "lab" / "config" / "labconfig" / "page_config.json"
STUDENT_PLUGINS = {"@jupyter/nbgrader:validate-assignment", "@jupyter/nbgrader:assignment-list"}
# A test cell that passes only if Validate runs the small configuration with the course's timeout.
FAST_CHECK = ("# Visible test for fast (1 point)\nimport os, pg_helpers as pg\n"
              "assert pg.fast_mode(), 'Validate should run the small configuration'\n"
              "print('validating:', os.environ.get('NBGRADER_EXECUTION'))")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running `make lab` server: (base url, token, root folder, log path)."""
    root = tmp_path_factory.mktemp("lab")
    log = root.parent / "lab.log"
    port, token = _free_port(), secrets.token_hex(16)
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={token}")
    env = {k: v for k, v in os.environ.items() if k not in ("PG_FAST", "JUPYTER_CONFIG_PATH")}
    with open(log, "w") as out:
        server = subprocess.Popen(["make", "-s", "lab", f"LAB_DIR={root}", f"LAB_ARGS={args}"], cwd=REPO, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{base}/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make lab` did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, root, log
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """End make, jupyter lab and its kernels: the process group this test started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=20)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def test_the_disabled_plugins_exist_and_spare_the_students_tools():
    disabled = set(json.loads(PAGE_CONFIG.read_text())["disabledExtensions"])
    bundle = REPO / ".venv" / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    if not bundle.is_dir():
        pytest.skip(f"nbgrader's labextension is not installed at {bundle}")
    code = "".join(p.read_text(errors="replace") for p in bundle.glob("*.js"))
    ids = set(re.findall(r'"(@jupyter/nbgrader:[\w-]+)"', code))
    assert disabled <= ids, f"page_config.json disables plugins nbgrader does not have: {sorted(disabled - ids)}"
    assert STUDENT_PLUGINS <= ids - disabled, "Validate and the assignment list must stay enabled"
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= disabled


def test_the_lab_page_disables_the_instructor_plugins(lab):
    base, token, _, _ = lab
    status, page = _get(f"{base}/lab", token)
    assert status == 200, page[:500]
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    expected = set(json.loads(PAGE_CONFIG.read_text())["disabledExtensions"])
    assert expected <= set(config.get("disabledExtensions", [])), config.get("disabledExtensions")
    assert _get(f"{base}/formgrader", token)[0] == 404, "the formgrader must not be served to students"


def test_validate_uses_the_course_configuration_without_warnings(lab):
    base, token, root, log = lab
    nb = nbf.notebook(nbf.md("# 00 · Fast\n\n**Points: 1**"), nbf.test(FAST_CHECK, "test_fast", 1))
    nbformat.write(nb, root / "fast.ipynb")
    status, body = _get(f"{base}/assignments/validate", token, urllib.parse.urlencode({"path": "fast.ipynb"}).encode())
    assert status == 200, body[:2000]
    result = json.loads(body)
    assert result["success"] and "failed" not in result["value"], json.dumps(result, indent=1)[:3000]
    text = log.read_text()
    assert "No nbgrader_config.py" not in text, text[-3000:]
    warnings = [line for line in text.splitlines() if re.search(r"\bW \d|WARNING|Warning", line)
                and "404 GET /formgrader" not in line  # the request of the test above
                and "Kernel is running over TCP without encryption" not in line]  # ipykernel's, on every kernel
    assert not warnings, "the lab's log has warnings:\n" + "\n".join(warnings)
