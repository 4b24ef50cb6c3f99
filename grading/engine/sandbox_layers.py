"""The grading sandbox's layers and limits, shared by its cold form (``cold.py``) and its warm one
(``warm.py``).

Layers, each used when this machine has it (the first call says once which are missing):

- bubblewrap (``bwrap``): a fresh mount namespace that shows only the system folders, the
  Python installation, the virtual environment, ``pg_helpers`` and the executor package, read-only,
  plus an empty size-limited tmpfs as the scratch folder: no ``solutions/``, no gradebook, no
  other student. New network (loopback only), PID, IPC and UTS namespaces; killed with its parent.
- ``setpriv``: the executor and kernel run as an unprivileged uid of their own (one per grading
  process, so per worker), so the process limit counts only this submission's processes (root
  ignores it) and a fork bomb cannot starve another worker or another batch.
- ``prlimit``: address space, CPU seconds, processes, file size and open files.
- A scrubbed environment: only what ``sandbox_env`` sets (PATH, HOME, LANG, matplotlib's backend and
  config folder, one OpenMP thread, no bytecode writing, PG_FAST) reaches the kernel.
- A wall-clock budget per notebook, enforced inside (the executor stops the kernel) and
  outside (the whole process group is killed a little later).

Fallback without bwrap: ``unshare --net`` for the network and a scratch working directory, with
the course files still readable: the tool says so.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The code that runs inside the sandbox: the ``executor`` package, bound read-only at /opt/grader.
EXECUTOR = Path(__file__).with_name("executor")
SANDBOX_EXECUTOR = "/opt/grader/executor"
SCRATCH = "/tmp/work"
BASE_UID = 200000  # a sandbox runs as BASE_UID + the grading process's pid: unique while it runs


@dataclass(frozen=True)
class Limits:
    """Resource limits for one notebook's executor and kernel."""

    memory_bytes: int = 4 * 1024**3
    """Address space per process; torch and gymnasium import fine under 4 GB."""
    cpu_seconds: int = 600
    """CPU time per process."""
    processes: int = 256
    """Processes and threads of the sandbox's uid (torch and the kernel use a few dozen threads)."""
    file_bytes: int = 64 * 1024**2
    """Largest file the submission may write (also bounds what it prints to stderr)."""
    open_files: int = 256
    scratch_bytes: int = 256 * 1024**2
    """Size of the tmpfs scratch folder."""
    cell_timeout: int = 60
    """Seconds per cell before the cell is interrupted and scores 0."""
    budget: int = 300
    """Wall-clock seconds per notebook."""
    max_output_bytes: int = 200_000
    """Output kept per cell; the rest is dropped and the submission flagged."""


def _has(tool: str) -> bool:
    return shutil.which(tool) is not None


def _works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


_PROTECTIONS: dict[str, bool] | None = None


def protections(announce: bool = True) -> dict[str, bool]:
    """Which sandbox layers work on this machine (probed once); say once which are missing."""
    global _PROTECTIONS
    if _PROTECTIONS is None:
        root = os.geteuid() == 0
        found = {
            "bwrap": _has("bwrap") and _works(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                                               "--dev", "/dev", "--proc", "/proc", "true"]),
            "unshare": _has("unshare") and _works(["unshare", "--net", "true"]),
            "setpriv": root and _has("setpriv"),
            "prlimit": _has("prlimit"),
        }
        _PROTECTIONS = found
        if announce:
            missing = []
            if not found["bwrap"]:
                missing.append("bubblewrap (bwrap): the kernel can read files outside its scratch folder"
                               + ("" if found["unshare"] else " and reach the network"))
            if not found["setpriv"]:
                missing.append("setpriv as root: the kernel runs with your user's rights, "
                               "and the process limit counts all your processes")
            if not found["prlimit"]:
                missing.append("prlimit: no memory, CPU, process or file-size limits")
            if missing:
                print("grading sandbox: missing protections (grading continues without them):\n  - "
                      + "\n  - ".join(missing), file=sys.stderr)
    return _PROTECTIONS


def python_roots() -> list[str]:
    """Folders the sandboxed Python needs: installation, venv, and pg_helpers' source."""
    roots = {sys.base_prefix, sys.prefix}
    spec = importlib.util.find_spec("pg_helpers")
    if spec and spec.origin:
        roots.add(str(Path(spec.origin).resolve().parent))
    return sorted(roots)


def sandbox_env(fast: bool) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SCRATCH,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{SCRATCH}/.mpl",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
    }
    if fast:
        env["PG_FAST"] = "1"
    return env


def sandbox_uid() -> int:
    """The uid this process's sandboxes run as (with setpriv): one per grading process."""
    return BASE_UID + os.getpid()  # no account needs to exist


def bwrap_args(limits: Limits, env: dict[str, str], files: dict[str, Path]) -> list[str]:
    """bubblewrap's options: the read-only system, Python and pg_helpers, ``files`` (sandbox path ->
    host file) read-only, a size-limited scratch tmpfs, new namespaces, the scrubbed environment."""
    cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid",
           "--unshare-ipc", "--unshare-uts", "--hostname", "localhost", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    for system in ("/usr", "/etc", "/bin", "/lib", "/lib64", "/sbin"):
        if os.path.exists(system):
            cmd += ["--ro-bind", system, system]
    # The scratch tmpfs goes first: bwrap mounts in order, and a course checked out under
    # /tmp (a CI clone, say) must have its venv and pg_helpers bound on top of it, not hidden.
    cmd += ["--size", str(limits.scratch_bytes), "--tmpfs", "/tmp",
            "--dir", SCRATCH, "--chmod", "1777", SCRATCH]
    roots = python_roots()
    # bwrap creates the bind targets' parent folders owner-only: open them to the sandbox uid.
    parents = sorted({str(p) for r in roots for p in Path(r).parents if str(p) not in ("/", "/tmp")})
    for parent in parents:
        cmd += ["--perms", "0755", "--dir", parent]
    for folder in sorted({str(Path(target).parent) for target in files}):
        cmd += ["--perms", "0755", "--dir", folder]
    for root in roots:
        cmd += ["--ro-bind", root, root]
    for target, host in files.items():
        cmd += ["--ro-bind", str(host), target]
    return cmd + ["--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH]


def rlimits(limits: Limits) -> dict[str, int]:
    """The limits ``prlimit`` sets on a cold run, by ``resource`` module name (for the warm sandbox)."""
    return {"RLIMIT_AS": limits.memory_bytes, "RLIMIT_CPU": limits.cpu_seconds, "RLIMIT_NPROC": limits.processes,
            "RLIMIT_FSIZE": limits.file_bytes, "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0}


def exit_failure(code: int | None, limits: Limits) -> str | None:
    """What went wrong with a sandbox that exited with ``code`` (None: it outlived its budget)."""
    if code is None:
        return f"wall-clock budget of {limits.budget} s exceeded"
    return None if code == 0 else f"executor exited with code {code}"
