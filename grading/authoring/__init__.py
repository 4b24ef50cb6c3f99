"""Authoring: what turns ``solutions/`` into the students' ``notebooks/``. The release
(``release.py``) with its stubs (``stubs.py``), the student header and Colab badges
(``student_header.py``, ``colab_badges.py``) and Colab's install cell (``colab_cell.py``); the
checks on the sources before a release (``lint.py``, ``concept_checks.py``); the folder students
download, with nothing an instructor keeps back (``student_export.py``). It may import ``base`` and itself."""
