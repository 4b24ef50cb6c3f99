"""A JupyterHub on 127.0.0.1 for the tests: DummyAuthenticator, one local process and home per user.

``running_hub(workdir, users, jupyter_config_path)`` is a context manager yielding a ``Hub``: its
URL and an admin API token (a service with the admin role). ``Hub.spawn(user)`` starts a user's
single-user server and returns a ``UserServer``, which talks to it through the hub's proxy with a
token of that user's own, as the user's browser would. Homes are ``workdir/home/<user>``. Every
process (the hub, configurable-http-proxy, the single-user servers and their kernels) is in the
process group this module starts, and ends on exit.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .lab_server import free_port, http, stop, wait_until_up

BIN = Path(sys.executable).parent


def missing_parts() -> str | None:
    """Why a hub cannot start here (for a skip), or None."""
    if shutil.which("node") is None:
        return "node is not installed (configurable-http-proxy runs on it: install nodejs and npm, then make system-deps as root)"
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is not installed (make system-deps: npm install -g, as root)"
    if not (BIN / "jupyterhub").is_file() or not (BIN / "jupyterhub-singleuser").is_file():
        return f"jupyterhub is not installed in {BIN.parent} (the dev extra)"
    return None


def hub_config(workdir: Path, users: list[str], ports: dict[str, int], token: str, config_path: str) -> str:
    """jupyterhub_config.py: every port on 127.0.0.1, state under ``workdir``, homes under workdir/home."""
    cmd = [str(BIN / "jupyterhub-singleuser")] + (["--allow-root"] if os.getuid() == 0 else [])
    settings = {
        "bind_url": f"http://127.0.0.1:{ports['public']}",
        "hub_bind_url": f"http://127.0.0.1:{ports['hub']}",
        "proxy_api_url": f"http://127.0.0.1:{ports['proxy_api']}",
        "db_url": f"sqlite:///{workdir / 'jupyterhub.sqlite'}",
        "cookie_secret_file": str(workdir / "jupyterhub_cookie_secret"),
        "home_template": str(workdir / "home" / "{username}"),
        "cmd": cmd,
        "users": users,
        "token": token,
        # The students' nbgrader settings: the deployment's (exchange, course) and the lab's (lab/config).
        "environment": {"JUPYTER_CONFIG_PATH": config_path},
    }
    return f"""
import json
s = json.loads({json.dumps(json.dumps(settings))})
c.JupyterHub.bind_url = s["bind_url"]
c.JupyterHub.hub_bind_url = s["hub_bind_url"]
c.ConfigurableHTTPProxy.api_url = s["proxy_api_url"]
c.JupyterHub.db_url = s["db_url"]
c.JupyterHub.cookie_secret_file = s["cookie_secret_file"]
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set(s["users"])
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = s["home_template"]
c.Spawner.cmd = s["cmd"]
c.Spawner.environment = s["environment"]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120  # s; a loaded 2-core machine starts a server in 5-20
c.JupyterHub.services = [{{"name": "test-driver", "api_token": s["token"]}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["test-driver"]}}]
"""


@dataclass
class UserServer:
    """A user's single-user server, reached through the hub's proxy with that user's token."""

    name: str
    base: str  # http://127.0.0.1:<port>/user/<name>
    token: str

    def get(self, path: str, **query: str) -> dict | list:
        """GET ``path`` (quoted here: nbgrader's feedback folders are timestamps with spaces)."""
        url = f"{self.base}/{urllib.parse.quote(path)}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        status, body = http(url, self.token)
        assert status == 200, f"{self.name}: GET {path} -> {status}: {body[:500]}"
        return json.loads(body)

    def post(self, path: str, fields: dict[str, str]) -> dict | list:
        """A form POST, as nbgrader's Assignments tab sends its fetch/submit/fetch_feedback."""
        data = urllib.parse.urlencode(fields).encode()
        status, body = http(f"{self.base}/{path}", self.token, data=data, method="POST")
        assert status == 200, f"{self.name}: POST {path} -> {status}: {body[:500]}"
        return json.loads(body)

    def assignment_action(self, action: str, course_id: str, assignment_id: str) -> list[dict]:
        """nbgrader's fetch, submit or fetch_feedback; the assignment list it answers with."""
        answer = self.post(f"assignments/{action}", {"course_id": course_id, "assignment_id": assignment_id})
        assert answer.get("success"), f"{self.name}: nbgrader {action} failed: {answer.get('value')}"
        return answer["value"]

    def put_notebook(self, path: str, nb: dict) -> None:
        """Save a notebook with the contents API, as the lab's Save does."""
        data = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        status, body = http(f"{self.base}/api/contents/{path}", self.token, data=data, method="PUT")
        assert status in (200, 201), f"{self.name}: saving {path} -> {status}: {body[:500]}"


@dataclass
class Hub:
    url: str
    admin_token: str
    log: Path
    spawned: list[str] = field(default_factory=list)

    def api(self, path: str, method: str | None = None, payload: dict | None = None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else (b"" if method == "POST" else None)
        status, body = http(f"{self.url}/hub/api/{path}", self.admin_token, data=data, method=method)
        assert status < 300, f"hub API {method or 'GET'} {path} -> {status}: {body[:500]}\n{self.log_tail()}"
        return json.loads(body) if body.strip() else {}

    def stop_servers(self) -> None:
        """Stop every server this test started, through the hub (each runs in its own session)."""
        for user in self.spawned:
            try:
                self.api(f"users/{user}/server", method="DELETE")
            except (AssertionError, OSError):
                pass  # the hub's own shutdown stops what is left (JupyterHub.cleanup_servers)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.is_file() else ""

    def spawn(self, user: str, timeout: float = 120) -> UserServer:
        """Start ``user``'s server (their home created first) and wait until the hub says it is ready."""
        self.api(f"users/{user}/server", method="POST")
        self.spawned.append(user)
        deadline = time.monotonic() + timeout
        while not self.api(f"users/{user}").get("servers", {}).get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{user}'s server did not start in {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.5)
        token = self.api(f"users/{user}/tokens", method="POST", payload={"note": "test"})["token"]
        return UserServer(user, f"{self.url}/user/{user}", token)


@contextmanager
def running_hub(workdir: Path, users: list[str], jupyter_config_path: str, timeout: float = 60):
    """A JupyterHub serving ``users``; the single-user servers get ``jupyter_config_path``."""
    ports = {name: free_port() for name in ("public", "hub", "proxy_api")}
    token = secrets.token_hex(32)
    for user in users:
        (workdir / "home" / user).mkdir(parents=True, exist_ok=True)  # the spawner does not create homes
    config = workdir / "jupyterhub_config.py"
    config.write_text(hub_config(workdir, users, ports, token, jupyter_config_path))
    log = workdir / "jupyterhub.log"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("JUPYTER_CONFIG_PATH", None)
    with open(log, "w") as out:
        server = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=workdir, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{ports['public']}", token, log)
    try:
        wait_until_up(server, f"{hub.url}/hub/api/", token, timeout,
                      lambda: f"jupyterhub did not start:\n{hub.log_tail()}")
        yield hub
    finally:
        hub.stop_servers()
        stop(server)
