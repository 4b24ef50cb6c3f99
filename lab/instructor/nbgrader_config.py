"""The instructor's lab (`make formgrader`): settings nbgrader reads besides the course's own
grading/nbgrader_config.py, which it reads from the working directory and which wins where both set
something.

With an LMS (collect from a download), the course has no nbgrader exchange, and formgrader warns on
every page that its default one, /usr/local/share/nbgrader/exchange, does not exist. A folder inside
the course stands in for it (git ignores it); formgrader's release and collect buttons then work on
that folder and reach no student. On a JupyterHub, the hub's own setting names the real exchange
(grading/README.md, "On a JupyterHub"), and the instructor opens formgrader from the hub, not here.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads the file)

# `make formgrader` starts the lab in <course>/grading: the course is the working directory's parent.
exchange = Path(os.getcwd()).resolve().parent / "exchange"
exchange.mkdir(exist_ok=True)
c.Exchange.root = str(exchange)
