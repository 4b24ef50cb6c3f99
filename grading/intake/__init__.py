"""Intake: a class's submissions into ``submitted/<student>/<assignment>/``. Opening LMS downloads
and archives within limits (``archive.py``), filing each notebook under its student and assignment
(``collect.py``), the class list (``roster.py``), a student's key and names (``students.py``). It may
import ``base``, ``authoring`` and itself (today it needs only ``base``)."""
