"""Grading on a Dask distributed cluster: ``autograde --scheduler tcp://HOST:PORT``.

The grading machines run ``dask worker tcp://HOST:PORT --nthreads 1 --nworkers N`` (one thread per
worker process: each grading process gives its sandboxes a uid of its own and keeps one warm
sandbox per thread, so processes, not threads, are what scale), and every machine sees the course
folder at the same path (a shared filesystem). ``autograde`` still runs the pre-flight and is still
the only writer of the gradebook: the cluster grades each student's notebooks with the same
function the local pool uses, in the same sandbox, and sends the results back.

A worker that dies takes its running work with it; the scheduler gives that work to another
worker, and whatever comes back twice is recorded once (``batch.record_results``). After
``distributed.scheduler.allowed-failures`` deaths (3 by default) the scheduler gives up on a task:
its notebooks come back as failed with the reason, never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .grader import Options, grade_tasks
from .result_files import Task, failed_result


def _distributed():
    try:
        import distributed
    except ImportError:
        raise SystemExit("--scheduler needs Dask's distributed package on this machine and every worker: "
                         "pip install 'distributed>=2024.1' (the course's `cluster` extra)") from None
    return distributed


CONNECT_TIMEOUT = 30  # seconds to reach the scheduler


def connect(scheduler: str):
    """A client of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or a clear SystemExit."""
    distributed = _distributed()
    timeout = CONNECT_TIMEOUT
    if "://" not in scheduler:
        raise SystemExit(f"--scheduler expects an address like tcp://HOST:PORT, got {scheduler!r}")
    try:
        return distributed.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise SystemExit(f"could not reach the Dask scheduler at {scheduler} within {timeout:.0f} s "
                         f"({type(exc).__name__}: {exc}); start it with `dask scheduler` and the workers "
                         f"with `dask worker {scheduler} --nthreads 1`") from None


def check(scheduler: str) -> None:
    """Fail now, before the pre-flight, if the scheduler cannot be reached."""
    connect(scheduler).close()


def graded_batches(scheduler: str, course_root: Path, task_lists: Iterable[list[Task]],
                   options: Options) -> Iterator[list[dict]]:
    """Grade each list of tasks (one student's notebooks) on the cluster; yield each list's results
    as it arrives."""
    distributed = _distributed()
    with connect(scheduler) as client:
        futures = {client.submit(grade_tasks, str(course_root), tasks, options, pure=False): tasks
                   for tasks in task_lists}
        for future in distributed.as_completed(list(futures)):
            try:
                yield future.result()
            except Exception as exc:  # the scheduler gave up (KilledWorker), or the task itself broke
                reason = f"grader error on the cluster: {type(exc).__name__}: {exc}"
                yield [failed_result(task, reason) for task in futures[future]]
