"""In a Jupyter kernel, ``import pg_helpers`` shows warnings on stdout (nbgrader's Validate fails a
test cell that wrote to stderr); elsewhere warnings keep Python's default."""

from __future__ import annotations

import warnings

import nbformat
from nbclient import NotebookClient

from pg_helpers import warnings_policy


def _streams(*sources: str) -> dict[str, str]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    streams: dict[str, str] = {}
    for output in nb.cells[-1].outputs:
        if output.output_type == "stream":
            streams[output.name] = streams.get(output.name, "") + output.text
    return streams


def test_a_warning_in_a_kernel_goes_to_stdout_after_import():
    warn = "import warnings\nwarnings.warn('shapes are not checked yet')"
    without = _streams(warn)
    assert "UserWarning: shapes are not checked yet" in without.get("stderr", ""), without  # Python's default
    streams = _streams("import pg_helpers", warn)
    assert "stderr" not in streams, f"a warning still reached stderr: {streams}"
    assert "UserWarning: shapes are not checked yet" in streams.get("stdout", ""), streams


def test_torch_warning_after_float_of_a_grad_tensor_goes_to_stdout():
    streams = _streams("import pg_helpers, torch", "float((torch.ones(1, requires_grad=True) * 2).sum())")
    assert "stderr" not in streams and "requires_grad" in streams.get("stdout", ""), streams


def test_outside_a_kernel_nothing_changes(capsys):
    before = warnings.showwarning
    warnings_policy.install()  # pytest is not a Jupyter kernel
    assert warnings.showwarning is before


def test_show_on_stdout_formats_like_python(capsys):
    warnings_policy.show_on_stdout(UserWarning("careful"), UserWarning, "cell.py", 3)
    out, err = capsys.readouterr()
    assert out == warnings.formatwarning(UserWarning("careful"), UserWarning, "cell.py", 3) and err == ""
