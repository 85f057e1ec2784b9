"""The limiter of the calls to outside services (core/throttle.py)."""

import threading
import time

import pytest

from core import throttle


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self, start=100.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_calls_are_spaced_by_one_over_the_rate():
    clock = FakeClock()
    limiter = throttle.RateLimiter(50, clock=clock, sleep=clock.sleep)
    started = []
    for _ in range(4):
        limiter.wait()
        started.append(clock.now)
    assert started == pytest.approx([100.0, 100.02, 100.04, 100.06])


def test_a_call_after_a_quiet_second_does_not_wait():
    clock = FakeClock()
    limiter = throttle.RateLimiter(50, clock=clock, sleep=clock.sleep)
    limiter.wait()
    limiter.wait()
    clock.now += 1.0
    limiter.wait()
    assert clock.sleeps == pytest.approx([0.02])


def test_threads_waiting_at_the_same_instant_get_one_slot_each():
    """The clock stands still: eight threads book eight slots, 1/rate apart, whatever their order."""
    clock = FakeClock()
    sleeps = []
    limiter = throttle.RateLimiter(10, clock=clock, sleep=sleeps.append)
    threads = [threading.Thread(target=limiter.wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sleeps) == pytest.approx([number / 10 for number in range(1, 8)])


def test_one_limiter_per_name_rebuilt_when_the_rate_changes():
    sirene = throttle.limiter("test-sirene", 7)
    assert throttle.limiter("test-sirene", 7) is sirene
    assert throttle.limiter("test-geocoder", 7) is not sirene
    faster = throttle.limiter("test-sirene", 8)
    assert faster is not sirene
    assert faster.interval == pytest.approx(1 / 8)


def test_two_threads_asking_at_once_get_the_same_limiter(monkeypatch):
    """A slow construction opens the window where an unguarded check-then-create builds two limiters."""

    class SlowRateLimiter(throttle.RateLimiter):
        def __init__(self, *args, **kwargs):
            time.sleep(0.05)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(throttle, "RateLimiter", SlowRateLimiter)
    start = threading.Barrier(2)
    got = []

    def ask():
        start.wait()
        got.append(throttle.limiter("test-race", 5))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 2
    assert got[0] is got[1]
