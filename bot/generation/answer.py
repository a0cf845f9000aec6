"""Generated answers: the model answers from numbered passages, and the reply is checked.

The generator is called only when the extractive answerer found the article answers
(otherwise "does not say" is given directly). A reply that fails the checks in
``bot.grounding``, or a model that fails or runs out of time, yields the extractive answer
with ``mode="fallback"`` and a note saying why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace

from bot.answering.answer import Answer, Citation
from bot.answering.draft import Draft
from bot.generation.base import Generator, GeneratorError
from bot.generation.grounding import Passage, answer_messages, build_passages, verify
from bot.i18n import message
from index.lang import passage_lang, to_script

log = logging.getLogger(__name__)


def generate_answer(d: Draft, generator: Generator, *, max_tokens: int, timeout: float) -> Answer:
    """The checked generated answer for a draft (or its fallback)."""
    result: Answer | None = None
    for item in stream_answer(d, generator, max_tokens=max_tokens, timeout=timeout):
        if isinstance(item, Answer):
            result = item
    assert result is not None
    return result


def stream_answer(
    d: Draft, generator: Generator, *, max_tokens: int, timeout: float
) -> Iterator[str | Answer]:
    """The model's text pieces as they come, then the final, checked ``Answer``.

    The final answer's text is what counts: it may differ from the joined pieces (invalid
    citation markers removed, script converted) or replace them entirely (fallback).
    """
    # Nothing relevant, or a question about the article's outline (title, headings), which
    # the outline answers exactly: the model has nothing to add.
    if not d.extractive.grounded or d.extractive.features.get("structural"):
        yield d.extractive.answer
        yield d.extractive
        return
    passages = build_passages(d.retrieval.hits, d.language)
    messages = answer_messages(d.search, d.language, passages)
    began = time.perf_counter()
    pieces: list[str] = []
    try:
        for piece in generator.stream(messages, max_tokens=max_tokens, timeout=timeout):
            pieces.append(piece)
            yield to_script(piece, d.language)
    except GeneratorError as exc:
        log.warning("generation failed, quoting instead: %s", exc.text)
        yield _fallback(d, "generation_failed", began)
        return
    reply = "".join(pieces)
    verdict = verify(reply, d.language, passages)
    if verdict.not_found:
        yield _timed(
            replace(
                d.extractive,
                answer=message("not_found", d.language),
                grounded=False,
                citations=[],
                mode="generated",
            ),
            d,
            began,
        )
    elif verdict.ok:
        generated = replace(
            d.extractive,
            answer=verdict.text,
            citations=[_citation(passages[n - 1], d) for n in sorted(verdict.cited)],
            mode="generated",
        )
        yield _timed(generated, d, began)
    else:
        log.info("generated answer rejected (%s): %r", verdict.reason, reply[:200])
        yield _fallback(d, "generation_unverified", began)


def _fallback(d: Draft, key: str, began: float) -> Answer:
    return _timed(replace(d.extractive, mode="fallback", note=message(key, d.language)), d, began)


def _timed(result: Answer, d: Draft, began: float) -> Answer:
    now = time.perf_counter()
    result.timings_ms = {
        **d.extractive.timings_ms,
        "generate": (now - began) * 1000,
        "total": (now - d.started) * 1000,
    }
    return result


def _citation(p: Passage, d: Draft) -> Citation:
    hit = p.hit
    return Citation(
        n=p.n,
        passage_id=hit.chunk.id,
        lang=hit.chunk.lang,
        text=hit.chunk.text,
        translation=hit.translation.text if hit.translation else None,
        translation_id=hit.translation.id if hit.translation else None,
        score=hit.score,
        highlight=[],
        doc_id=hit.chunk.doc_id,
        doc_title=d.index.doc_title(hit.chunk.doc_id, passage_lang(d.language)),
        page=hit.chunk.page,
    )
