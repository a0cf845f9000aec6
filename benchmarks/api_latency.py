"""Web API targets: warm ``/api/ask`` p50 beside the in-process ``Zhen.ask`` p50 on the same
questions (the web stack's overhead); 50 concurrent clients for 30 s (errors, p95); server
resident memory; ``widget.js`` size. The answer cache is off in both, so every request is
answered afresh.

    python benchmarks/api_latency.py [--seconds 30] [--clients 50] [--home DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import httpx
from load import QUESTIONS, percentile, report, rss_mb, run_load, warm_p50, zhen_server

from bot.engine import Zhen
from bot.settings import Settings

NO_CACHE = {"ZHEN_ANSWER_CACHE": "0"}


def in_process_p50(home: str | None, n: int = 100) -> float:
    """Median ``Zhen.ask`` time over the questions ``warm_p50`` asks, in ms (after a warm-up)."""
    settings = Settings.from_env(None, home=Path(home) if home else None, answer_cache=0)
    zhen = Zhen.load(settings)
    times = []
    for i in range(n + 5):
        started = time.perf_counter()
        zhen.ask(QUESTIONS[i % len(QUESTIONS)])
        if i >= 5:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--home", help="ZHEN_HOME for the server (default ~/.cache/zhen)")
    args = parser.parse_args()
    with zhen_server(args.home, NO_CACHE) as (base, pid):
        widget = httpx.get(base + "/widget.js").content
        p50 = warm_p50(base)
        result = asyncio.run(run_load(base, args.clients, args.seconds))
        rss = rss_mb(pid)
    local = in_process_p50(args.home)
    print(
        f"warm /api/ask p50 {p50:.1f} ms; in-process Zhen.ask p50 {local:.1f} ms; "
        f"ratio {p50 / local:.2f} (target ≤ 1.2)"
    )
    report(result, args.clients)
    p95 = percentile(result["latencies"], 0.95) * 1000
    print(f"p95 {p95:.0f} ms (target ≤ 1000), errors {sum(result['errors'].values())} (target 0)")
    print(f"server RSS {rss:.0f} MB (target ≤ 800)")
    print(f"widget.js {len(widget) / 1024:.1f} KB (target ≤ 30)")


if __name__ == "__main__":
    main()
