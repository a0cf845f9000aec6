"""Scoring answers against gold data: evidence hits, required facts, language match.

Matching ignores script (traditional/simplified), width (full/half), case, spacing and
the ligature/pinyin debris the cleaner removes, so gold text copied from either half or
either script counts the same.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence

from index.lang import detect_language, match_form, script_neutral

_PUNCT = re.compile(r"[\"'“”‘’「」『』《》()（）,，.。、:：;；!！?？\-–—]")


def _loose(text: str) -> str:
    return _PUNCT.sub("", match_form(text))


def contains(haystack: str, needle: str) -> bool:
    """``needle`` occurs in ``haystack`` after normalisation (punctuation-insensitive)."""
    needle_form = _loose(needle)
    return bool(needle_form) and needle_form in _loose(haystack)


def evidence_rank(passages: Sequence[Iterable[str]], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first passage holding any gold evidence string, else None.

    Each passage is given as its texts (e.g. the passage and its aligned translation).
    """
    for rank, texts in enumerate(passages, start=1):
        texts = list(texts)
        if any(contains(t, e) for t in texts for e in evidence):
            return rank
    return None


def facts_match(answer: str, must_include: Sequence[Sequence[str]]) -> bool:
    """Every group of ``must_include`` has an alternative that the answer contains."""
    return all(any(contains(answer, alt) for alt in group) for group in must_include)


def language_matches(answer: str, language: str) -> bool:
    """The answer's own words are in the question's language and script.

    Quoted passages (inside “…” quotes) are ignored: a cross-language quote is allowed.
    Chinese that reads the same in both scripts matches either.
    """
    own = re.sub(r"“[^”]*”|\[\d+\]", "", answer)
    if not re.search(r"[A-Za-z\u3400-\u9fff]", own):
        own = answer
    found = detect_language(own)
    return found == language or (found != "en" and language != "en" and script_neutral(own))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return (
        float(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1])
        if 1 <= q <= 99
        else float(min(values) if q <= 0 else max(values))
    )
