"""``autograde --scheduler``: a real Dask scheduler and two workers on 127.0.0.1, one killed mid-batch.

The scheduler and the workers are the ``dask`` command's own processes (``--no-nanny``, so a killed
worker stays dead). The batch is a few students of notebook 01 (the solution, a wrong softmax, the
blank release). While the batch runs, the worker named ``victim`` is killed with SIGKILL as soon as
the scheduler says it is working on a student; the scheduler gives that student to the other
worker. Every (student, notebook) must end with exactly one status and the scores of a local run,
and the gradebook must be written exactly once per notebook.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grading.authoring.release import release
from grading.base import gradebook as gbmod
from grading.base.course import Course
from grading.engine.batch import autograde

from ..conftest import copy_course, read_nb
from .corpus import ASSIGNMENT, SOFTMAX_UNSTABLE, Context

distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed (pip install -e '.[dev]')")
DASK = shutil.which("dask", path=str(Path(sys.executable).parent))

pytestmark = [
    pytest.mark.skipif(DASK is None, reason="no `dask` command next to this Python"),
    pytest.mark.skipif(ASSIGNMENT not in Course().assignments(), reason=f"{ASSIGNMENT} not in solutions/"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([DASK, *args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture()
def dask_cluster(tmp_path):
    """A scheduler and workers ``victim`` and ``survivor`` on loopback; stopped afterwards."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    procs = {"scheduler": _start(["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], tmp_path / "scheduler.log")}
    client = None
    try:
        for name in ("victim", "survivor"):
            procs[name] = _start(["worker", address, "--name", name, "--nthreads", "1", "--no-nanny",
                                  "--host", "127.0.0.1", "--no-dashboard"], tmp_path / f"{name}.log")
        client = distributed.Client(address, timeout=60)
        client.wait_for_workers(2, timeout=120)
        yield address, client, procs
    finally:
        if client is not None:
            client.close()
        for proc in procs.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def _submit_batch(course) -> list[str]:
    ctx = Context(course, read_nb(course.release_notebook(ASSIGNMENT)), read_nb(course.source_notebook(ASSIGNMENT)))
    students = []
    for i in range(2):
        for kind, nb in (("solution", ctx.submission()), ("wrong", ctx.submission(answers={"softmax": SOFTMAX_UNSTABLE})),
                         ("blank", ctx.released)):
            ctx.write(f"{kind}-{i}", nb)
            students.append(f"{kind}-{i}")
    return students


def _kill_when_busy(client, procs, done: threading.Event) -> bool:
    """SIGKILL the worker named victim once the scheduler says it is grading someone."""
    while not done.is_set():
        workers = client.scheduler_info()["workers"]
        victim = next((addr for addr, w in workers.items() if w.get("name") == "victim"), None)
        if victim and client.processing().get(victim):
            os.killpg(procs["victim"].pid, signal.SIGKILL)
            return True
        time.sleep(0.05)
    return False


def test_a_batch_on_dask_survives_a_killed_worker(dask_cluster, tmp_path, monkeypatch):
    address, client, procs = dask_cluster
    local, remote = copy_course(tmp_path / "local"), copy_course(tmp_path / "remote")
    for course in (local, remote):
        release(course, [ASSIGNMENT], quiet=True)
        students = _submit_batch(course)
    expected = {r["student"]: (r["status"], r["scores"]) for r in autograde(local, [ASSIGNMENT], jobs=1, quiet=True)}

    recorded: list[tuple] = []
    record = gbmod.record
    monkeypatch.setattr(gbmod, "record", lambda gb, result: (recorded.append(
        (result["student"], result["assignment"], result["notebook"])), record(gb, result))[1])
    done, killed, out = threading.Event(), [], {}
    watcher = threading.Thread(target=lambda: killed.append(_kill_when_busy(client, procs, done)))
    watcher.start()
    try:
        out["results"] = autograde(remote, [ASSIGNMENT], quiet=True, scheduler=address)
    finally:
        done.set()
        watcher.join()

    assert killed == [True], "the victim worker never started grading, so it was not killed mid-batch"
    assert procs["victim"].poll() is not None
    results = out["results"]
    assert sorted(r["student"] for r in results) == sorted(students)  # one result each, none lost
    assert {r["student"]: (r["status"], r["scores"]) for r in results} == expected
    assert sorted(recorded) == sorted((s, ASSIGNMENT, ASSIGNMENT) for s in students)  # recorded once each
    from nbgrader.api import Gradebook

    with Gradebook(remote.gradebook_url) as gb:
        stored = {s: {g.name: float(g.score) for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, s).grades}
                  for s in students}
    assert stored == {s: scores for s, (_, scores) in expected.items()}


def test_a_scheduler_that_is_not_there_is_a_clear_error_before_anything_runs(tmp_path, monkeypatch):
    from grading.engine import batch, cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 3)
    monkeypatch.setattr(batch, "preflight",
                        lambda *a, **k: pytest.fail("the pre-flight ran before the scheduler was checked"))
    course = copy_course(tmp_path / "course")
    release(course, [ASSIGNMENT], quiet=True)
    _submit_batch(course)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(SystemExit, match=f"could not reach the Dask scheduler at {address}"):
        autograde(course, [ASSIGNMENT], quiet=True, scheduler=address)
    with pytest.raises(SystemExit, match="expects an address like tcp://HOST:PORT, got '127.0.0.1:8786'"):
        autograde(course, [ASSIGNMENT], quiet=True, scheduler="127.0.0.1:8786")
