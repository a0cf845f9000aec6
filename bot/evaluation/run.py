"""``zhen eval``: run a test set through ``Zhen.ask`` and score every answer.

The report writers live in ``bot/report.py`` and ``bot/report_html.py``; this module only
answers, scores and aggregates.
"""

from __future__ import annotations

import contextlib
import hashlib
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.answering.answer import Answer
from bot.errors import ZhenError
from bot.evaluation.metrics import (
    contains,
    evidence_rank,
    facts_match,
    language_matches,
    percentile,
)
from bot.evaluation.testset import LANGUAGES, TestItem
from bot.settings import Settings

# The quality bar, in one place: the CI test, ``zhen eval --check`` and the README use it.
THRESHOLDS: dict[str, float] = {"hit@3": 0.95, "facts": 0.85, "refusal_accuracy": 0.9}

# Report metric → per-item score it averages (items where the score is None don't count).
RATE_METRICS: dict[str, str] = {
    "hit@1": "hit@1",
    "hit@3": "hit@3",
    "mrr": "reciprocal_rank",
    "facts": "facts",
    "citation_precision": "citation_precision",
    "refusal_accuracy": "refused_correctly",
    "false_refusals": "false_refusal",
    "language_match": "language_match",
}
METRICS: tuple[str, ...] = (*RATE_METRICS, "latency_ms_p50", "latency_ms_p95")
LOWER_IS_BETTER = frozenset({"false_refusals", "latency_ms_p50", "latency_ms_p95"})

Progress = Callable[[int, int], None]


class Asker(Protocol):
    """What evaluation needs from ``Zhen``: its settings and the answer function."""

    settings: Settings

    def ask(self, question: str, *, k: int | None = None) -> Answer: ...


@dataclass
class Report:
    n: int
    config: dict
    metrics: dict[str, float | int | None]
    by_language: dict[str, dict]
    by_tag: dict[str, dict]
    items: list[dict] = field(repr=False)
    by_category: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "config": self.config,
            "metrics": self.metrics,
            "by_language": self.by_language,
            "by_tag": self.by_tag,
            "by_category": self.by_category,
            "items": self.items,
        }


def run_eval(
    zhen: Asker,
    items: Sequence[TestItem],
    *,
    k: int | None = None,
    progress: Progress | None = None,
    testset: Path | None = None,
) -> Report:
    """Answer every item with ``zhen.ask``, score it, and aggregate the scores.

    One untimed warm-up question goes first, so lazy loading is not counted as latency.
    """
    started = datetime.now(UTC)
    results: list[dict] = []
    if items:
        with contextlib.suppress(ZhenError):
            zhen.ask(items[0].user_input, k=k)
    for done, item in enumerate(items, start=1):
        t0 = time.perf_counter()
        try:
            result: Answer | None = zhen.ask(item.user_input, k=k)
            error = None
        except ZhenError as exc:  # one bad item (or a failing backend) must not stop the run
            result, error = None, exc.text
        latency = (time.perf_counter() - t0) * 1000
        results.append(score_item(item, result, latency, error))
        if progress:
            progress(done, len(items))
    config = _config(zhen, k, testset, results, started)
    metrics, by_language, by_tag = aggregate(results)
    return Report(len(results), config, metrics, by_language, by_tag, results, by_category(results))


def _passage_texts(text: str, translation: str | None) -> list[str]:
    return [text] + ([translation] if translation else [])


def score_item(
    item: TestItem, result: Answer | None, latency_ms: float, error: str | None = None
) -> dict:
    """One item's record for ``report.json``: question, answer, citations, scores, latency."""
    gold = item.reference_contexts
    refused = result is None or not result.grounded
    scores: dict[str, object] = {"refused": refused}
    if item.answerable:
        retrieved = (
            [
                _passage_texts(h.chunk.text, getattr(h.translation, "text", None))
                for h in result.hits
            ]
            if result
            else []
        )
        rank = evidence_rank(retrieved, gold)
        cited = [_passage_texts(c.text, c.translation) for c in result.citations] if result else []
        good = sum(any(contains(t, g) for t in texts for g in gold) for texts in cited)
        scores |= {
            "evidence_rank": rank,
            "hit@1": rank == 1,
            "hit@3": rank is not None and rank <= 3,
            "reciprocal_rank": 1 / rank if rank else 0.0,
            "facts": not refused and facts_match(result.answer, item.must_include),
            "citation_precision": good / len(cited) if cited else None,
            "refused_correctly": None,
            "false_refusal": refused,
        }
    else:
        scores |= {
            "evidence_rank": None,
            "hit@1": None,
            "hit@3": None,
            "reciprocal_rank": None,
            "facts": None,
            "citation_precision": None,
            # an error is not a refusal: a broken backend must not pass the refusal gate
            "refused_correctly": result is not None and not result.grounded,
            "false_refusal": None,
        }
    scores["language_match"] = result is not None and language_matches(result.answer, item.language)
    return {
        "id": item.id,
        "language": item.language,
        "tags": list(item.tags),
        "category": item.category,
        "answerable": item.answerable,
        "question": item.user_input,
        "reference": item.reference,
        "answer": result.answer if result else None,
        "grounded": bool(result and result.grounded),
        "mode": result.mode if result else None,
        "error": error,
        "citations": [c.to_dict() for c in result.citations] if result else [],
        "retrieved": [{"passage_id": h.chunk.id, "text": h.chunk.text} for h in result.hits]
        if result
        else [],
        "scores": scores,
        # the decision's probability that the article answers (None: not the decision's call)
        "answer_probability": _probability(result),
        "latency_ms": round(latency_ms, 2),
    }


