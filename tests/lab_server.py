"""Start the student's lab exactly as `make lab` does (or the instructor's, as `make formgrader` does), on
127.0.0.1 with a token, for the tests that use it.

``running_lab(root, log, extra_env, target)`` is a context manager yielding ``(base_url, token)``; it ends
make, jupyter lab and its kernels (the process group it started) on exit.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, token: str, data: bytes | None = None, method: str | None = None) -> tuple[int, str]:
    """(status, body) of a request to the lab, authenticated by ``token``."""
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@contextmanager
def running_lab(root: Path, log: Path, extra_env: dict[str, str] | None = None, target: str = "lab"):
    """`make lab` serving ``root`` (``target="formgrader"``: `make formgrader` on the course at ``root``); its
    output goes to ``log``. Fails with the log's tail if it does not start."""
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={token}")
    # The student's environment: no PG_FAST from the test run, no JUPYTER_CONFIG_PATH but the lab's own.
    env = {k: v for k, v in os.environ.items() if k not in ("PG_FAST", "JUPYTER_CONFIG_PATH")}
    env.update(extra_env or {})
    with open(log, "w") as out:
        where = f"LAB_DIR={root}" if target == "lab" else f"COURSE={root}"
        server = subprocess.Popen(["make", "-s", target, where, f"LAB_ARGS={args}"], cwd=REPO, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(server, f"{base}/api/status", token, 120,
                      lambda: f"`make {target}` did not start:\n{log.read_text()[-3000:]}")
        yield base, token
    finally:
        stop(server)


def wait_until_up(server: subprocess.Popen, url: str, token: str, timeout: float, failure) -> None:
    """Poll ``url`` until it answers 200; raise RuntimeError(``failure()``) if ``server`` exits or
    ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if http(url, token)[0] == 200:
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure())
        time.sleep(0.5)


def stop(server: subprocess.Popen) -> None:
    """End make, jupyter lab and its kernels: the process group this module started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=20)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
