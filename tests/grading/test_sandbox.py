"""The grading sandbox, in both of its forms: cold (a sandbox per notebook) and warm (a notebook
forked from a sandbox that imported the libraries once, ``grading/engine/executor/zygote.py``).

Every property a notebook relies on is checked in both; the warm form also must not let one
notebook see anything of the one before, nor its kernel hold the notebook it is about to run.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from grading.base.course import REPO_ROOT
from grading.engine import warm
from grading.engine.sandbox import run_notebook
from grading.engine.sandbox_layers import Limits, protections

LIMITS = Limits(cell_timeout=30, budget=60)


@pytest.fixture(params=["warm", "cold"])
def mode(request, monkeypatch):
    """Run the test with warm sandboxes (where this machine allows them) or cold ones."""
    if request.param == "warm" and not warm.enabled():
        pytest.skip("warm sandboxes need bubblewrap and root (setpriv); grading runs cold here")
    monkeypatch.setenv("PG_GRADING_WARM", "1" if request.param == "warm" else "0")
    return request.param


def _run(*sources: str, limits: Limits = LIMITS) -> dict:
    return run_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]),
                        limits=limits)


def _text(run: dict, cell: int) -> str:
    return "".join(o.get("text", "") for o in run["notebook"]["cells"][cell]["outputs"])


def test_sandbox_hides_the_course_and_the_network(mode):
    code = (
        "import os, json, socket\n"
        "seen = {'uid': os.getuid(), 'env': sorted(os.environ), 'cwd': os.getcwd(),\n"
        f"        'solutions': os.path.exists({str(REPO_ROOT / 'solutions')!r}),\n"
        f"        'grading': os.path.exists({str(REPO_ROOT / 'grading')!r})}}\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "    seen['net'] = True\n"
        "except OSError:\n"
        "    seen['net'] = False\n"
        "print(json.dumps(seen))\n"
    )
    run = _run(code)
    assert run["kernel"] == "ok", run
    seen = json.loads(_text(run, 0))
    have = protections()
    assert "PG_FAST" in seen["env"] and not any(k.startswith("NBGRADER") for k in seen["env"])
    if have["bwrap"] or have["unshare"]:
        assert seen["net"] is False
    if have["bwrap"]:
        assert not seen["solutions"] and not seen["grading"]
    if have["setpriv"]:
        assert seen["uid"] != 0


def test_sandbox_reports_a_dead_kernel_and_keeps_earlier_cells(mode):
    run = _run("print('before')", "import os\nos._exit(3)", "print('after')")
    assert run["kernel"] == "died"
    assert run["cells"] == {"0": "ok", "1": "error", "2": "not run"}
    assert "before" in _text(run, 0)


def test_kernel_cannot_reach_into_the_executor(mode):
    """The executor's result must not be forgeable from the kernel (same uid): no fd, no mem access."""
    if not protections()["bwrap"]:
        pytest.skip("needs bubblewrap: without its PID namespace the kernel can see the grader")
    code = ("import os\nppid = os.getppid()\nfor what in ('fd', 'mem'):\n    try:\n"
            "        os.listdir(f'/proc/{ppid}/fd') if what == 'fd' else open(f'/proc/{ppid}/mem', 'rb')\n"
            "        print(what, 'OPEN')\n    except OSError:\n        print(what, 'blocked')\n")
    text = _text(_run(code), 0)
    assert text.split() == ["fd", "blocked", "mem", "blocked"], text


# A busy child that outlives its cell, then a cell that never ends: after its timeout, the
# sandbox kills every process but the kernel, so the next cell runs at full speed.
SPAWN_SPINNERS = ("import os\n"
                  "for _ in range(4):\n"
                  "    if os.fork() == 0:\n"
                  "        while True:\n"
                  "            pass\n"
                  "while True:\n"
                  "    pass\n")
COUNT_PROCESSES = ("import os\n"
                   "def _state(pid):\n"
                   "    try:\n"
                   "        return open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[0]\n"
                   "    except OSError:\n"
                   "        return 'Z'\n"
                   "print(sum(_state(p) != 'Z' for p in os.listdir('/proc') if p.isdigit()))\n")


def test_a_timed_out_cells_processes_are_killed(mode):
    if not protections()["bwrap"]:
        pytest.skip("needs bubblewrap's PID namespace: without it the grader cannot tell whose processes they are")
    run = _run(SPAWN_SPINNERS, COUNT_PROCESSES, limits=Limits(cell_timeout=5, budget=60))
    assert run["cells"] == {"0": "timeout", "1": "ok"}, run["cells"]
    assert run["kernel"] == "ok" and run["strays_killed"] >= 4
    error = run["notebook"]["cells"][0]["outputs"][-1]
    assert (error["ename"], error["evalue"]) == ("TimeoutError", "the grader stopped this cell after 5 s")
    # Left: the namespace's init (bubblewrap, or the warm notebook's init), the executor when it is
    # not the init, and the kernel.
    assert int(_text(run, 1)) == (2 if mode == "warm" else 3)


@pytest.fixture()
def warm_only(monkeypatch):
    if not warm.enabled():
        pytest.skip("warm sandboxes need bubblewrap and root (setpriv); grading runs cold here")
    monkeypatch.setenv("PG_GRADING_WARM", "1")


