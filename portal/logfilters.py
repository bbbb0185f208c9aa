"""Log filters: an outage says so once a minute, not once per request.

``OncePerInterval`` lets through one record per ``seconds`` for each logger and
message template; the traceback shrinks to its last line (``Type: message``) and
the next record let through tells how many were left out meanwhile. It is set on
the loggers that speak at every request while a dependency is down (LOGGING in
``portal/settings/base.py``): django-redis' ignored exceptions (the cache and the
sessions degrade to a miss), the outbox's dispatch when the broker is down, the
readiness probe.
"""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    def __init__(self, seconds: float = 60.0, name: str = ""):
        super().__init__(name)
        self.seconds = float(seconds)
        self._lock = threading.Lock()
        self._last: dict[tuple[str, str], float] = {}
        self._dropped: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.seconds:
                self._dropped[key] = self._dropped.get(key, 0) + 1
                return False
            self._last[key] = now
            dropped = self._dropped.pop(key, 0)
        message = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            message = f"{message}: {type(error).__name__}: {error}"
        if dropped:
            message = f"{message} (+{dropped} identical in the last {self.seconds:.0f} s)"
        record.msg, record.args = message, None
        record.exc_info = record.exc_text = record.stack_info = None
        return True
