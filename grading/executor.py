"""Execute one notebook inside the grading sandbox: notebook in on stdin, results out on stdout.

This file runs *inside* the sandbox (see ``sandbox.py``), where the ``grading`` package, the
solutions and the gradebook are not visible, so it imports nothing from the course: it is bound
into the sandbox alone and started as ``python executor.py`` (or, in a warm sandbox, imported by
``zygote.py``, which hands it a kernel it forked: ``ForkedKernel``). The kernel is its child, and
both talk ZMQ over the sandbox's own loopback, so a network namespace around the pair costs nothing.

Input (JSON on stdin)::

    {"notebook": <nbformat v4 dict>, "cell_timeout": s, "budget": s, "max_output_bytes": n,
     "watch_torch": bool, "test_cells": [index, ...], "skip_cells": [index, ...],
     "own_pid_namespace": bool (true: after a cell's timeout, kill every process but the kernel)}

Output (on the original stdout: the line ``kernel ready`` once the kernel and the prelude are
up, before any cell runs, then this JSON)::

    {"notebook": <executed notebook>,
     "cells": {index: "ok" | "error" | "timeout" | "not run" | "skipped"},
     "kernel": "ok" | "died" | "budget" | "unresponsive" | "stopped: ..." | "executor error: ...",
     "tampering": [{"cell": index, "changed": [...]}], "truncated": [index, ...],
     "memory": [index of a cell that hit the memory limit, ...], "strays_killed": n}

Before any student code runs, a silent prelude captures the identity of every public function of
builtins, numpy, numpy.testing, numpy.linalg, pg_helpers (and torch when the notebook uses it) and
the IPython shell's input/AST transformers and hooks; after every cell a silent check (evaluated
with ``eval``, so a student's input transformer cannot rewrite it) lists what changed, and before
every test cell a silent restore puts the captured objects back, so the tests run against the
genuine libraries whatever a student's cell did to them.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import secrets
import signal
import sys
import time

SKIPPED_NOTE = "[not run by the grader: a demonstration cell that no test and none of your cells reads]\n"
TRUNCATED_NOTE = "\n[output truncated by the grader: this cell printed more than {limit} bytes]\n"

PRELUDE = r'''
def _pg_grading_install(token, watch_torch):
    import builtins, sys, types
    import numpy, numpy.testing, numpy.linalg
    modules = {"builtins": builtins, "numpy": numpy, "numpy.testing": numpy.testing,
               "numpy.linalg": numpy.linalg}
    try:
        import pg_helpers, pg_helpers.checks
        modules["pg_helpers"] = pg_helpers
        modules["pg_helpers.checks"] = pg_helpers.checks
    except Exception:
        pass
    if watch_torch:
        try:
            import torch, torch.testing
            modules["torch"] = torch
            modules["torch.testing"] = torch.testing
        except Exception:
            pass
    IPYTHON_BUILTINS = {"input", "raw_input", "get_ipython", "exit", "quit", "display", "help",
                        "copyright", "credits", "license", "dreload"}
    watched = {}
    for mname, mod in modules.items():
        for key in list(vars(mod)):
            # Names IPython and ipykernel swap during every execution are not the student's doing.
            if key.startswith("_") or (mname == "builtins" and key in IPYTHON_BUILTINS):
                continue
            value = vars(mod)[key]
            if callable(value) or isinstance(value, types.ModuleType):
                watched[(mname, key)] = value
    import os
    # Code that lives in the Python installation, the venv or pg_helpers is library code: torch
    # wraps some of its own functions on first use (torch.manual_seed, when dynamo loads), and
    # matplotlib registers its own post-execute hooks; code from a notebook cell lives elsewhere.
    trusted = tuple(os.path.realpath(p) for p in {sys.prefix, sys.base_prefix}
                    | {os.path.dirname(os.path.dirname(m.__file__)) for m in modules.values()
                       if getattr(m, "__file__", None)})

    def library_code(fn):
        code = getattr(getattr(fn, "__func__", fn), "__code__", None)
        return code is not None and os.path.realpath(code.co_filename).startswith(trusted)

    def same(now, then):
        return now is then or (getattr(now, "__wrapped__", None) is then and library_code(now))

    def foreign(callbacks):
        return [cb for cb in callbacks if not library_code(cb)]

    shell = get_ipython()
    hooks = {
        "input_transformers_cleanup": lambda: list(shell.input_transformers_cleanup),
        "input_transformers_post": lambda: list(shell.input_transformers_post),
        "ast_transformers": lambda: list(shell.ast_transformers),
        "events": lambda: {k: foreign(v) for k, v in shell.events.callbacks.items()},
        "custom_exceptions": lambda: shell.custom_exceptions,
        "shell instance attributes": lambda: sorted(k for k in ("run_cell", "run_ast_nodes", "run_code",
            "showtraceback", "transform_cell", "ex", "ev") if k in vars(shell)),
        "shell class": lambda: type(shell),
        "sys.modules": lambda: [sys.modules.get(m) is modules[m] for m in modules],
    }
    before = {name: get() for name, get in hooks.items()}
    missing = object()

    def check():
        changed = []
        for (mname, key), value in watched.items():
            if not same(vars(modules[mname]).get(key, missing), value):
                changed.append(f"{mname}.{key}")
        for name, get in hooks.items():
            try:
                now = get()
            except Exception:
                changed.append(name)
                continue
            if now != before[name]:
                changed.append(name)
        return token + json_dumps(changed)

    saved_lists = {name: list(getattr(shell, name)) for name in
                   ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")}
    saved_custom = shell.custom_exceptions
    shell_class = type(shell)

    def restore():
        """Put back everything the tests rely on, just before a test cell runs."""
        restored = []
        for (mname, key), value in watched.items():
            if not same(vars(modules[mname]).get(key, missing), value):
                setattr(modules[mname], key, value)
                restored.append(f"{mname}.{key}")
        for mname, mod in modules.items():
            if sys.modules.get(mname) is not mod:
                sys.modules[mname] = mod
                restored.append(f"sys.modules[{mname!r}]")
        for name, items in saved_lists.items():
            if list(getattr(shell, name)) != items:
                getattr(shell, name)[:] = items
                restored.append(name)
        for event, callbacks in shell.events.callbacks.items():
            if foreign(callbacks):
                callbacks[:] = [cb for cb in callbacks if library_code(cb)]
                restored.append(f"events[{event!r}]")
        if shell.custom_exceptions != saved_custom:
            shell.custom_exceptions = saved_custom
            restored.append("custom_exceptions")
        for key in ("run_cell", "run_ast_nodes", "run_code", "showtraceback", "transform_cell", "ex", "ev"):
            if key in vars(shell):
                delattr(shell, key)
                restored.append(f"shell.{key}")
        if type(shell) is not shell_class:
            shell.__class__ = shell_class
            restored.append("shell class")
        return token + json_dumps(restored)

    import json
    json_dumps = json.dumps
    setattr(builtins, "_pg_grading_check_" + token, check)
    setattr(builtins, "_pg_grading_restore_" + token, restore)

_pg_grading_install({token!r}, {watch_torch!r})
del _pg_grading_install
'''


KERNEL_READY = b"kernel ready\n"  # the same bytes as sandbox.KERNEL_READY (this file imports nothing)
_RESULT_FD: int | None = None


def _real_stdout() -> int:
    """Keep the original stdout for the result; point fd 0 and 1 at /dev/null for everyone else.

    The kernel inherits fds 0-2; a student writing to fd 1 must not corrupt the JSON result.
    """
    global _RESULT_FD
    saved = os.dup(1)  # non-inheritable: the kernel does not get it
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    _RESULT_FD = saved
    return saved


def _announce_kernel_ready() -> None:
    """Tell the grader, before any notebook code runs, that the kernel started: a failure
    after this line may be the notebook's doing, one before it cannot be."""
    if _RESULT_FD is not None:
        os.write(_RESULT_FD, KERNEL_READY)


