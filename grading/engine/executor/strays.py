"""Stray-process cleanup: after a cell's timeout, kill every process of the sandbox but the kernel.

Safe only in the sandbox's own PID namespace, where every process but the kernel, the executor and
the namespace's init is the submission's (``notebook_run.py`` calls it only there).
"""

from __future__ import annotations

import os
import signal
import time


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
