"""The notebook run: one notebook, executed cell by cell in one kernel, the prelude's integrity
checks after each cell and its restore before each test cell, each cell's output capped.
"""

from __future__ import annotations

import ast
import asyncio
import json
import secrets
import sys

from . import report
from .prelude import PRELUDE
from .strays import kill_strays

SKIPPED_NOTE = "[not run by the grader: a demonstration cell that no test and none of your cells reads]\n"
TRUNCATED_NOTE = "\n[output truncated by the grader: this cell printed more than {limit} bytes]\n"


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
        report.announce_kernel_ready()

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
            # 30 s after a timeout too: an interrupted kernel on a loaded grading machine (strays just
            # killed) may answer slowly, and calling it unresponsive would leave the rest ungraded.
            changed = json.loads(await self._token_call("check", timeout=30))
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


def import_nbformat_quickly() -> None:
    # nbformat imports jsonschema, whose optional IRI checker builds a grammar at import time
    # (0.6 s, a fifth of an empty notebook's grading); notebooks carry no IRIs to check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: import fails


async def _run(request: dict, kernel_manager=None) -> dict:
    import_nbformat_quickly()
    return await NotebookRun(request, kernel_manager)()


def run_and_report(request: dict, out: int, kernel_manager=None) -> None:
    """Run the notebook; write the result as JSON on ``out``; exit without waiting for anyone."""
    report.use(out)
    try:
        result = asyncio.run(_run(request, kernel_manager))
    except BaseException as exc:  # report, never die silently
        result = report.failure(request, exc)
    report.write_and_exit(result, out)
