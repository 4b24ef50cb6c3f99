"""Base: the foundations every stage uses. Where things are in a course tree, which assignments,
notebooks and folder names it has, and the course's settings (``course.py``); what a cell is to
nbgrader (``cells.py``); reading a cell's Python (``pyparse.py``); which cells are demonstrations
and what they read (``demos.py``); the nbgrader gradebook (``gradebook.py``); running nbgrader's
command line (``nbgrader_cli.py``). It imports no other stage, only itself, the standard library and
libraries (nbformat, nbgrader)."""
