"""A fault for tests/faults.py's proxy that delays each answer it serves and counts the requests in flight."""

import threading
import time

from tests.faults import Answer, Request, Upstream


class InFlight:
    """Forward after ``delay`` seconds; ``calls`` counts the requests served, ``most`` the most in flight at once."""

    def __init__(self, delay: float):
        self.delay, self.calls, self.now, self.most = delay, 0, 0, 0
        self._lock = threading.Lock()

    def __call__(self, request: Request, upstream: Upstream) -> Answer:
        return self.delayed(upstream)

    def delayed(self, call):
        """``call()`` after ``delay`` seconds, counted while it waits and runs."""
        with self._lock:
            self.calls += 1
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(self.delay)
            return call()
        finally:
            with self._lock:
                self.now -= 1
