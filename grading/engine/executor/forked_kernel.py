"""A kernel the warm sandbox forked (``zygote.py``), presented to nbclient as a kernel manager."""

from __future__ import annotations

import os
import signal
import time


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
                await wait_for_ready(self, timeout or 60)

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


async def wait_for_ready(kc, timeout: float) -> None:
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
