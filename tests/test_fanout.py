"""ScanContext.each: bounded, in the items' order, failures in place, nothing started after the deadline."""

import threading
import time

from connectors.base import DeadlineReached, ScanContext


def test_results_keep_the_items_order_whatever_finishes_first():
    def slow_first(n: int) -> int:
        time.sleep(0.05 * (5 - n))
        if n == 3:
            raise ValueError("three")
        return n * 10

    results = ScanContext(max_workers=5).each(slow_first, range(5), "s3")
    assert [r if isinstance(r, int) else repr(r) for r in results] == [0, 10, 20, "ValueError('three')", 40]


def test_the_limit_holds_across_callers_of_one_service_and_place():
    context, lock, now, most = ScanContext(concurrency={"s3": 3}), threading.Lock(), [0], [0]

    def call(_):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.02)
        with lock:
            now[0] -= 1

    callers = [threading.Thread(target=context.each, args=(call, range(12), "s3", "eu-west-1")) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert 1 < most[0] <= 3


def test_nothing_starts_after_the_deadline():
    called = []
    results = ScanContext(deadline=time.monotonic() - 1).each(called.append, range(3), "kms")
    assert called == [] and all(isinstance(r, DeadlineReached) for r in results)
