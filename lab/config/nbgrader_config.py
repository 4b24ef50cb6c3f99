"""nbgrader settings for the student's JupyterLab (`make lab`): what the Validate button uses.

`make lab` puts this folder on JUPYTER_CONFIG_PATH; nbgrader's Validate reads nbgrader_config.py
from there. Validate runs the notebook's small configuration (pg_helpers.fast_mode() is true while
nbgrader validates), so it answers in seconds; the cell timeout is the grader's.
"""

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads the file)

c.Execute.timeout = 60  # seconds per cell, as `python -m grading autograde --cell-timeout` by default
c.Execute.interrupt_on_timeout = True

# On a JupyterHub (grading/README.md, "On a JupyterHub"), submissions carry the hub's user name.
# nbgrader otherwise takes the Unix account's name: `jovyan` for everyone on Zero to JupyterHub
# (nbgrader then reads JUPYTERHUB_USER itself), `jupyter-<name>` on The Littlest JupyterHub.
import os  # noqa: E402

if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