def _notebook_client_class(limit: int, result: dict, replies: dict, interrupted: set):
    """nbclient's NotebookClient, capping each cell's output and recording every reply and every
    cell it interrupted (by ``id``: the cell answers the interrupt with a KeyboardInterrupt, or
    not at all, and either way it was the grader that stopped it)."""
    import nbformat
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """Drops a cell's output beyond ``limit`` bytes (an output flood must not fill the grader)."""

        sizes: dict[int, int] = {}

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {}), default=str))
            used = self.sizes.get(cell_index, 0)
            self.sizes[cell_index] = used + size
            if used + size > limit:
                if cell_index not in result["truncated"]:
                    result["truncated"].append(cell_index)
                    outs.append(nbformat.v4.new_output("stream", name="stderr",
                                                       text=TRUNCATED_NOTE.format(limit=limit)))
                return None
            return super().output(outs, msg, display_id, cell_index)

        async def _check_raise_for_error(self, cell, cell_index, exec_reply):
            # A cell scores only on an "ok" reply: a stopped cell that printed no error (its
            # kernel ignored the interrupt) must not pass. The reply's error becomes an output.
            content = (exec_reply or {}).get("content", {"status": "error", "ename": "NoReply",
                                                          "evalue": "the kernel sent no reply"})
            replies[cell_index] = content
            if content.get("status") != "ok" and not any(o.get("output_type") == "error" for o in cell.outputs):
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=content.get("ename", "Error"), evalue=content.get("evalue", ""),
                    traceback=[f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"]))
            return await super()._check_raise_for_error(cell, cell_index, exec_reply)

        async def _async_handle_timeout(self, timeout, cell=None):
            interrupted.add(id(cell))
            return await super()._async_handle_timeout(timeout, cell)

    return CappedClient


class ForkedKernel:
    """The part of a jupyter_client kernel manager that nbclient uses, for a kernel this process
    forked itself (the warm sandbox, ``zygote.py``): a child pid and its connection file."""

    has_kernel = True
    kernel_id = "forked"

    def __init__(self, pid: int, connection_file: str):
        self.pid = pid
        self.connection_file = connection_file
        self._status: int | None = None

    def client(self):
        from jupyter_client.asynchronous import AsyncKernelClient

        forked = self

        class ForkedKernelClient(AsyncKernelClient):
            async def is_alive(self) -> bool:
                # The process, not the heartbeat: a kernel starved of CPU (a fork bomb's doing)
                # misses heartbeats but is alive, as a kernel manager's client would say.
                return forked._poll() is None

            async def wait_for_ready(self, timeout: float | None = None) -> None:
                await _wait_for_ready(self, timeout or 60)

        kc = ForkedKernelClient(connection_file=self.connection_file)
        kc.load_connection_file()
        return kc

    def _poll(self) -> int | None:
        if self._status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: gone
                pid, status = self.pid, -1
            if pid:
                self._status = status
        return self._status

    async def is_alive(self) -> bool:
        return self._poll() is None

    async def interrupt_kernel(self) -> None:
        if self._poll() is None:
            os.kill(self.pid, signal.SIGINT)

    async def shutdown_kernel(self, now: bool = True, restart: bool = False) -> None:
        if self._poll() is None:
            os.kill(self.pid, signal.SIGKILL)

    async def cleanup_resources(self, restart: bool = False) -> None:
        return None


async def _wait_for_ready(kc, timeout: float) -> None:
    """jupyter_client's wait_for_ready without its last step, 0.2 s of waiting for IOPub to be
    quiet (nbclient and ``silent`` ignore any message that does not answer their own request), and
    asking again after 0.05 s instead of 0.2 s when IOPub missed the answer (it had not subscribed
    yet). Ready = a kernel_info reply, and its status message on IOPub."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            msg = await kc.shell_channel.get_msg(timeout=1)
            if msg["msg_type"] == "kernel_info_reply":
                await kc.iopub_channel.get_msg(timeout=0.05)
                kc._handle_kernel_info_reply(msg)
                return
        except Empty:
            pass
        if not await kc.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def _processes() -> list[tuple[int, int, bytes]]:
    """(pid, parent pid, state) of every process in this PID namespace's /proc."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            found.append((int(name), int(fields[1]), fields[0]))
    return found


def kill_strays(keep: set[int], rounds: int = 200) -> int:
    """SIGKILL every process of the sandbox but ``keep`` (and pid 1, its init); return how many.

    Called after a cell's timeout: a fork bomb's children, still spinning, would otherwise starve
    the kernel so that the checks after the cell time out. Runs in rounds because a bomb forks
    while it is being killed; its process limit bounds how many there can be. Zombies use no CPU
    and are skipped; those that are this process's children (orphans adopted by a namespace's
    init) are reaped.
    """
    keep = keep | {1, os.getpid()}
    killed = 0
    for _ in range(rounds):
        procs = [p for p in _processes() if p[0] not in keep]
        for pid, ppid, state in procs:
            if state == b"Z" and ppid == os.getpid():
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        strays = [pid for pid, _, state in procs if state != b"Z"]
        if not strays:
            break
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)
    return killed


