"""The warm sandbox: imports the heavy libraries once, then forks a fresh, isolated process tree
for every notebook.

A cold run (the executor alone) pays for the executor's and the kernel's Python, nbclient,
IPython, numpy, matplotlib's font list and torch on every notebook: about 3 s of CPU before the
first cell. This process runs inside bubblewrap like a cold run (same read-only folders, scrubbed
environment, its own network and PID namespaces), started once per grading process by
``grading/engine/warm.py``, as root in the sandbox with the capabilities needed to build the next layer. It
imports those libraries and never runs a notebook itself. For each notebook it receives, on its
control socket, three open files (the request, the result, stderr) and a header (the uid, the
limits); then

- a first child enters new mount, PID, network, IPC and UTS namespaces and forks
- the notebook's init (pid 1 of the new PID namespace), which mounts a fresh ``/proc`` and an empty
  size-limited tmpfs as the scratch folder, brings up its own loopback, drops to the sandbox's uid
  with no capabilities and no new privileges, applies the resource limits, and forks
- the kernel (``ipykernel`` from the already imported modules) *before* reading the request, so
  that the kernel's memory never held the hidden tests; then it runs the notebook (``notebook_run.py``)
  against that kernel and writes the result.

When the init exits, the kernel tears the namespace down and kills every process left in it (a
fork bomb's survivors included), so nothing of one notebook is visible to the next: its files
lived in its own tmpfs, its processes in its own PID namespace, its memory in its own fork of an
interpreter that never ran student code.

This module runs inside the sandbox, part of the ``executor`` package (``python /opt/grader/executor
zygote FD``), and imports nothing from the course's ``grading`` package.
"""

from __future__ import annotations

import ctypes
import fcntl
import importlib
import json
import os
import resource
import socket
import struct
import sys
import traceback

from . import notebook_run, report
from .forked_kernel import ForkedKernel

SCRATCH = "/tmp/work"
READY = b"ready\n"

# linux/sched.h, linux/mount.h, linux/sockios.h, linux/prctl.h
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38

PRELOAD = (
    # what notebooks import
    "numpy", "numpy.testing", "numpy.linalg", "matplotlib", "matplotlib.pyplot", "torch", "torch.testing",
    "torch._dynamo",  # imported by the first torch.optim optimizer a notebook creates: 0.9 s
    "gymnasium", "tqdm.auto", "ipywidgets", "pg_helpers",
    # what the executor imports
    "nbclient", "nbformat", "jupyter_client.asynchronous", "jupyter_client.connect", "zmq",
    # what a kernel imports as it starts (measured: sys.modules before and after IPKernelApp.initialize)
    "IPython", "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
    "IPython.extensions.storemagic", "IPython.utils.wildcard", "ipykernel.kernelapp", "ipykernel.ipkernel",
    "ipykernel.debugger", "matplotlib_inline.backend_inline", "debugpy.server", "pdb", "psutil", "sqlite3",
    "faulthandler", "pydoc", "http.server", "xmlrpc.server", "tornado.gen", "tornado.locks", "tornado.queues",
    "tornado.platform.asyncio",
)

_libc = ctypes.CDLL(None, use_errno=True)


def _checked(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: s.encode() if s is not None else None)
    _checked(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
             f"mount {target}")


def preload() -> list[str]:
    """Import the libraries notebooks use (each optional); return those that failed."""
    import pkgutil

    notebook_run.import_nbformat_quickly()
    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    pg = sys.modules.get("pg_helpers")
    for info in pkgutil.walk_packages(getattr(pg, "__path__", []), "pg_helpers."):
        try:
            importlib.import_module(info.name)
        except Exception:
            failed.append(info.name)
    return failed


def _loopback_up() -> None:
    """A new network namespace starts with ``lo`` down; kernel and executor talk over it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0))[:18])[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def _isolate_files(scratch_bytes: int) -> None:
    """In the notebook's own mount namespace: its /proc and an empty scratch tmpfs."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted here propagates back
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_bytes},mode=1777")
    os.chdir(SCRATCH)


def _drop_privileges(uid: int, limits: dict) -> None:
    """The sandbox's uid, no groups, no capabilities, no way back; then the resource limits."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from root to another uid: every capability is dropped
    _checked(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def _start_kernel(connection_file: str, close: list[int]) -> int:
    """Fork the kernel from this interpreter (its imports are done); return its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        for fd in close:
            os.close(fd)
        # The init made itself non-dumpable (the kernel must not read its memory); the kernel, like
        # a freshly executed one, is dumpable, so that it can read its own /proc/self/{fd,mem}.
        _checked(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        # What a freshly started kernel would have: its own random state, no grader on sys.path.
        grader = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the folder holding this package
        sys.path[:] = [p for p in sys.path if os.path.realpath(p) != grader]
        # History in memory, as nbclient starts a kernel: nothing of it is written to the scratch folder.
        argv = ["-f", connection_file, "--HistoryManager.hist_file=:memory:"]
        sys.argv = ["ipykernel_launcher", *argv]
        _reseed()
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
    except BaseException:
        traceback.print_exc()
    os._exit(1)


def _reseed() -> None:
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _close_fds_but(*keep: int) -> None:
    """Close every file descriptor from 3 up except ``keep``."""
    start = 3
    for fd in sorted(keep) + [os.sysconf("SC_OPEN_MAX")]:
        os.closerange(start, fd)
        start = fd + 1


def _notebook_init(header: dict, request_fd: int, result_fd: int, stderr_fd: int) -> None:
    """Pid 1 of the notebook's PID namespace: set up, start the kernel, run the notebook."""
    import secrets

    from jupyter_client.connect import write_connection_file

    os.dup2(stderr_fd, 2)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    _close_fds_but(request_fd, result_fd)  # nothing the zygote had open reaches the notebook
    _isolate_files(int(header["scratch_bytes"]))
    _loopback_up()
    _drop_privileges(int(header["uid"]), header["rlimits"])
    report.not_dumpable()
    connection_file, _ = write_connection_file(fname=f"{SCRATCH}/.kernel-connection.json", ip="127.0.0.1",
                                               key=secrets.token_hex(16).encode())
    kernel = _start_kernel(connection_file, [request_fd, result_fd])
    with os.fdopen(request_fd, "rb") as f:
        request = json.loads(f.read())
    notebook_run.run_and_report(request, result_fd, ForkedKernel(kernel, connection_file))


def _notebook(header: dict, fds: list[int], control: socket.socket) -> None:
    """The first child: new namespaces, then wait for the notebook's init and pass on its status."""
    code = 1
    try:
        control.close()
        _checked(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
                 "unshare")
        init = os.fork()
        if init == 0:
            try:
                _notebook_init(header, *fds)
            except BaseException:
                traceback.print_exc()
            os._exit(1)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(init, 0)
        code = os.waitstatus_to_exitcode(status)
        code = code if code >= 0 else 128 - code  # killed by signal n: 128 + n, as a shell says
    except BaseException:
        traceback.print_exc()
    os._exit(code)


def serve(control: socket.socket) -> None:
    """One notebook at a time: receive its files, fork, wait, answer ``exit <code>``."""
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 3)
        except OSError:
            return
        if not message:
            return  # the grading process closed the socket: done
        pid = os.fork()
        if pid == 0:
            _notebook(json.loads(message), fds, control)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        control.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    failed = preload()
    if failed:
        print("warm sandbox: could not preload " + ", ".join(failed), file=sys.stderr, flush=True)
    control.sendall(READY)
    serve(control)
