"""The extractive answer pipeline: check the question, retrieve, select, compose.

Every entry point (CLI, web, API, evaluation) reaches it through ``Zhen.ask``; the
generative answerers start from its ``Draft``.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from bot.answering.analysis import AnswerPreference, analyse
from bot.answering.answer import Answer, compose
from bot.answering.decision import Decision
from bot.answering.injection import genuine_question
from bot.answering.select import Selection, select
from bot.retrieval import rerank
from bot.retrieval.hybrid import Retrieval, Retriever
from bot.retrieval.outline import Outline, Structure, route
from bot.retrieval.sentences import SentenceScorer
from index.lang import Language, passage_lang
from index.store import Index


@dataclass
class Draft:
    """Retrieval and the extractive answer for one question, before any generation."""

    question: str
    language: Language
    retrieval: Retrieval
    search: str  # what was searched for: the question, or its standalone rewrite
    extractive: Answer
    started: float
    index: Index  # what was searched (for the documents' titles)


def retrieve(
    question: str,
    language: Language,
    retriever: Retriever,
    scorer: SentenceScorer,
    *,
    k: int = 5,
    outline: Outline | None = None,
    documents: Collection[str] | None = None,
) -> tuple[Retrieval, Structure | None]:
    """The retrieval every answer cites from: hybrid search, rerank by what the question
    demands, and outline routing for title, heading and credit questions."""
    prefer = passage_lang(language)
    wanted = AnswerPreference.of(question)
    retrieval = rerank.search(retriever, scorer, question, k, prefer, wanted, documents)
    if outline is None:
        return retrieval, None
    return route(retrieval, scorer.index, outline, prefer)


def draft(
    text: str,
    language: Language,
    retriever: Retriever,
    scorer: SentenceScorer,
    *,
    decision: Decision,
    k: int = 5,
    outline: Outline | None = None,
    search: str | None = None,
    documents: Collection[str] | None = None,
) -> Draft:
    """Retrieve for a checked question ``text`` (for ``search`` when given: a standalone
    rewrite of a follow-up), and compose the extractive answer."""
    started = time.perf_counter()
    genuine = genuine_question(search or text)
    search = genuine or search
    retrieval, structure = retrieve(
        search or text,
        language,
        retriever,
        scorer,
        k=k,
        outline=outline,
        documents=documents,
    )
    retrieved = time.perf_counter()
    if structure is not None:
        selection = Selection.of_structure(structure)
    else:
        analysis = analyse(search or text)
        selection = select(retrieval, scorer, passage_lang(language), analysis, decision)
    result = compose(text, language, selection, retrieval.hits, scorer.index)
    if genuine:  # quoted only: a generator is never shown what came with instructions
        result.features["instructions_dropped"] = 1.0
    done = time.perf_counter()
    result.timings_ms = {
        "retrieve": (retrieved - started) * 1000,
        "answer": (done - retrieved) * 1000,
        "total": (done - started) * 1000,
    }
    return Draft(text, language, retrieval, search or text, result, started, scorer.index)
