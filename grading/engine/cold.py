"""A cold sandbox: one bubblewrap (or, without it, ``unshare``) process tree per notebook, started
from nothing, and the import probe that runs in the same kind of sandbox.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .sandbox_layers import (EXECUTOR, SANDBOX_EXECUTOR, Limits, bwrap_args, exit_failure, protections, sandbox_env,
                             sandbox_uid)


def command(limits: Limits, scratch: Path, fast: bool = True,
            python_args: list[str] | None = None) -> tuple[list[str], dict[str, str], str]:
    """The command line, environment and working directory that run the executor for one notebook
    (or, with ``python_args``, ``python <python_args>`` in the same sandbox)."""
    have = protections()
    env = sandbox_env(fast)
    inner: list[str] = []
    if have["setpriv"]:
        uid = sandbox_uid()
        inner += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    if have["prlimit"]:
        inner += ["prlimit", f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
                  f"--nproc={limits.processes}", f"--fsize={limits.file_bytes}",
                  f"--nofile={limits.open_files}", "--core=0", "--"]
    python = sys.executable
    if have["bwrap"]:
        cmd = bwrap_args(limits, env, {SANDBOX_EXECUTOR: EXECUTOR})
        if have["setpriv"]:
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        cmd += ["--", *inner, python, *(python_args or [SANDBOX_EXECUTOR])]
        return cmd, {}, "/"
    # Fallback: no mount namespace; at least a scratch folder, a scrubbed environment, no network.
    env["HOME"] = str(scratch)
    env["MPLCONFIGDIR"] = str(scratch / ".mpl")
    cmd = (["unshare", "--net", "--"] if have["unshare"] else []) + inner + [python, *(python_args or [str(EXECUTOR)])]
    return cmd, env, str(scratch)


def run_cold(request: bytes, limits: Limits, fast: bool, out, err) -> str | None:
    """Run the executor in a sandbox of its own; None on success, else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="pg-grade-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o1777)
        cmd, env, cwd = command(limits, scratch, fast)
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err, env=env, cwd=cwd,
                                start_new_session=True)
        try:
            proc.communicate(request, timeout=limits.budget + 90)
            return exit_failure(proc.returncode, limits)
        except subprocess.TimeoutExpired:
            return exit_failure(None, limits)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # stray children of a fallback run
            except ProcessLookupError:
                pass
            proc.wait()


PROBE = """\
import importlib, json, sys
try:
    importlib.import_module(sys.argv[1])
    error = None
except BaseException as exc:
    error = f"{type(exc).__name__}: {exc}"
print(json.dumps({"error": error, "sys_path": sys.path, "executable": sys.executable}))
"""


def probe_import(module: str, limits: Limits = Limits(), fast: bool = True) -> dict:
    """Import ``module`` alone in a fresh sandbox like a notebook's; say what happened and where
    Python looked: ``{"error": None | "ModuleNotFoundError: ...", "sys_path": [...], ...}``."""
    with tempfile.TemporaryDirectory(prefix="pg-probe-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o1777)
        cmd, env, cwd = command(limits, scratch, fast, python_args=["-c", PROBE, module])
        try:
            proc = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd, timeout=120, start_new_session=True)
        except subprocess.TimeoutExpired:
            return {"error": "the probe timed out after 120 s", "sys_path": []}
    try:
        return json.loads(proc.stdout.decode(errors="replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return {"error": f"Python did not start in the sandbox ({tail[0][:200]})", "sys_path": []}
