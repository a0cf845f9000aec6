"""Process start to first answer, and resident memory, of ``zhen ask`` with a built index.

Runs ``python -m bot.cli ask`` in fresh processes (after one run that builds the index
into a temporary home) and prints the wall time per run and the peak resident memory
(``ru_maxrss`` of the child). Usage::

    python benchmarks/startup.py [--runs 5] [--question "..."]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(question: str, home: str) -> tuple[float, float]:
    """Seconds from process start to the printed answer, and the child's peak RSS in MB."""
    env = dict(os.environ, ZHEN_HOME=home, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", question],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default="天津和神户什么时候结为友好城市？")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        build_s, build_mb = run(args.question, home)
        times, peaks = [], []
        for _ in range(args.runs):
            seconds, peak = run(args.question, home)
            times.append(seconds)
            peaks.append(peak)
    print(f"first run (builds the index): {build_s:.2f} s, peak RSS {build_mb:.0f} MB")
    print(
        f"start → first answer, built index ({args.runs} runs): "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )
    print(f"peak resident memory of a zhen ask process: {max(peaks):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
