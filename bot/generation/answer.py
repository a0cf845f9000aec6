"""Generated answers: the model answers from numbered passages, and the reply is checked.

The generator is called only when the extractive answerer found the article answers
(otherwise "does not say" is given directly). A reply that fails the checks in
``bot.generation.grounding``, or a model that fails or runs out of time, yields the extractive
answer with ``mode="fallback"`` and a note saying why. A checked reply is then compared with
the extractive answer (``bot.generation.complete``):

- the model's "does not say" stands only when the extractive answer is not confident
  (its calibrated probability below the decision's threshold); otherwise the article is quoted;
- a reply about another subject than the question names (another year or edition), or one
  answering a date, number, place or name question from none of the quote's passages, is
  replaced by the quote; a passage the evidence goes on into keeps the evidence's date, and a
  name is also met by its rendering in the other language;
- a reply that leaves out a part of the question the quote covers, or most of the words of
  a quoted sentence that answers, is repaired: ``append`` (the default) adds the quoted
  clause or sentence with its citation and says so in ``note``; ``fallback`` quotes the
  article instead. A runner-up passage the quote gives too is such a sentence: a reply
  that leaves it out gets its best sentence. A reply that gives none of the typed parts asked (no date to "when", no
  name to "who") is quoted instead under either: its own claim about them would stand;
- a reply giving one of two figures or dates of a kind that the quoted sentences of a
  passage state gets the other's sentence appended: which one the question asks for its
  words may not tell;
- a figure the reply gives as a count of what the question counts, which the cited passage
  states of something else (128600册 for its 128600人次), is replaced by the quote; a reply
  whose figures the passage does count as asked stands where no quoted sentence counts it;
- a Chinese numeral is written as the passages write it (一百四十, not 百四十);
- a reply sentence no passage supports is left out (the note says so); a reply with none
  supported is a fallback. What a reply to a typed question restates of the question's own
  words needs no support: its figure or name is what the checks above hold to the quote.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from bot.answering.answer import Answer, Citation
from bot.answering.decision import load_decision
from bot.answering.draft import Draft
from bot.generation.base import Generator, GeneratorError
from bot.generation.complete import (
    answers_any,
    chosen,
    clause_for,
    echoes,
    missing_parts,
    off_subject,
    typed,
)
from bot.generation.coverage import covers, uncovered, widened
from bot.generation.figures import (
    as_written,
    clauses_with,
    counted_clauses,
    counted_elsewhere,
    figures,
    mislabelled,
    rivalled,
)
from bot.generation.grounding import (
    MAX_PASSAGES,
    Passage,
    answer_messages,
    build_passages,
    kept,
    sentences,
    strip_citations,
    verify,
)
from bot.generation.quotes import Quote, best_of, quoted_sentences, strip_end
from bot.i18n import message
from bot.retrieval.hybrid import Hit
from index.lang import Language, passage_lang, to_script

log = logging.getLogger(__name__)

MAX_SHOWN = 6
REPAIRS = ("append", "fallback")
REPAIR = "append"


def generate_answer(d: Draft, generator: Generator, **options: Any) -> Answer:
    """The checked generated answer for a draft (or its fallback); ``options`` as
    ``stream_answer``'s."""
    *_, result = stream_answer(d, generator, **options)
    assert isinstance(result, Answer)
    return result


