"""Answer quality and speed per answerer: extractive vs generated, on one or more question sets.

Each answerer answers every question through the streaming path the web chat uses, with the
same index and embedder, and is scored as ``zhen eval`` scores it (``bot.evaluation.run``):

- facts: answerable items whose answer holds every required fact (``metrics.facts_match``)
- citation precision: cited passages (or their aligned translations) holding gold evidence
- refusal accuracy: unanswerable items answered "does not say"; false refusals: answerable
  items answered "does not say"
- language match: answers in the question's language and script (``metrics.language_matches``)
- modes: how many answers were generated, extractive, or fell back to extractive
- latency p50/p95 of the whole answer, tokens/s of the model (streamed pieces per second of
  generation; llama.cpp streams one token per piece) and the process's peak RSS so far (run
  one answerer per process for its own peak)

An answerer is ``extractive``, a backend (``gguf``, ``openai``, ``hf``) or a backend with a
model, ``gguf:bundled-1.5b``. ``--repair`` picks how a generated answer that leaves out a part
of the question is repaired (``bot.generation.complete``). Run from the repo root::

    python benchmarks/generators.py [--generators extractive gguf gguf:bundled-1.5b]
        [--testset FILE [--corpus ARTICLE] | --split bundled|dev|heldout] [--limit N]
        [--repair append|fallback] [--replies CACHE.json] [--home DIR] [--base-url URL]
        [--json out.json]

``--replies`` keeps every model reply in a file keyed by the model and the prompt, and answers
from it when the same model gets the same prompt again: a change to the checks (which does not change prompts) can then be
measured on the same replies in seconds. Latency figures of replayed answers are not the model's.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.answering.answer import Answer  # noqa: E402
from bot.engine import Zhen  # noqa: E402
from bot.evaluation.run import score_item, summarise  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import TestItem, load_testset  # noqa: E402
from bot.generation.answer import REPAIRS, stream_answer  # noqa: E402
from bot.generation.backends import load_generator  # noqa: E402
from bot.settings import Settings  # noqa: E402

SHOWN = (
    "facts",
    "citation_precision",
    "refusal_accuracy",
    "false_refusals",
    "language_match",
)


def answers(zhen: Zhen, question: str, repair: str | None) -> Iterator[str | Answer]:
    """``Zhen.stream``, with the repair chosen here rather than the default."""
    if zhen.generator is None or repair is None:
        yield from zhen.stream(question)
        return
    d = zhen._draft(question, None, None, None)
    yield from stream_answer(d, zhen.generator, **zhen._generation(), repair=repair)


def run(zhen: Zhen, items: list[TestItem], repair: str | None = None) -> dict:
    """Every item answered and scored; the summary with modes, tokens/s and peak RSS."""
    records: list[dict] = []
    pieces_total = 0
    gen_seconds = 0.0
    modes: collections.Counter[str] = collections.Counter()
    for item in items:
        started = time.perf_counter()
        pieces = 0
        final: Answer | None = None
        for piece in answers(zhen, item.user_input, repair):
            if isinstance(piece, Answer):
                final = piece
            else:
                pieces += 1
        latency = (time.perf_counter() - started) * 1000
        assert final is not None
        modes[final.mode] += 1
        if "generate" in final.timings_ms:
            pieces_total += pieces
            gen_seconds += final.timings_ms["generate"] / 1000
        records.append(score_item(item, final, latency) | {"note": final.note})
    summary = summarise(records)
    return {
        **{name: summary[name] for name in ("n", *SHOWN, "latency_ms_p50", "latency_ms_p95")},
        "modes": dict(modes),
        "tokens_per_s": pieces_total / gen_seconds if gen_seconds else None,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "items": records,
    }


class Replayed:
    """A generator answering from recorded replies (by prompt), recording what it lacks."""

    def __init__(self, inner, path: Path) -> None:
        self.inner, self.path = inner, path
        self.id = f"replayed:{getattr(inner, 'id', 'model')}"
        self.replies = json.loads(path.read_text("utf-8")) if path.exists() else {}

    def stream(self, messages, *, max_tokens: int, timeout: float) -> Iterator[str]:
        prompt = json.dumps([self.id, messages], ensure_ascii=False)
        key = hashlib.sha256(prompt.encode()).hexdigest()
        if key not in self.replies or "pieces" not in self.replies[key]:
            pieces = list(self.inner.stream(messages, max_tokens=max_tokens, timeout=timeout))
            self.replies[key] = {"pieces": pieces}
            self.path.write_text(json.dumps(self.replies, ensure_ascii=False), "utf-8")
        yield from self.replies[key]["pieces"]

    def generate(self, messages, *, max_tokens: int, timeout: float) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, timeout=timeout))


def question_suites(args: argparse.Namespace) -> list[tuple[str, Path, Path | None]]:
    """(name, test set, article file; None for the bundled article) to run."""
    if args.testset:
        return [(Path(args.testset).stem, Path(args.testset), args.corpus and Path(args.corpus))]
    sets = [bundled_set()] if args.split == "bundled" else question_sets(ROOT / "data" / args.split)
    return [
        (name, testset, article if article.is_file() else None) for name, testset, article in sets
    ]


def answerer(base: Zhen, spec: str, base_url: str | None, replies: Path | None = None) -> Zhen:
    """``base`` answering with the generator ``spec`` names (``backend`` or ``backend:model``),
    through recorded ``replies`` when given."""
    name, _, model = spec.partition(":")
    settings = base.settings.replace(generator=name, base_url=base_url, model=model or None)
    generator = load_generator(settings)
    load = getattr(generator, "load", None)
    if load is not None and replies is None:
        load()
    if generator is not None and replies is not None:
        generator = Replayed(generator, replies)
    return replace(base, settings=settings, generator=generator)


def pooled(runs: list[dict]) -> dict:
    """One summary over the items of several runs (speed figures weighted by answers)."""
    records = [record for r in runs for record in r["items"]]
    summary = summarise(records)
    modes: collections.Counter[str] = collections.Counter()
    for r in runs:
        modes.update(r["modes"])
    rates = [(r["tokens_per_s"], r["n"]) for r in runs if r["tokens_per_s"]]
    return {
        **{name: summary[name] for name in ("n", *SHOWN, "latency_ms_p50", "latency_ms_p95")},
        "modes": dict(modes),
        "tokens_per_s": sum(t * n for t, n in rates) / sum(n for _, n in rates) if rates else None,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "items": records,
    }


def line(spec: str, r: dict) -> str:
    tps = f"{r['tokens_per_s']:.1f}" if r["tokens_per_s"] else "-"
    shown = " ".join(f"{k}={r[k]:.3f}" if r[k] is not None else f"{k}=-" for k in SHOWN)
    return (
        f"{spec:<18} n={r['n']} {shown} p50={r['latency_ms_p50']:.0f}ms "
        f"p95={r['latency_ms_p95']:.0f}ms tokens/s={tps} rss={r['peak_rss_mb']:.0f}MB "
        f"modes={r['modes']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testset", help="one question set (default: --split)")
    parser.add_argument("--corpus", help="the article --testset asks (default: the bundled one)")
    parser.add_argument("--split", choices=("bundled", "dev", "heldout"), default="bundled")
    parser.add_argument("--generators", nargs="+", default=["extractive", "gguf"])
    parser.add_argument("--repair", choices=REPAIRS, help="default: the answerer's default")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set")
    parser.add_argument("--replies", help="model replies recorded by prompt (read and added to)")
    parser.add_argument("--home", help="data folder (default: a temporary one)")
    parser.add_argument("--base-url")
    parser.add_argument("--json", help="also write the figures (and every answer) to this file")
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="zhen-bench-"))
    results: dict[str, dict] = {}
    for name, testset, article in question_suites(args):
        items = load_testset(testset)[: args.limit] if args.limit else load_testset(testset)
        corpus = (article,) if article else None
        base = Zhen.load(Settings.from_env({}, home=home, corpus=corpus))
        for spec in args.generators:
            replies = Path(args.replies) if args.replies else None
            zhen = answerer(base, spec, args.base_url, replies)
            list(zhen.stream(items[0].user_input))  # warm-up: the first call pays one-off costs
            r = results.setdefault(name, {})[spec] = run(zhen, items, args.repair)
            print(f"{name:<20} {line(spec, r)}", flush=True)
    if len(results) > 1:
        for spec in args.generators:
            runs = [by_spec[spec] for by_spec in results.values()]
            print(f"{'(all sets)':<20} {line(spec, pooled(runs))}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
