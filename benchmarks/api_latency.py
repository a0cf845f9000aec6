"""Web API targets: warm ``/api/ask`` p50; 50 concurrent clients for 30 s (errors, p95);
server resident memory; ``widget.js`` size.

    python benchmarks/api_latency.py [--seconds 30] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio

import httpx
from load import percentile, report, rss_mb, run_load, warm_p50, zhen_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--home", help="ZHEN_HOME for the server (default ~/.cache/zhen)")
    args = parser.parse_args()
    with zhen_server(args.home) as (base, pid):
        widget = httpx.get(base + "/widget.js").content
        p50 = warm_p50(base)
        result = asyncio.run(run_load(base, args.clients, args.seconds))
        rss = rss_mb(pid)
    print(f"warm /api/ask p50 {p50:.1f} ms (target ≤ 60)")
    report(result, args.clients)
    p95 = percentile(result["latencies"], 0.95) * 1000
    print(f"p95 {p95:.0f} ms (target ≤ 1000), errors {sum(result['errors'].values())} (target 0)")
    print(f"server RSS {rss:.0f} MB (target ≤ 800)")
    print(f"widget.js {len(widget) / 1024:.1f} KB (target ≤ 30)")


if __name__ == "__main__":
    main()