def stream_answer(
    d: Draft,
    generator: Generator,
    *,
    max_tokens: int,
    timeout: float,
    threshold: float | None = None,
    repair: str = REPAIR,
) -> Iterator[str | Answer]:
    """The model's text pieces as they come, then the final, checked ``Answer``.

    The final answer's text is what counts: it may differ from the joined pieces (invalid
    citation markers removed, script converted, a left-out part added) or replace them
    entirely (fallback). ``threshold`` is the decision's (the shipped one's when None).
    """
    if repair not in REPAIRS:
        raise ValueError(f"unknown repair {repair!r}; choose one of {', '.join(REPAIRS)}")
    # Nothing relevant, or a question about the article's outline (title, headings), which
    # the outline answers exactly: the model has nothing to add. A question that came with
    # injected instructions is answered by quoting only.
    features = d.extractive.features
    if (
        not d.extractive.grounded
        or features.get("structural")
        or features.get("instructions_dropped")
    ):
        yield d.extractive.answer
        yield d.extractive
        return
    every = quoted_sentences(d.extractive.citations, d.language)
    quotes = chosen(d.search, every, _evidence(d))
    # a runner-up passage the quote gives too must not be dropped by the reply either
    runner = _runner_up(d, every)
    if runner is not None and runner not in quotes:
        quotes = [*quotes, runner]
    marked: dict[str, list[str]] = {}
    for q in quotes:
        marked.setdefault(q.passage_id, []).append(q.text)
    # every passage a quote is held to is shown, up to MAX_SHOWN (a list's items are short)
    limit = min(MAX_SHOWN, max(MAX_PASSAGES, len(marked)))
    passages = build_passages(_with_quoted(d), d.language, limit=limit, chosen=marked)
    if runner is not None and not any(p.holds(runner.passage_id) for p in passages):
        runner = None  # not shown to the model: it could not have said it
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
    # a reply restating the question to give a date, figure or name is held to the passages
    # for what it adds, which the figure and name checks below hold to the quote; an untyped
    # answer ("what did they build?") has no such check, so all its words must be the article's
    verdict = verify(reply, d.language, passages, d.search if typed(d.search) else "")
    if verdict.not_found:
        if _confident(d, threshold):
            yield _fallback(d, "generation_declined", began)
            return
        declined = replace(
            d.extractive,
            answer=message("not_found", d.language),
            grounded=False,
            citations=[],
            mode="generated",
        )
        yield _timed(declined, d, began)
        return
    if not verdict.ok:
        log.info("generated answer rejected (%s): %r", verdict.reason, reply[:200])
        yield _fallback(d, "generation_unverified", began)
        return
    verdict = replace(verdict, text=as_written(verdict.text, [p.text for p in passages]))
    # a sentence restating the question ("第五站幾號開幕[1]。展到8月31日[1]。") says nothing
    parts = sentences(verdict.text)
    answering = [s for s in parts if not echoes(d.search, strip_citations(s))]
    if not answering:
        yield _fallback(d, "generation_echo", began)
        return
    if len(answering) < len(parts):
        verdict = kept(answering, d.language, verdict.dropped)
    cited = [passages[n - 1] for n in sorted(verdict.cited)]
    quoted = [t for c in d.extractive.citations for t in (c.text, c.translation or "")]
    # the evidence and the neighbours it goes on into are one narrative: a date one of them
    # states holds for what the next says (the 2016 tour, then its cost per family)
    evidence = _evidence(d)
    dated = bool(cited) and all(any(p.holds(e) for e in evidence) for p in cited)
    texts = [t for p in cited for t in _texts(p)]
    if off_subject(d.search, quoted, texts, dated, d.index.bridge):
        yield _fallback(d, "generation_off_subject", began)
        return
    generated = replace(
        d.extractive,
        answer=verdict.text,
        citations=[_citation(p, d) for p in cited],
        mode="generated",
    )
    said = strip_citations(verdict.text)
    quoting = [p for p in cited if any(p.holds(c.passage_id) for c in d.extractive.citations)]
    # a date, figure or name drawn only from passages the quote does not come from answers
    # about something else (another patient's six hours for the quote's 38 minutes)
    if typed(d.search) and not quoting:
        yield _fallback(d, "generation_off_subject", began)
        return
    found, values = figures(d.search, quotes, said)
    # only a passage the quote comes from may count the thing asked in the quote's place
    if found == "different" and counted_elsewhere(
        d.search, quotes, said, [p.text for p in quoting]
    ):
        found, values = None, set()
    if found == "different" or mislabelled(d.search, said, [p.text for p in cited]):
        yield _fallback(d, "generation_other_figures", began)
        return
    missing: list[tuple[str, Quote | None]] = []
    for kind in missing_parts(d.search, quotes, said):
        counted = counted_clauses(d.search, quotes, said) if kind == "number" else []
        missing += [(kind, c) for c in counted] or [
            (kind, clause_for(kind, d.search, quotes, said))
        ]
    if found == "missing" and not any(kind in ("number", "date") for kind, _ in missing):
        missing += [("figures", clause) for clause in clauses_with(values, quotes)]
    elif found is None:
        missing += [("figures", quote) for quote in rivalled(d.search, every, said)]
    bridge = d.index.bridge
    left = uncovered(d.search, quotes, said, bridge)
    if runner is not None and runner not in left and not covers(d.search, runner, said, bridge):
        left.append(runner)
    missing = widened(missing, left)
    if verdict.dropped:
        generated = replace(generated, note=message("generation_trimmed", d.language))
    if missing:
        if repair == "fallback" or not answers_any(d.search, quotes, said):
            note = message("generation_incomplete", d.language, parts=_parts(missing, d.language))
            yield _timed(replace(d.extractive, mode="fallback", note=note), d, began)
            return
        generated = _append(generated, missing, passages, d)
    yield _timed(generated, d, began)


