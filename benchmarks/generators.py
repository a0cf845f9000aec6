"""Answer quality and speed per answerer on the bundled test set: extractive vs generated.

Each answerer answers every test question through ``Zhen.stream`` (the streaming path
the web chat uses), with the same index and embedder. Printed per answerer:

- facts: answerable items whose answer holds every required fact (``metrics.facts_match``)
- citation precision: cited passages (or their aligned translations) holding gold evidence
- refusal accuracy: items where "does not say" (not grounded) ⇔ the item is unanswerable
- language match: answers in the question's language and script (``metrics.language_matches``)
- modes: how many answers were generated, extractive, or fell back to extractive
- latency p50/p95 of the whole answer, and tokens/s of the model (streamed pieces per
  second of generation; llama.cpp streams one token per piece)

Run from the repo root (the gguf answerer needs ``pip install -e '.[gguf]'``)::

    python benchmarks/generators.py [--generators extractive gguf] [--limit N]
        [--home DIR] [--base-url URL --model NAME] [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.answering.answer import Answer  # noqa: E402
from bot.engine import Zhen  # noqa: E402
from bot.evaluation.metrics import contains, facts_match, language_matches, percentile  # noqa: E402
from bot.generation.backends import load_generator  # noqa: E402
from bot.resources import bundled_testset  # noqa: E402
from bot.settings import Settings  # noqa: E402


def run(zhen: Zhen, rows: list[dict]) -> dict:
    facts = answerable = cited = cited_ok = refusal_ok = lang_ok = 0
    pieces_total = 0
    gen_seconds = 0.0
    latencies: list[float] = []
    modes: collections.Counter[str] = collections.Counter()
    for row in rows:
        started = time.perf_counter()
        pieces = 0
        final: Answer | None = None
        for item in zhen.stream(row["user_input"]):
            if isinstance(item, Answer):
                final = item
            else:
                pieces += 1
        latencies.append((time.perf_counter() - started) * 1000)
        assert final is not None
        modes[final.mode] += 1
        if "generate" in final.timings_ms:
            pieces_total += pieces
            gen_seconds += final.timings_ms["generate"] / 1000
        refusal_ok += final.grounded == row["answerable"]
        lang_ok += language_matches(final.answer, row["language"])
        if row["answerable"]:
            answerable += 1
            facts += final.grounded and facts_match(final.answer, row["must_include"])
            for c in final.citations:
                cited += 1
                texts = [c.text, c.translation or ""]
                cited_ok += any(contains(t, e) for t in texts for e in row["reference_contexts"])
    n = len(rows)
    return {
        "questions": n,
        "facts": facts / max(answerable, 1),
        "citation_precision": cited_ok / max(cited, 1),
        "refusal_accuracy": refusal_ok / n,
        "language_match": lang_ok / n,
        "modes": dict(modes),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "tokens_per_s": pieces_total / gen_seconds if gen_seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testset", default=str(bundled_testset()))
    parser.add_argument("--generators", nargs="+", default=["extractive", "gguf"])
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--home", help="data folder (default: a temporary one)")
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.testset).read_text("utf-8").splitlines() if line]
    rows = rows[: args.limit] if args.limit else rows
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="zhen-bench-"))
    base = Zhen.load(Settings.from_env({}, home=home))
    results = {}
    for name in args.generators:
        settings = base.settings.replace(generator=name, base_url=args.base_url, model=args.model)
        generator = load_generator(settings)
        load = getattr(generator, "load", None)
        if load is not None:
            load()
        zhen = replace(base, settings=settings, generator=generator)
        if generator is not None:  # warm-up: the first call pays one-off costs
            list(zhen.stream(rows[0]["user_input"]))
        results[name] = run(zhen, rows)
        r = results[name]
        tps = f"{r['tokens_per_s']:.1f}" if r["tokens_per_s"] else "-"
        print(
            f"{name:<11} n={r['questions']} facts={r['facts']:.3f} "
            f"citation_precision={r['citation_precision']:.3f} "
            f"refusal_accuracy={r['refusal_accuracy']:.3f} language_match={r['language_match']:.3f} "
            f"p50={r['latency_p50_ms']:.0f}ms p95={r['latency_p95_ms']:.0f}ms tokens/s={tps} "
            f"modes={r['modes']}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
