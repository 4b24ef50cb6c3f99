"""Engine: grading the submitted notebooks. One notebook assembled from the source and the
submission, scanned, run and scored (``grader.py``), its result on disk (``result_files.py``); a
batch over local worker processes (``batch.py``) or a Dask cluster (``cluster.py``), after the
pre-flight that grades the references first (``preflight.py``); whether a failure is the grading
environment's (``environment.py``); what a submission must not do (``integrity.py``); the sandbox
(``sandbox.py``: warm, ``warm.py``, or cold, ``cold.py``; its layers and limits,
``sandbox_layers.py``) and the ``executor`` package that runs inside it. It may import ``base``,
``authoring`` (the pre-flight releases what it grades), ``intake`` and itself; ``executor`` imports
only itself (the rest of ``grading`` is not in the sandbox)."""
