"""Answering slots are handed out first come, first served, and time out cleanly."""

from __future__ import annotations

import threading
import time

from bot.web.slots import FairSlots


def test_waiters_get_slots_in_arrival_order():
    slots = FairSlots(1)
    assert slots.acquire()
    order: list[int] = []

    def wait(i: int) -> None:
        assert slots.acquire(timeout=5)
        order.append(i)
        slots.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=wait, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.02)  # arrive in order
    slots.release()
    for t in threads:
        t.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_timed_out_waiter_does_not_keep_a_slot():
    slots = FairSlots(1)
    assert slots.acquire()
    assert not slots.acquire(timeout=0.05)
    slots.release()
    assert slots.acquire(timeout=0.05)  # the slot is free again, not lost to the timed-out waiter
