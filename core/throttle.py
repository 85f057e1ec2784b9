"""Spacing the calls we make to an outside service: one process-wide limiter per service.

The Géoplateforme geocoder allows 50 requests per second, the API Recherche d'entreprises 7: every
request to one of them first waits for `limiter(name, rate).wait()`. The limiter of a name is shared by
every thread of the process (two threads asking at once get the same one, so the rate is never
doubled) and rebuilt when the rate asked for changes (a setting changed in tests or by an operator).

Not to be confused with `core.antispam.rate_limited`, which limits what visitors send *to us*.
"""

import threading
import time


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart, across threads of this process.

    `clock` and `sleep` default to `time.monotonic` and `time.sleep`; tests pass fake ones.
    """

    def __init__(self, per_second, *, clock=None, sleep=None):
        self.per_second = per_second
        self.interval = 1.0 / per_second
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait(self):
        """Return when this call's slot has come (at once when the previous one is over 1/rate ago)."""
        with self._lock:
            now = self._clock()
            delay = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + self.interval
        if delay > 0:
            self._sleep(delay)  # outside the lock: the next caller books its own slot meanwhile


_limiters = {}
_limiters_lock = threading.Lock()


def limiter(name, per_second):
    """The process-wide RateLimiter of `name` at `per_second` calls per second."""
    with _limiters_lock:
        current = _limiters.get(name)
        if current is None or current.per_second != per_second:
            current = _limiters[name] = RateLimiter(per_second)
        return current
