"""The /proc reader of ``make bench`` (bench/proccpu.py): the worker CPU per
request of section ``pages`` is only as right as these few lines."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import proccpu  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")


def test_stat_fields_are_counted_after_the_command_name():
    # A command name may hold spaces and parentheses: fields count from the last ")".
    ticks = proccpu.TICKS_PER_SECOND
    line = f"4242 (gunicorn: (worker) x) S 4200 1 1 0 -1 0 0 0 0 0 {3 * ticks} {ticks} 0 0 20"
    assert proccpu.parse_stat(line) == (4200, "S", 4.0)


def test_children_of_a_process_and_their_cpu_are_found():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in proccpu.worker_pids(os.getpid())
        before = proccpu.cpu_seconds([child.pid])
        assert set(before) == {child.pid} and before[child.pid] >= 0
    finally:
        child.kill()
        child.wait()
    # An ended process is left out, and so is its share of a delta.
    assert proccpu.cpu_seconds([child.pid]) == {}
    assert proccpu.cpu_delta({1: 1.0, child.pid: 2.0}, {1: 1.5}) == 0.5
