"""pg_helpers.progress: bars that end in the right state, in words and colour, and survive saving."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

import pg_helpers as pg
from pg_helpers.progress import COLOURS


def test_progress_counts_without_drawing(capsys):
    bar = pg.progress(range(5), desc="test", disable=True)
    assert sum(1 for _ in bar) == 5 and bar.state == "done"
    assert capsys.readouterr() == ("", "")


def test_a_run_that_stops_early_for_a_good_reason_ends_done(capsys):
    with pg.progress(total=1000, desc="REINFORCE") as bar:
        bar.update(212)
        bar.finish("solved at update 212")
    assert bar.state == "done" and bar.fraction() == 1.0
    assert "212/1000" in bar.text() and bar.text().endswith("done: solved at update 212")
    assert COLOURS["done"] in bar.html() and "width:100.0%" in bar.html()
    assert capsys.readouterr().err.endswith("done: solved at update 212\n")  # a terminal: one line on stderr


def test_closing_early_without_a_reason_is_stopped_and_an_error_is_an_error():
    with pg.progress(total=10, disable=True) as bar:
        bar.update(3)
    assert bar.state == "stopped" and "3/10" in bar.text() and "stopped" in bar.text()
    with pytest.raises(KeyError):
        with pg.progress(total=10, disable=True) as failing:
            raise KeyError("boom")
    assert failing.state == "error" and COLOURS["error"] in failing.html()


def test_iteration_ends_done_or_stopped_at_a_break():
    full = pg.progress(range(4), disable=True)
    assert list(full) == [0, 1, 2, 3] and full.state == "done"
    early = pg.progress(range(4), disable=True)
    for i in early:
        if i == 1:
            break
    assert early.state == "stopped" and early.n == 1


def test_bad_arguments_say_what_was_expected():
    with pytest.raises(ValueError, match="total must be a whole number >= 0 or None, got -1"):
        pg.progress(total=-1)
    with pytest.raises(TypeError, match="nothing to iterate"):
        iter(pg.progress(total=3, disable=True)).__next__()


def test_in_a_kernel_the_bar_is_saved_output_not_a_widget():
    """Run in a real kernel and keep the notebook as saved: no widget model, the final state in text."""
    source = ("import pg_helpers as pg\n"
              "with pg.progress(total=100, desc='training', mininterval=0) as bar:\n"
              "    for update in range(100):\n"
              "        bar.update()\n"
              "        if update == 20:\n"
              "            bar.finish('solved at update 21')\n"
              "            break")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert all(o.output_type == "display_data" for o in outputs), [o.output_type for o in outputs]  # no stderr
    assert len(outputs) == 1, "the bar must redraw one output in place"
    data = outputs[0].data
    assert not any("widget" in mime for mime in data), sorted(data)
    assert data["text/plain"].startswith("training |") and data["text/plain"].endswith("done: solved at update 21")
    assert COLOURS["done"] in data["text/html"] and "21/100" in data["text/html"]