def test_warm_notebooks_see_nothing_of_the_one_before(warm_only):
    leave = ("import os, subprocess, numpy as np\n"
             "open('/tmp/work/left-behind', 'w').write('x')\n"
             "np.LEFT_BEHIND = True\n"
             "subprocess.Popen(['sleep', '600'])\n"
             "print(os.getpid())")
    look = ("import os, numpy as np\n"
            "print(sorted(f for f in os.listdir('/tmp/work') if not f.startswith('.')),\n"
            "      hasattr(np, 'LEFT_BEHIND'),\n"
            "      any(open(f'/proc/{p}/cmdline').read().startswith('sleep') for p in os.listdir('/proc') if p.isdigit()))")
    first = _run(leave)
    assert first["kernel"] == "ok", first
    second = _run(look)
    assert _text(second, 0).split() == ["[]", "False", "False"], _text(second, 0)


def test_warm_kernel_never_held_the_notebook(warm_only):
    """The kernel is forked before the notebook is read: its memory holds no later cell's source.

    The scan must find the comment of its own cell (the kernel received that cell), and must not
    find the text of the next one. Each needle is a prefix and a suffix built at run time, so the
    scanning cell never holds the whole needle itself.
    """
    scan = ("# CONTROL-MARK-5b21e0: this cell's source is in the kernel's memory\n"
            "import re\n"
            "needles = {'control': (b'CONTROL-MARK-', hex(0x5b21e0)[2:].encode()),\n"
            "           'later': (b'HIDDEN-TEST-MARKER-', hex(0x7f3a9c)[2:].encode())}\n"
            "def _has(chunk, prefix, suffix):  # prefix and suffix are never adjacent in this cell's memory\n"
            "    return any(chunk[m.end():m.end() + len(suffix)] == suffix\n"
            "               for m in re.finditer(re.escape(prefix), chunk))\n"
            "found = set()\n"
            "with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:\n"
            "    for line in maps:\n"
            "        fields = line.split()\n"
            "        if 'rw' not in fields[1] or (len(fields) > 5 and not fields[5].startswith('[heap')):\n"
            "            continue\n"
            "        start, end = (int(x, 16) for x in fields[0].split('-'))\n"
            "        try:\n"
            "            mem.seek(start)\n"
            "            chunk = mem.read(end - start)\n"
            "        except (OSError, ValueError, OverflowError):\n"
            "            continue\n"
            "        found |= {k for k, (p, s) in needles.items() if _has(chunk, p, s)}\n"
            "print(sorted(found))\n")
    run = _run(scan, "print('HIDDEN-TEST-MARKER-7f3a9c')")
    assert _text(run, 0).strip() == "['control']", run["notebook"]["cells"][0]["outputs"]
    assert _text(run, 1).strip() == "HIDDEN-TEST-MARKER-7f3a9c"  # the marker was in the notebook all along


def test_warm_and_cold_agree(monkeypatch):
    if not warm.enabled():
        pytest.skip("warm sandboxes need bubblewrap and root (setpriv); grading runs cold here")
    cells = ("import numpy as np, torch\nx = np.arange(3.0)\nprint(x.sum(), torch.tensor(x).sum().item())",
             "raise ValueError('expected failure')", "print(x * 2)")
    runs = {}
    for mode in ("1", "0"):
        monkeypatch.setenv("PG_GRADING_WARM", mode)
        run = _run(*cells)
        runs[mode] = (run["kernel"], run["cells"], [_text(run, i) for i in (0, 2)], run["tampering"])
    assert runs["1"] == runs["0"]


def test_warm_notebooks_from_several_threads(warm_only):
    """The pre-flight grades from a thread pool: each thread gets its own warm sandbox."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(lambda k: _run(f"print({k} * 7)"), range(6)))
    warm.close_all()
    assert [_text(run, 0).strip() for run in runs] == [str(k * 7) for k in range(6)]


def test_warm_notebooks_inherit_no_open_files(warm_only, monkeypatch):
    """A warm notebook's kernel holds no descriptor a cold one does not: no Unix socket (the warm
    sandbox's control socket is one; ZMQ's are TCP) and no more files (the request, the result and
    the zygote's log are files; stderr is the one both have)."""
    code = ("import os, json, socket, stat\n"
            "unix = files = 0\n"
            "for fd in map(int, os.listdir('/proc/self/fd')):\n"
            "    try:\n"
            "        mode = os.fstat(fd).st_mode\n"
            "    except OSError:\n"
            "        continue  # the folder listing's own descriptor, closed already\n"
            "    if stat.S_ISSOCK(mode):\n"
            "        s = socket.socket(fileno=os.dup(fd))\n"
            "        unix += s.family == socket.AF_UNIX\n"
            "        s.close()\n"
            "    files += stat.S_ISREG(mode)\n"
            "print(json.dumps({'unix sockets': unix, 'files': files}))\n")
    seen = {}
    for mode in ("1", "0"):
        monkeypatch.setenv("PG_GRADING_WARM", mode)
        seen[mode] = json.loads(_text(_run(code), 0))
    assert seen["1"] == seen["0"] and seen["1"]["files"] == 1, seen


def test_a_warm_sandbox_that_does_not_start_in_time_falls_back_to_cold(warm_only, monkeypatch, capsys):
    """A zygote slower than START_TIMEOUT is the sandbox's failure, not the notebook's: cold it is."""
    warm.close_all()  # this thread's zygote would otherwise be reused
    monkeypatch.setattr(warm, "START_TIMEOUT", 0.01)
    monkeypatch.setattr(warm, "_BROKEN", [])
    run = _run("print(6 * 7)")
    assert run["kernel"] == "ok" and _text(run, 0).strip() == "42"
    assert warm._BROKEN and "did not start" in warm._BROKEN[0]
    assert "grading continues in cold sandboxes" in capsys.readouterr().err