class NotebookRun:
    """One notebook, executed cell by cell in one kernel, with the integrity checks between cells."""

    def __init__(self, request: dict, kernel_manager=None):
        import nbformat

        self.nbformat = nbformat
        self.nb = nbformat.from_dict(request["notebook"])
        self.cell_timeout = int(request.get("cell_timeout", 60))
        self.timeout_message = f"the grader stopped this cell after {self.cell_timeout} s"
        self.budget = float(request.get("budget", 300))
        self.watch_torch = bool(request.get("watch_torch"))
        self.test_cells = set(request.get("test_cells", []))
        self.skip_cells = set(request.get("skip_cells", []))
        # Killing strays is safe only in the sandbox's own PID namespace, where every process
        # but the kernel and this one is the submission's.
        self.own_pid_namespace = bool(request.get("own_pid_namespace"))
        self.token = secrets.token_hex(8)
        self.result: dict = {"cells": {}, "kernel": "ok", "tampering": [], "truncated": [], "memory": [],
                             "strays_killed": 0}
        self.replies: dict[int, dict] = {}
        self.interrupted: set[int] = set()
        client_class = _notebook_client_class(int(request.get("max_output_bytes", 200_000)), self.result,
                                              self.replies, self.interrupted)
        self.client = client_class(self.nb, km=kernel_manager, **self._client_options())

    def _client_options(self) -> dict:
        return dict(
            timeout=self.cell_timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
            # A kernel that ignores the interrupt: record the timeout as the cell's error, don't wait again.
            error_on_timeout={"ename": "TimeoutError", "evalue": self.timeout_message,
                              "traceback": [f"TimeoutError: {self.timeout_message}"]},
            raise_on_iopub_timeout=False, iopub_timeout=5, startup_timeout=60, record_timing=False,
            shutdown_kernel="immediate",  # the sandbox is discarded: no need for a graceful exit
        )

    async def silent(self, code: str, expression: str | None = None, timeout: float = 10.0):
        """Run ``code`` without output or history; return the text of ``expression`` (or None)."""
        kc = self.client.kc
        msg_id = kc.execute(code, silent=True, store_history=False,
                            user_expressions={"r": expression} if expression else {})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("no reply from the kernel")
            msg = await kc.shell_channel.get_msg(timeout=left)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if content.get("status") != "ok":
                raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
            if not expression:
                return None
            value = content["user_expressions"]["r"]
            if value.get("status") != "ok":
                raise RuntimeError(f"{value.get('ename')}: {value.get('evalue')}")
            return value["data"]["text/plain"]

    async def _token_call(self, name: str, timeout: float) -> str:
        """Call the prelude's ``check`` or ``restore``; return its answer after the token (a str repr
        from the kernel, never eval'd), or raise if the function was replaced or hung."""
        body = ast.literal_eval(await self.silent("", f"_pg_grading_{name}_{self.token}()", timeout=timeout))
        if not isinstance(body, str) or not body.startswith(self.token):
            raise RuntimeError(f"integrity {name} replaced")
        return body[len(self.token):]

    async def start(self) -> None:
        """The prelude, then the line that says the kernel is up (no notebook code ran yet)."""
        prelude = PRELUDE.replace("{token!r}", repr(self.token)).replace("{watch_torch!r}", repr(self.watch_torch))
        await self.silent(prelude, timeout=120)
        _announce_kernel_ready()

    async def restore_before_test(self, i: int, left: float) -> None:
        """Tests run against the genuine numpy, builtins, pg_helpers and IPython."""
        try:
            await self._token_call("restore", timeout=min(30, left))
        except Exception as exc:
            self.result["tampering"].append({"cell": i, "changed": [
                f"restore before the test failed ({type(exc).__name__}: {exc})"[:200]]})

    async def execute(self, i: int, left: float) -> str | None:
        """Run cell ``i``; return its status, or None when the run must stop (budget, dead kernel)."""
        from nbclient.exceptions import DeadKernelError

        cell = self.nb.cells[i]
        try:
            await asyncio.wait_for(self.client.async_execute_cell(cell, i), timeout=left)
        except asyncio.TimeoutError:
            self.result["kernel"] = "budget"
            cell.outputs = list(cell.get("outputs", []))
            self.result["cells"][str(i)] = "timeout"
            return None
        except DeadKernelError:
            self.result["kernel"] = "died"
            self.result["cells"][str(i)] = "error"
            return None
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if self.replies.get(i, {}).get("status") != "ok" and not errors and cell.source.strip():
            errors = [{"ename": "NoReply", "evalue": "no reply"}]
        if any(o.get("ename", "").endswith("MemoryError") for o in errors):  # numpy: _ArrayMemoryError
            self.result["memory"].append(i)
        timed_out = id(cell) in self.interrupted
        if timed_out:
            self._name_the_timeout(errors)
        return "timeout" if timed_out else ("error" if errors else "ok")

    def _name_the_timeout(self, errors: list) -> None:
        """A cell that answered the grader's interrupt reports a KeyboardInterrupt: say what happened."""
        for out in errors:
            if out.get("ename") == "KeyboardInterrupt":
                out["ename"], out["evalue"] = "TimeoutError", self.timeout_message
                out["traceback"] = list(out.get("traceback", [])) + [f"TimeoutError: {self.timeout_message}"]

    async def verify(self, i: int, timed_out: bool) -> bool:
        """Check the environment the tests rely on; False when the kernel stopped responding."""
        if timed_out and self.own_pid_namespace:
            self.result["strays_killed"] += kill_strays({self.kernel_pid()})
        try:
            changed = json.loads(await self._token_call("check", timeout=10 if timed_out else 30))
        except Exception as exc:  # the check itself was removed, replaced or hung
            if timed_out:
                self.result["kernel"] = "unresponsive"
                return False
            changed = [f"integrity check failed ({type(exc).__name__}: {exc})"[:200]]
        if changed and not any(t["changed"] == changed for t in self.result["tampering"]):
            self.result["tampering"].append({"cell": i, "changed": changed[:20]})
        return True

    def kernel_pid(self) -> int:
        km = self.client.km
        return int(getattr(km, "pid", None) or getattr(getattr(km, "provisioner", None), "pid", 0) or 0)

    def skip(self, i: int) -> None:
        self.result["cells"][str(i)] = "skipped"
        self.nb.cells[i].outputs = [self.nbformat.v4.new_output("stream", name="stdout", text=SKIPPED_NOTE)]

    async def cells(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget
        for i in [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]:
            left = deadline - loop.time()
            if left <= 0:
                self.result["kernel"] = "budget"
                return
            if i in self.skip_cells:
                self.skip(i)
                continue
            if i in self.test_cells:
                await self.restore_before_test(i, left)
            status = await self.execute(i, left)
            if status is None:
                return
            self.result["cells"][str(i)] = status
            if not await self.verify(i, status == "timeout"):
                return

    async def __call__(self) -> dict:
        from nbclient.exceptions import DeadKernelError

        for i, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code":
                self.result["cells"][str(i)] = "not run"
        try:
            async with self.client.async_setup_kernel(cleanup_kc=True):
                await self.start()
                await self.cells()
        except DeadKernelError:
            self.result["kernel"] = "died"
        except Exception as exc:  # kernel failed to start, or died between cells
            if self.result["kernel"] == "ok":
                self.result["kernel"] = f"stopped: {type(exc).__name__}: {exc}"[:300]
        self.result["notebook"] = self.nb
        return self.result


def _import_nbformat_quickly() -> None:
    # nbformat imports jsonschema, whose optional IRI checker builds a grammar at import time
    # (0.6 s, a fifth of an empty notebook's grading); notebooks carry no IRIs to check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: import fails


async def _run(request: dict, kernel_manager=None) -> dict:
    _import_nbformat_quickly()
    return await NotebookRun(request, kernel_manager)()


def _not_dumpable() -> None:
    """Forbid ptrace and /proc/<pid>/{mem,fd} access to this process by the kernel it starts.

    The kernel runs with the same uid; without this it could attach to the executor and forge
    the result. (PR_SET_DUMPABLE = 4; execve resets the flag, so the kernel is unaffected.)
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def run_and_report(request: dict, out: int, kernel_manager=None) -> None:
    """Run the notebook; write the result as JSON on ``out``; exit without waiting for anyone."""
    global _RESULT_FD
    _RESULT_FD = out
    try:
        result = asyncio.run(_run(request, kernel_manager))
    except BaseException as exc:  # report, never die silently
        result = {"kernel": f"executor error: {type(exc).__name__}: {exc}"[:300], "cells": {},
                  "tampering": [], "truncated": [], "notebook": request.get("notebook")}
    data = json.dumps(result, default=str).encode()
    with os.fdopen(out, "wb") as f:
        f.write(data)
    # Do not wait for stray children (a fork bomb's survivors): the sandbox kills them.
    os._exit(0)


def main() -> None:
    _not_dumpable()
    request = json.loads(sys.stdin.buffer.read())
    run_and_report(request, _real_stdout())


if __name__ == "__main__":
    main()
