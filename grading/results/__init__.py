"""Results: what graded notebooks become. The grade table (``export.py``) and the LMS's import files
(``lms_export.py``); feedback pages (``feedback.py``, with ``feedback_math.py``'s MathML) and the
receipts nbgrader's exchange needs to return them (``exchange.py``); pass rates per test
(``report.py``); plain nbgrader made to score as this tool does, and its results read back
(``nbgrader_scoring.py``, ``nbgrader_results.py``). It may import every stage below it (``base``,
``authoring``, ``intake``, ``engine``) and itself."""
