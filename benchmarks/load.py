"""Load test: N concurrent clients asking questions against ``zhen serve`` for T seconds.

Prints throughput, p50/p95/p99 latency, error count and the server's resident memory before
and after (after a warm-up at the same concurrency). Starts its own ``zhen serve`` (rate
limiting off, bundled article) unless ``--url`` points at a running one (``--pid``: its memory).

    python benchmarks/load.py --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.resources import bundled_testset

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    json.loads(line)["user_input"]
    for line in bundled_testset().read_text("utf-8").splitlines()
    if line.strip()
]


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


@contextmanager
def zhen_server(home: str | None):
    """``zhen serve`` on a free port; yields (base URL, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT), ZHEN_RATE_LIMIT="0")
    if home:
        env["ZHEN_HOME"] = home
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("zhen serve did not start")
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def run_load(base: str, clients: int, seconds: float) -> dict:
    """``clients`` concurrent loops of POST /api/ask for ``seconds``."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(n: int) -> None:
            i = n
            while time.perf_counter() < deadline:
                question = QUESTIONS[i % len(QUESTIONS)]
                i += clients
                started = time.perf_counter()
                try:
                    res = await client.post("/api/ask", json={"question": question})
                    ok = res.status_code == 200
                    key = str(res.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors[key] = errors.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "elapsed": elapsed,
        "latencies": latencies,
        "errors": errors,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(result: dict, clients: int) -> None:
    lat = result["latencies"]
    print(
        f"clients {clients}  requests {result['requests']}  "
        f"throughput {result['requests'] / result['elapsed']:.1f} req/s  "
        f"errors {sum(result['errors'].values())} {result['errors'] or ''}"
    )
    print(
        f"latency ms  p50 {percentile(lat, 0.50) * 1000:.0f}  p95 {percentile(lat, 0.95) * 1000:.0f}"
        f"  p99 {percentile(lat, 0.99) * 1000:.0f}  max {max(lat, default=0) * 1000:.0f}"
    )


def warm_p50(base: str, n: int = 100) -> float:
    """Median of ``n`` sequential /api/ask requests (after a warm-up), in ms."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(n + 5):
            started = time.perf_counter()
            client.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
            if i >= 5:
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10, help="seconds before measuring")
    parser.add_argument("--url", help="a running zhen serve (default: start one)")
    parser.add_argument("--pid", type=int, help="its process id, for memory figures")
    parser.add_argument("--home", help="ZHEN_HOME for the server this script starts")
    args = parser.parse_args()
    with zhen_server(args.home) if not args.url else _given(args.url, args.pid) as (base, pid):
        # warm up at full concurrency first, so "before" is the steady state (threads, caches)
        asyncio.run(run_load(base, args.clients, args.warmup))
        before = rss_mb(pid)
        result = asyncio.run(run_load(base, args.clients, args.seconds))
        after = rss_mb(pid)
    report(result, args.clients)
    if before and after:
        print(
            f"server RSS MB  before {before:.0f}  after {after:.0f}  "
            f"growth {100 * (after - before) / before:+.1f} %"
        )


@contextmanager
def _given(url: str, pid: int | None):
    yield url.rstrip("/"), pid


if __name__ == "__main__":
    main()
