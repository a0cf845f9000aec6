"""Replicas share one rate-limit budget per client through a real Redis (Debian's
redis-server, started on a unix socket under tmp_path and stopped by the test)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.web.ratelimit import RateLimiter
from bot.web.security import Exposure


@pytest.fixture
def redis_socket(tmp_path: Path) -> Iterator[Path]:
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: .ci/run installs Debian's redis-server"
    sock = tmp_path / "redis.sock"
    proc = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(sock), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not sock.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_replicas_share_one_budget_per_client(redis_socket):
    uri = f"redis+unix://{redis_socket}"
    first = RateLimiter(60, burst=3, storage=uri)
    second = RateLimiter(60, burst=3, storage=uri)
    assert [first.check("203.0.113.7") for _ in range(3)] == [None, None, None]
    wait = second.check("203.0.113.7")  # the other replica has spent the budget
    assert wait is not None and wait > 0
    assert second.check("198.51.100.1") is None  # another client is not affected


def test_the_server_guard_uses_the_configured_storage(redis_socket):
    settings = Settings.from_env(
        {"ZHEN_RATE_LIMIT": "2", "ZHEN_RATE_LIMIT_STORAGE": f"redis+unix://{redis_socket}"}
    )
    replicas = [Exposure(settings), Exposure(settings)]
    assert replicas[0].limiter.check("client") is None
    assert replicas[1].limiter.check("client") is None
    assert replicas[0].limiter.check("client") is not None


def test_a_shared_store_that_goes_down_does_not_take_the_service_down(tmp_path, caplog):
    limiter = RateLimiter(60, burst=1, storage=f"redis+unix://{tmp_path / 'no-such.sock'}")
    assert limiter.check("client") is None
    assert limiter.check("client") is None  # not limited while the store is unreachable
    assert "rate-limit storage unavailable" in caplog.text


def test_an_unknown_storage_address_is_refused_at_startup():
    with pytest.raises(SettingsError, match="ZHEN_RATE_LIMIT_STORAGE"):
        Settings.from_env({"ZHEN_RATE_LIMIT_STORAGE": "http://cache.example"})


def test_a_redis_address_without_the_client_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the client were not installed
    with pytest.raises(SettingsError, match=r"pip install 'zhen\[redis\]'"):
        RateLimiter(60, storage="redis://127.0.0.1:1")
