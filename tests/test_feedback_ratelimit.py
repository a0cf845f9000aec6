"""The feedback log loses nothing under concurrency; the rate limiter refuses, then recovers."""

from __future__ import annotations

import json
import threading
import time

import pytest

from bot.web.feedback import FeedbackError, FeedbackLog
from bot.web.ratelimit import RateLimiter


def test_200_concurrent_votes_give_200_intact_lines(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    record = {"question": "天津和神户？" * 50, "answer": "x" * 3000, "vote": "up"}
    threads = [threading.Thread(target=log.append, args=({**record, "i": i},)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert sorted(json.loads(line)["i"] for line in lines) == list(range(200))


def test_torn_last_line_is_skipped_and_next_vote_stays_intact(tmp_path, caplog):
    path = tmp_path / "feedback.jsonl"
    log = FeedbackLog(path)
    log.append({"vote": "up", "question": "a"})
    with path.open("ab") as f:
        f.write(b'{"vote": "down", "quest')  # a crash mid-write
    log.append({"vote": "down", "question": "b"})
    entries = log.read()
    assert [e["question"] for e in entries] == ["a", "b"]
    assert "skipped" in caplog.text


def test_bad_vote_is_refused(tmp_path):
    with pytest.raises(FeedbackError):
        FeedbackLog(tmp_path / "f.jsonl").append({"vote": "maybe"})


def test_unwritable_feedback_path_raises_feedback_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(FeedbackError):
        FeedbackLog(blocker / "feedback.jsonl").append({"vote": "up"})


def test_rate_limiter_refuses_past_burst_then_refills():
    limiter = RateLimiter(120, burst=2)  # 2 requests a second
    assert [limiter.check("a") for _ in range(2)] == [None, None]
    wait = limiter.check("a")
    assert wait is not None and 0 < wait <= 1.0
    assert limiter.check("b") is None  # other clients are unaffected
    time.sleep(2.05)  # the sliding window has moved past both requests
    assert limiter.check("a") is None


def test_rate_limit_zero_disables():
    limiter = RateLimiter(0)
    assert all(limiter.check("a") is None for _ in range(1000))


def test_rate_limiter_forgets_clients_once_their_window_has_passed():
    limiter = RateLimiter(60, burst=1)  # 1 request a second
    for i in range(1000):
        limiter.check(f"client-{i}")
    assert limiter.check("client-999") is not None  # recent clients are still limited
    time.sleep(2.2)
    limiter.check("newcomer")  # any request sweeps out the expired counters
    time.sleep(0.2)
    assert [k for k in limiter.storage.storage if "newcomer" not in k] == []
