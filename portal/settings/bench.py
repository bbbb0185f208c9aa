"""Settings of the servers started by ``bench/run.py``: the production settings
plus the bench's endpoints (``/_bench/hello/``), which production refuses."""

from .production import *  # noqa: F403

BENCH_ENDPOINTS = True
