"""Load test: N concurrent clients asking questions against ``zhen serve`` for T seconds.

Prints throughput, p50/p95/p99 latency, error count and the server's resident memory before
and after (after a warm-up at the same concurrency). Starts its own ``zhen serve`` (rate
limiting off, bundled article, this process's environment: ``ZHEN_*`` settings apply)
unless ``--url`` points at a running one (``--pid``: its memory).

``--mix cycle`` (the default) has each client walk the bundled test questions in turn;
``--mix zipf`` draws them Zipf-distributed (the question ranked r is asked with weight
1/r^1.1), the way a site's visitors repeat a few popular questions. ``--compare`` starts
two servers one after the other and prints the ratios (on / off) of what the mix
exercises: with ``cycle``, query batching (``ZHEN_EMBED_BATCH=1`` off; the answer cache
off in both runs, so repeats do not count); with ``zipf``, the answer cache
(``ZHEN_ANSWER_CACHE=0`` off; batching on in both). ``--json`` prints one object per run.

    python benchmarks/load.py --clients 50 --seconds 60 [--mix zipf] [--compare] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.resources import bundled_testset  # noqa: E402

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


ZIPF_EXPONENT = 1.1
# what ``--compare`` switches off (first) and on, and what stays the same, per mix
COMPARED = {
    "cycle": ("batching", {"ZHEN_EMBED_BATCH": "1"}, {}, {"ZHEN_ANSWER_CACHE": "0"}),
    "zipf": ("answer cache", {"ZHEN_ANSWER_CACHE": "0"}, {}, {}),
}


def picker(mix: str, clients: int, n: int):
    """The question client ``n`` asks on its ``i``-th request."""
    if mix == "cycle":
        return lambda i: QUESTIONS[(n + i * clients) % len(QUESTIONS)]
    rng = random.Random(n)
    weights = [1 / (r + 1) ** ZIPF_EXPONENT for r in range(len(QUESTIONS))]
    return lambda i: rng.choices(QUESTIONS, weights)[0]


@contextmanager
def zhen_server(home: str | None, env: dict[str, str] | None = None):
    """``zhen serve`` on a free port, with this process's environment plus ``env``; yields
    (base URL, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT), ZHEN_RATE_LIMIT="0", **(env or {}))
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


async def run_load(base: str, clients: int, seconds: float, mix: str = "cycle") -> dict:
    """``clients`` concurrent loops of POST /api/ask for ``seconds``."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(n: int) -> None:
            ask = picker(mix, clients, n)
            i = 0
            while time.perf_counter() < deadline:
                question = ask(i)
                i += 1
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


def summary(result: dict, before: float | None, after: float | None) -> dict:
    """The figures of one run as one JSON object (latencies in ms, memory in MB)."""
    lat = result["latencies"]
    return {
        "throughput": result["requests"] / result["elapsed"],
        "p50": percentile(lat, 0.50) * 1000,
        "p95": percentile(lat, 0.95) * 1000,
        "p99": percentile(lat, 0.99) * 1000,
        "errors": sum(result["errors"].values()),
        "rss_before": before,
        "rss_after": after,
    }


def measure(args: argparse.Namespace, env: dict[str, str] | None = None) -> dict:
    """One run: a warm-up at full concurrency (so "before" is the steady state: threads,
    caches), then the measured load."""
    server = zhen_server(args.home, env) if not args.url else _given(args.url, args.pid)
    with server as (base, pid):
        asyncio.run(run_load(base, args.clients, args.warmup, args.mix))
        before = rss_mb(pid)
        result = asyncio.run(run_load(base, args.clients, args.seconds, args.mix))
        after = rss_mb(pid)
    if not args.json:
        report(result, args.clients)
        if before and after:
            print(
                f"server RSS MB  before {before:.0f}  after {after:.0f}  "
                f"growth {100 * (after - before) / before:+.1f} %"
            )
    return summary(result, before, after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10, help="seconds before measuring")
    parser.add_argument("--mix", choices=("cycle", "zipf"), default="cycle")
    parser.add_argument("--compare", action="store_true", help="off vs on (see above)")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    parser.add_argument("--url", help="a running zhen serve (default: start one)")
    parser.add_argument("--pid", type=int, help="its process id, for memory figures")
    parser.add_argument("--home", help="ZHEN_HOME for the server this script starts")
    args = parser.parse_args()
    if not args.compare:
        figures = measure(args)
        if args.json:
            print(json.dumps(figures))
        return
    if args.url:
        parser.error("--compare starts its own servers: leave out --url")
    feature, off, on, both = COMPARED[args.mix]
    runs = {}
    for name, env in (("off", {**both, **off}), ("on", {**both, **on})):
        if not args.json:
            print(
                f"-- {feature} {name} ({' '.join(f'{k}={v}' for k, v in env.items()) or 'defaults'})"
            )
        runs[name] = measure(args, env)
    ratios = {
        "throughput": runs["on"]["throughput"] / runs["off"]["throughput"],
        "p95": runs["on"]["p95"] / runs["off"]["p95"],
    }
    if args.json:
        print(json.dumps({"mix": args.mix, "compared": feature, **runs, "ratio": ratios}))
    else:
        print(
            f"{feature} on/off ({args.mix}, {args.clients} clients): throughput "
            f"{ratios['throughput']:.2f}x  p95 {ratios['p95']:.2f}x"
        )


@contextmanager
def _given(url: str, pid: int | None):
    yield url.rstrip("/"), pid


if __name__ == "__main__":
    main()
