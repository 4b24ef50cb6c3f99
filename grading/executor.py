"""Execute one notebook inside the grading sandbox: notebook in on stdin, results out on stdout.

This file runs *inside* the sandbox (see ``sandbox.py``), where the ``grading`` package, the
solutions and the gradebook are not visible, so it imports nothing from the course: it is bound
into the sandbox alone and started as ``python executor.py``. The kernel is its child, and both
talk ZMQ over the sandbox's own loopback, so a network namespace around the pair costs nothing.

Input (JSON on stdin)::

    {"notebook": <nbformat v4 dict>, "cell_timeout": s, "budget": s, "max_output_bytes": n,
     "watch_torch": bool, "test_cells": [index, ...], "skip_cells": [index, ...]}

Output (on the original stdout: the line ``kernel ready`` once the kernel and the prelude are
up, before any cell runs, then this JSON)::

    {"notebook": <executed notebook>,
     "cells": {index: "ok" | "error" | "timeout" | "not run" | "skipped"},
     "kernel": "ok" | "died" | "budget" | "unresponsive" | "stopped: ..." | "executor error: ...",
     "tampering": [{"cell": index, "changed": [...]}], "truncated": [index, ...],
     "memory": [index of a cell that hit the memory limit, ...]}

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
import sys

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


async def _run(request: dict) -> dict:
    # nbformat imports jsonschema, whose optional IRI checker builds a grammar at import time
    # (0.6 s, a fifth of an empty notebook's grading); notebooks carry no IRIs to check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: import fails
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.from_dict(request["notebook"])
    cell_timeout = int(request.get("cell_timeout", 60))
    budget = float(request.get("budget", 300))
    limit = int(request.get("max_output_bytes", 200_000))
    token = secrets.token_hex(8)
    result: dict = {"cells": {}, "kernel": "ok", "tampering": [], "truncated": [], "memory": []}

    replies: dict[int, dict] = {}

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

    client = CappedClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        # After the interrupt, record the timeout as the cell's error instead of waiting again.
        error_on_timeout={"ename": "TimeoutError",
                          "evalue": f"the grader stopped this cell after {cell_timeout} s",
                          "traceback": [f"TimeoutError: the grader stopped this cell after {cell_timeout} s"]},
        raise_on_iopub_timeout=False,
        iopub_timeout=5,
        startup_timeout=60,
        record_timing=False,
        shutdown_kernel="immediate",  # the sandbox is discarded: no need for a graceful exit
    )

    async def silent(code: str, expression: str | None = None, timeout: float = 10.0):
        """Run ``code`` without output or history; return the text of ``expression`` (or None)."""
        exprs = {"r": expression} if expression else {}
        msg_id = client.kc.execute(code, silent=True, store_history=False, user_expressions=exprs)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise TimeoutError("no reply from the kernel")
            msg = await client.kc.shell_channel.get_msg(timeout=left)
            if msg["parent_header"].get("msg_id") == msg_id:
                content = msg["content"]
                if content.get("status") != "ok":
                    raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
                if not expression:
                    return None
                value = content["user_expressions"]["r"]
                if value.get("status") != "ok":
                    raise RuntimeError(f"{value.get('ename')}: {value.get('evalue')}")
                return value["data"]["text/plain"]

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i in code_cells:
        result["cells"][str(i)] = "not run"

    try:
        async with client.async_setup_kernel():
            prelude = PRELUDE.replace("{token!r}", repr(token)).replace(
                "{watch_torch!r}", repr(bool(request.get("watch_torch"))))
            await silent(prelude, timeout=120)
            _announce_kernel_ready()
            check_expr = f"_pg_grading_check_{token}()"
            restore_expr = f"_pg_grading_restore_{token}()"
            test_cells = set(request.get("test_cells", []))
            skip_cells = set(request.get("skip_cells", []))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + budget
            for i in code_cells:
                cell = nb.cells[i]
                left = deadline - loop.time()
                if left <= 0:
                    result["kernel"] = "budget"
                    break
                if i in skip_cells:
                    result["cells"][str(i)] = "skipped"
                    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=SKIPPED_NOTE)]
                    continue
                if i in test_cells:
                    # Tests run against the genuine numpy, builtins, pg_helpers and IPython.
                    try:
                        text = await silent("", restore_expr, timeout=min(30, left))
                        body = ast.literal_eval(text)  # never eval what the kernel sends
                        if not isinstance(body, str) or not body.startswith(token):
                            raise RuntimeError("integrity restore replaced")
                    except Exception as exc:
                        result["tampering"].append({"cell": i, "changed": [
                            f"restore before the test failed ({type(exc).__name__}: {exc})"[:200]]})
                try:
                    await asyncio.wait_for(client.async_execute_cell(cell, i), timeout=left)
                except asyncio.TimeoutError:
                    result["kernel"] = "budget"
                    cell.outputs = list(cell.get("outputs", []))
                    result["cells"][str(i)] = "timeout"
                    break
                except DeadKernelError:
                    result["kernel"] = "died"
                    result["cells"][str(i)] = "error"
                    break
                errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                if replies.get(i, {}).get("status") != "ok" and not errors and cell.source.strip():
                    errors = [{"ename": "NoReply", "evalue": "no reply"}]
                timed_out = any(o.get("ename") == "TimeoutError" and "grader stopped" in o.get("evalue", "")
                                for o in errors)
                result["cells"][str(i)] = "timeout" if timed_out else ("error" if errors else "ok")
                if any(o.get("ename", "").endswith("MemoryError") for o in errors):  # numpy: _ArrayMemoryError
                    result["memory"].append(i)
                # Verify the environment the tests rely on; an unresponsive kernel ends the run.
                try:
                    text = await silent("", check_expr, timeout=10 if timed_out else 30)
                    body = ast.literal_eval(text)  # a str repr from the kernel; never eval it
                    if not isinstance(body, str) or not body.startswith(token):
                        raise RuntimeError("integrity check replaced")
                    changed = json.loads(body[len(token):])
                except Exception as exc:  # the check itself was removed, replaced or hung
                    if timed_out:
                        result["kernel"] = "unresponsive"
                        break
                    changed = [f"integrity check failed ({type(exc).__name__}: {exc})"[:200]]
                if changed and not any(t["changed"] == changed for t in result["tampering"]):
                    result["tampering"].append({"cell": i, "changed": changed[:20]})
    except DeadKernelError:
        result["kernel"] = "died"
    except Exception as exc:  # kernel failed to start, or died between cells
        if result["kernel"] == "ok":
            result["kernel"] = f"stopped: {type(exc).__name__}: {exc}"[:300]
    result["notebook"] = nb
    return result


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


def main() -> None:
    _not_dumpable()
    request = json.loads(sys.stdin.buffer.read())
    out = _real_stdout()
    try:
        result = asyncio.run(_run(request))
    except BaseException as exc:  # report, never die silently
        result = {"kernel": f"executor error: {type(exc).__name__}: {exc}"[:300], "cells": {},
                  "tampering": [], "truncated": [], "notebook": request.get("notebook")}
    data = json.dumps(result, default=str).encode()
    with os.fdopen(out, "wb") as f:
        f.write(data)
    # Do not wait for stray children (a fork bomb's survivors): the sandbox kills them.
    os._exit(0)


if __name__ == "__main__":
    main()
