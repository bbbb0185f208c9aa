"""Sizes of the bench's data: quick by default, the issues' own with ``--full``.

``bench/run.py --full`` (or ``BENCH_FULL=1`` for a script run by itself)
generates the volumes the issues quote (100 000 listings, 50 000 open files,
200 000 statistics files…); by default the sections whose size can shrink
generate a fifth or so, so that ``make bench`` finishes in under ten
minutes. The environment is inherited by the scripts' child processes, so
a parent and its child agree on the sizes.
"""

import os


def full() -> bool:
    return os.environ.get("BENCH_FULL", "") not in ("", "0")


def size(full_value, quick_value):
    """``full_value`` with ``--full``, else ``quick_value``."""
    return full_value if full() else quick_value
