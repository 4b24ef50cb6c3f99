"""What nbgrader's exchange needs beside a feedback page, so ``nbgrader release_feedback`` can hand it back.

On a JupyterHub, ``nbgrader collect`` files a submission as ``submitted/<student>/<assignment>/``
with the notebook, ``timestamp.txt`` and ``submission_secret.txt`` (written by the student's
submit). ``nbgrader release_feedback`` reads both files from ``feedback/<student>/<assignment>/``:
the secret names the page in the exchange (a hash only that student's submit can reproduce), so
the student fetches their own page and no one else's. nbgrader's own ``generate_feedback``
copies them there; ``python -m grading feedback`` does the same with ``copy_exchange_receipts``.
A submission from an LMS download has neither file, and nothing is copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

RECEIPTS = ("timestamp.txt", "submission_secret.txt")


def copy_exchange_receipts(submitted: Path, feedback: Path) -> list[Path]:
    """Copy the exchange's receipt files of ``submitted`` into ``feedback``; return the copies."""
    copied = []
    for name in RECEIPTS:
        if (submitted / name).is_file():
            feedback.mkdir(parents=True, exist_ok=True)
            copied.append(Path(shutil.copy2(submitted / name, feedback / name)))
    return copied
