"""CPU time of a server's worker processes, read from ``/proc`` (Linux).

The bench divides the CPU that the gunicorn workers spent during a run by
the requests they served: unlike req/s or latency, that figure hardly moves
when other work shares the machine (the load generator itself included).

    workers = worker_pids(master_pid)
    before = cpu_seconds(workers)
    ... load ...
    wait_idle(workers)
    spent = cpu_delta(before, cpu_seconds(workers))
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def parse_stat(text: str) -> tuple[int, str, float]:
    """``(ppid, state, utime + stime in seconds)`` from a ``/proc/<pid>/stat`` line.

    The command name (field 2) is in parentheses and may hold spaces or
    parentheses itself: the fields are counted from the last ``)``.
    """
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state), rest[1] field 4 (ppid), rest[11] and rest[12]
    # fields 14 and 15 (utime, stime, in clock ticks).
    return int(rest[1]), rest[0], (int(rest[11]) + int(rest[12])) / TICKS_PER_SECOND


def _stat(pid: int) -> tuple[int, str, float] | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # the process ended meanwhile


def worker_pids(master_pid: int) -> list[int]:
    """The live children of ``master_pid`` (gunicorn's workers)."""
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] == master_pid:
                pids.append(int(entry.name))
    return sorted(pids)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """user + system CPU seconds of each process still alive."""
    found = {}
    for pid in pids:
        stat = _stat(pid)
        if stat is not None:
            found[pid] = stat[2]
    return found


def command_name(pid: int) -> str:
    """The process's command name (``/proc/<pid>/comm``), "" when it is not there."""
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings, by the processes alive at both."""
    return sum(after[pid] - before[pid] for pid in after if pid in before)


def wait_idle(pids: list[int], timeout: float = 10.0, step: float = 0.05) -> None:
    """Wait until no process of ``pids`` runs and their CPU stopped growing:
    a request still in progress when the load generator stopped counts too."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        states = [_stat(pid) for pid in pids]
        running = any(s is not None and s[1] == "R" for s in states)
        total = sum(s[2] for s in states if s is not None)
        if not running and total == previous:
            return
        previous = total
        time.sleep(step)
