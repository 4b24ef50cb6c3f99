"""The grading process's side of the warm sandbox (``executor/zygote.py``): start it, hand it notebooks.

One warm sandbox per grading process, thread and set of sandbox options (``fast`` and the scratch
size), started on first use and kept until ``close_all`` or the process's exit (bubblewrap's
``--die-with-parent``).
It needs what the cold sandbox's full protection needs: bubblewrap, and root to give the sandbox
its own uid; elsewhere, or with ``PG_GRADING_WARM=0``, every notebook runs cold (``cold.py``).

Each notebook gets three unnamed temporary files, passed over the control socket: the request (read
by the notebook's init only after its kernel has started), the result and stderr. The answer is
``exit <code>`` once the notebook's whole process tree is gone. A notebook that outlasts its
wall-clock budget costs the warm sandbox: it is killed (and with it the notebook's processes) and
the next notebook starts a new one. If the warm sandbox itself fails, the notebook is run cold
and the process stays cold from then on; the first failure is reported once on stderr.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from .sandbox_layers import (EXECUTOR, SANDBOX_EXECUTOR, Limits, bwrap_args, exit_failure, protections, rlimits,
                             sandbox_env, sandbox_uid)

# The capabilities the zygote needs, as root inside bubblewrap, to give each notebook new
# namespaces, its mounts and its loopback, and to drop to the sandbox's uid. Each notebook's
# init gives them all up (setresuid away from root) before any notebook code runs.
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SETUID", "CAP_SETGID")
START_TIMEOUT = 180  # seconds to import torch and friends on a loaded machine


class WarmFailure(RuntimeError):
    """The warm sandbox itself failed (not the notebook): run the notebook cold instead."""


def enabled() -> bool:
    have = protections(announce=False)
    return os.environ.get("PG_GRADING_WARM", "1") != "0" and have["bwrap"] and have["setpriv"]


class Zygote:
    """A running ``executor/zygote.py`` in its bubblewrap sandbox, and the socket to it."""

    def __init__(self, limits: Limits, fast: bool):
        self.log = tempfile.TemporaryFile()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = bwrap_args(limits, sandbox_env(fast), {SANDBOX_EXECUTOR: EXECUTOR})
        for cap in CAPABILITIES:
            cmd += ["--cap-add", cap]
        cmd += ["--", sys.executable, SANDBOX_EXECUTOR, "zygote", str(theirs.fileno())]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                     pass_fds=(theirs.fileno(),), start_new_session=True)
        theirs.close()
        self.sock = ours
        self.sock.settimeout(START_TIMEOUT)
        try:
            ready = self._line() == b"ready"
        except OSError:  # socket.timeout included: that is the sandbox's failure, not a notebook's budget
            ready = False
        if not ready:
            self.close()
            raise WarmFailure(f"the warm sandbox did not start: {self.log_tail()}")

    def _line(self) -> bytes:
        data = b""
        while not data.endswith(b"\n"):
            chunk = self.sock.recv(256)
            if not chunk:
                break
            data += chunk
        return data.strip()

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read()[-600:].decode(errors="replace").strip() or "no output"

    def run(self, request: bytes, limits: Limits, result, stderr) -> int:
        """Run one notebook; its result goes to the file ``result``. Return the init's exit code;
        raise TimeoutError past the budget (the zygote is then killed), WarmFailure if it died."""
        with tempfile.TemporaryFile() as req:
            req.write(request)
            req.seek(0)
            header = {"uid": sandbox_uid(), "rlimits": rlimits(limits), "scratch_bytes": limits.scratch_bytes}
            try:
                socket.send_fds(self.sock, [json.dumps(header).encode()], [req.fileno(), result.fileno(),
                                                                           stderr.fileno()])
                self.sock.settimeout(limits.budget + 90)
                answer = self._line()
            except socket.timeout:
                self.close()
                raise TimeoutError from None
            except OSError as exc:
                self.close()
                raise WarmFailure(f"the warm sandbox stopped: {exc}") from None
        if not answer.startswith(b"exit "):
            self.close()
            raise WarmFailure(f"the warm sandbox stopped: {self.log_tail()}")
        code = int(answer.split()[1])
        return -(code - 128) if code > 128 else code  # 128 + n: killed by signal n

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            self.sock.close()
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
        self.proc.wait()


_ZYGOTES: dict[tuple, Zygote] = {}
_OWNER = os.getpid()
_BROKEN: list[str] = []
_LOCK = threading.Lock()


def _key(limits: Limits, fast: bool) -> tuple:
    # One per thread too: the pre-flight grades its references from a thread pool, and a zygote
    # serves one notebook at a time.
    return (fast, limits.scratch_bytes, threading.get_ident())


def _zygote(limits: Limits, fast: bool) -> Zygote:
    global _OWNER
    with _LOCK:
        if os.getpid() != _OWNER:  # a forked worker: its parent's zygotes are not its own
            _ZYGOTES.clear()
            _OWNER = os.getpid()
        zygote = _ZYGOTES.get(_key(limits, fast))
    if zygote is None or not zygote.alive():
        zygote = Zygote(limits, fast)
        with _LOCK:
            _ZYGOTES[_key(limits, fast)] = zygote
    return zygote


def _forget(limits: Limits, fast: bool) -> None:
    with _LOCK:
        _ZYGOTES.pop(_key(limits, fast), None)


def close_all() -> None:
    """Stop this process's warm sandboxes (they hold torch in memory): after a thread pool's work,
    and before forking workers, which start their own."""
    with _LOCK:
        zygotes = list(_ZYGOTES.values()) if os.getpid() == _OWNER else []
        _ZYGOTES.clear()
    for zygote in zygotes:
        zygote.close()


def execute(request: bytes, limits: Limits, fast: bool, result, stderr) -> str | None:
    """Run one notebook warm; return None on success or the failure's description (as a cold run
    words it). Raise WarmFailure when the notebook must be run cold instead."""
    if _BROKEN:
        raise WarmFailure(_BROKEN[0])
    try:
        code = _zygote(limits, fast).run(request, limits, result, stderr)
    except TimeoutError:
        _forget(limits, fast)
        return exit_failure(None, limits)
    except WarmFailure as exc:
        _forget(limits, fast)
        _BROKEN.append(str(exc))
        print(f"grading sandbox: {exc}; grading continues in cold sandboxes (slower)", file=sys.stderr)
        raise
    return exit_failure(code, limits)