def _probability(result: Answer | None) -> float | None:
    if result is None or "probability" not in result.features:
        return None
    return round(float(result.features["probability"]), 4)


def summarise(records: Iterable[dict]) -> dict[str, float | int | None]:
    """Every metric over ``records`` (item records from ``score_item``); None when no item applies."""
    records = list(records)
    out: dict[str, float | int | None] = {
        "n": len(records),
        "answerable": sum(r["answerable"] for r in records),
        "errors": sum(r["error"] is not None for r in records),
    }
    for metric, score in RATE_METRICS.items():
        values = [float(r["scores"][score]) for r in records if r["scores"][score] is not None]
        out[metric] = round(sum(values) / len(values), 4) if values else None
    latencies = [r["latency_ms"] for r in records]
    out["latency_ms_p50"] = round(percentile(latencies, 50), 2) if latencies else None
    out["latency_ms_p95"] = round(percentile(latencies, 95), 2) if latencies else None
    return out


def aggregate(records: Sequence[dict]) -> tuple[dict, dict[str, dict], dict[str, dict]]:
    """Overall metrics, then the same per language and per tag."""
    by_language = {
        lang: summarise(r for r in records if r["language"] == lang)
        for lang in LANGUAGES
        if any(r["language"] == lang for r in records)
    }
    tags = sorted({t for r in records for t in r["tags"]})
    by_tag = {tag: summarise(r for r in records if tag in r["tags"]) for tag in tags}
    return summarise(records), by_language, by_tag


def by_category(records: Sequence[dict]) -> dict[str, dict]:
    """Every metric per question category (items without one are left out)."""
    categories = sorted({r["category"] for r in records if r.get("category")})
    return {c: summarise(r for r in records if r.get("category") == c) for c in categories}


def check(metrics: dict, thresholds: dict[str, float] = THRESHOLDS) -> list[str]:
    """The thresholds ``metrics`` misses, e.g. ``["hit@3 0.867 < 0.95"]``."""
    missed = []
    for name, floor in thresholds.items():
        value = metrics.get(name)
        if value is None or value < floor:
            shown = "n/a" if value is None else f"{value:.3f}"
            missed.append(f"{name} {shown} < {floor:g}")
    return missed


def failed_checks(record: dict) -> list[str]:
    """Why an item counts as a failure (empty when it passed every check)."""
    s = record["scores"]
    reasons = []
    if record["error"]:
        reasons.append("error")
    if s["hit@3"] is False:
        reasons.append("evidence not in top 3")
    if s["facts"] is False:
        reasons.append("refused" if s["false_refusal"] else "facts missing")
    if s["refused_correctly"] is False:
        reasons.append("should refuse")
    if not s["language_match"]:
        reasons.append("language")
    return reasons


def _config(
    zhen: Asker, k: int | None, testset: Path | None, records: list[dict], started: datetime
) -> dict:
    settings = zhen.settings
    config: dict[str, object] = {
        "embedder": getattr(getattr(zhen, "embedder", None), "id", settings.embedder),
        "generator": settings.generator,
        "modes": dict(Counter(r["mode"] for r in records if r["mode"])),
        "k": k or settings.k,
        "chunk_size": settings.chunk_size,
        "answer_threshold": getattr(getattr(zhen, "decision", None), "threshold", None),
        "corpus": [str(p) for p in settings.corpus] if settings.corpus else "library",
        "started": started.isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }
    if testset is not None:
        config["testset"] = str(testset)
        with contextlib.suppress(OSError):
            config["testset_sha256"] = hashlib.sha256(Path(testset).read_bytes()).hexdigest()
    return config


def judge_unavailable(settings: Settings) -> str:
    """Why ``--judge`` (RAGAS faithfulness/relevancy via an LLM) cannot run here."""
    import importlib.util

    if importlib.util.find_spec("ragas") is None:
        return (
            "RAGAS judging needs the ragas package and an OpenAI-compatible endpoint "
            "(ZHEN_BASE_URL); the deterministic metrics ran"
        )
    if not settings.base_url:
        return "RAGAS judging needs ZHEN_BASE_URL (an OpenAI-compatible endpoint)"
    return "RAGAS judging is not available in this version; the deterministic metrics ran"