def _with_quoted(d: Draft) -> list[Hit]:
    """The retrieved passages, then those the extractive answer quotes that retrieval did not
    return (the neighbour of the evidence a list or an explanation goes on into)."""
    hits = list(d.retrieval.hits)
    have = {c.id for h in hits for c in (h.chunk, h.translation) if c}
    prefer = passage_lang(d.language)
    for citation in d.extractive.citations:
        chunk = d.index.chunk(citation.passage_id)
        if chunk is None or chunk.id in have:
            continue
        other = d.index.chunk(chunk.counterpart_id)
        main, translation = (other, chunk) if other and other.lang == prefer else (chunk, other)
        hits.append(Hit(main, translation, citation.score, 0.0, 0.0, chunk.id))
        have |= {main.id} | ({translation.id} if translation else set())
    return hits


def _evidence(d: Draft) -> set[str]:
    """The passages the extractive answer quotes before a runner-up: the evidence and the
    neighbours of its paragraph it goes on into."""
    start = d.extractive.features.get("second_passage")
    return {c.passage_id for c in d.extractive.citations if start is None or c.n < start}


def _runner_up(d: Draft, quotes: Sequence[Quote]) -> Quote | None:
    """The best quote of the runner-up passage the extractive answer also quotes, if any."""
    evidence = _evidence(d)
    return best_of(d.search, [q for q in quotes if q.passage_id not in evidence])


def _confident(d: Draft, threshold: float | None) -> bool:
    """Whether the extractive answer is sure enough to overrule the model's "does not say"."""
    if threshold is None:
        threshold = load_decision().threshold
    probability = d.extractive.features.get("probability")
    return probability is not None and probability >= threshold


def _append(
    generated: Answer,
    missing: Sequence[tuple[str, Quote | None]],
    passages: Sequence[Passage],
    d: Draft,
) -> Answer:
    """The generated answer with the quoted clause supplying each missing part, cited; the
    extractive answer (a fallback) when a part has no clause in a passage shown."""
    text, citations = generated.answer, list(generated.citations)
    for _, clause in missing:
        passage = next((p for p in passages if clause and p.holds(clause.passage_id)), None)
        if clause is None or passage is None:
            note = message("generation_incomplete", d.language, parts=_parts(missing, d.language))
            return replace(d.extractive, mode="fallback", note=note)
        lead = message("also_says" if clause.own_language else "also_says_other", d.language)
        quote = strip_end(clause.text)
        if quote in text:
            continue
        if d.language == "en":
            text = f"{text} {lead} “{quote}” [{passage.n}]."
        else:
            text = f"{text}{lead}“{quote}”[{passage.n}]。"
        if all(c.n != passage.n for c in citations):
            citations = sorted([*citations, _citation(passage, d)], key=lambda c: c.n)
    note = message("generation_incomplete_added", d.language, parts=_parts(missing, d.language))
    if generated.note:
        note = f"{generated.note}{' ' if d.language == 'en' else ''}{note}"
    return replace(generated, answer=text, citations=citations, note=note)


def _parts(missing: Sequence[tuple[str, Quote | None]], language: Language) -> str:
    names = list(dict.fromkeys(message(f"part_{kind}", language) for kind, _ in missing))
    return (" and " if language == "en" else "和").join(names)


def _texts(p: Passage) -> list[str]:
    return [p.hit.chunk.text] + ([p.hit.translation.text] if p.hit.translation else [])


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
