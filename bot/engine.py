"""Start-up: settings → embedder → index (built or rebuilt when stale) → a ready ``Zhen``."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answering.answer import Answer
from bot.answering.conversation import Message, condense
from bot.answering.decision import Decision, load_decision
from bot.answering.draft import Draft, draft, retrieve
from bot.answering.question import check_question
from bot.errors import CorpusUnavailable, IndexUnavailable, ModelUnavailable
from bot.generation.answer import generate_answer, stream_answer
from bot.generation.backends import load_generator
from bot.generation.base import Generator
from bot.generation.rewrite import rewrite
from bot.retrieval.hybrid import Hit, Retriever
from bot.retrieval.outline import Outline
from bot.retrieval.sentences import SentenceScorer
from bot.settings import Settings
from index import store
from index.build import build as build_corpus
from index.build import is_current
from index.embed import Embedder, EmbedderError, load_embedder
from index.read import CorpusError

if TYPE_CHECKING:  # langchain-core is imported only when a retriever is asked for
    from bot.integrations.langchain import ZhenRetriever

Progress = Callable[[int, int], None]


def index_is_current(settings: Settings, embedder: Embedder) -> bool:
    """True when the stored index matches the corpus, chunking and embedder."""
    try:
        return is_current(settings.index_path, settings.corpus, settings.chunk_size, embedder.id)
    except CorpusError as exc:
        raise CorpusUnavailable(str(exc)) from exc


def build_index(
    settings: Settings, embedder: Embedder, progress: Progress | None = None
) -> store.Index:
    """Build the index for ``settings`` and save it atomically, under a lock."""
    with store.lock(settings.index_path):
        try:
            built = build_corpus(settings.corpus, embedder, settings.chunk_size, progress)
        except CorpusError as exc:
            raise CorpusUnavailable(str(exc)) from exc
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        store.save(built, settings.index_path)
    return built


@dataclass(frozen=True)
class Snapshot:
    """One index and the searchers built on it, swapped as one when the index changes:
    an answer in progress keeps the snapshot it started with."""

    index: store.Index
    retriever: Retriever
    scorer: SentenceScorer
    outline: Outline

    @classmethod
    def of(cls, index: store.Index, embedder: Embedder) -> Snapshot:
        return cls(index, Retriever(index, embedder), SentenceScorer(index), Outline.of(index))


@dataclass
class Zhen:
    """A loaded question-answering service: one index, one embedder, one answer function."""

    settings: Settings
    embedder: Embedder
    snapshot: Snapshot
    generator: Generator | None = None  # None: the extractive answerer
    decision: Decision = field(default_factory=load_decision)

    @property
    def index(self) -> store.Index:
        return self.snapshot.index

    @property
    def outline(self) -> Outline:
        return self.snapshot.outline

    @classmethod
    def load(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        *,
        build: bool = True,
        progress: Progress | None = None,
        generator: Generator | None = None,
        decision: Decision | None = None,
    ) -> Zhen:
        """Load the index, building it first when missing or stale (if ``build``), the
        generator ``settings.generator`` names unless one is given, and the fitted
        answer/refuse decision (the shipped one unless one is given)."""
        if generator is None and settings.generator != "extractive":
            generator = load_generator(settings)
            load = getattr(generator, "load", None)
            if load is not None:  # in-process models: fail at start-up, not on the first question
                load()
        try:
            embedder = embedder or load_embedder(settings.embedder)
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        if build and not index_is_current(settings, embedder):
            index = build_index(settings, embedder, progress)
        else:
            try:
                index = store.load(settings.index_path, embedder.id)
            except store.IndexStoreError as exc:
                raise IndexUnavailable(str(exc)) from exc
        snapshot = Snapshot.of(index, embedder)
        return cls(settings, embedder, snapshot, generator, decision or load_decision())

    def reindex(self, progress: Progress | None = None) -> store.Index:
        """Rebuild the index from the corpus and swap it in; answers already running finish
        on the old one."""
        built = build_index(self.settings, self.embedder, progress)
        self.snapshot = Snapshot.of(built, self.embedder)
        return built

    def search(
        self, question: str, *, k: int | None = None, documents: Collection[str] | None = None
    ) -> list[Hit]:
        """The passages an answer to ``question`` would cite from, best first, each shown in
        the asker's language with its aligned translation."""
        text, language = check_question(question, self.settings.max_question_chars)
        snap = self.snapshot
        retrieval, _ = retrieve(
            text,
            language,
            snap.retriever,
            snap.scorer,
            k=k or self.settings.k,
            outline=snap.outline,
            documents=documents,
        )
        return retrieval.hits

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[Message] | None = None,
        documents: Collection[str] | None = None,
    ) -> Answer:
        """The answer function: CLI, web UI, REST API and evaluation all call this.

        ``history`` (earlier ``{"role", "content"}`` messages) turns a follow-up question
        into a standalone one for retrieval; the answer is in the current question's language.
        ``documents`` (ids) limits the answer to those documents.
        """
        d = self._draft(question, k, history, documents)
        if self.generator is None:
            return d.extractive
        return generate_answer(
            d,
            self.generator,
            max_tokens=self.settings.max_tokens,
            timeout=self.settings.gen_timeout,
        )

    def stream(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[Message] | None = None,
        documents: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Stream an answer: text pieces (``str``), then the final ``Answer``.

        Bad questions raise before the first piece. Extractively, joining the pieces gives
        ``Answer.answer``. With a generator the pieces are the model's raw tokens, and the
        final ``Answer`` is what was checked: its text replaces the streamed text (markers
        removed, or the extractive fallback when ``mode == "fallback"``).
        """
        d = self._draft(question, k, history, documents)
        if self.generator is None:
            yield from _pieces(d.extractive.answer)
            yield d.extractive
            return
        yield from stream_answer(
            d,
            self.generator,
            max_tokens=self.settings.max_tokens,
            timeout=self.settings.gen_timeout,
        )

    def as_retriever(
        self, k: int | None = None, documents: Collection[str] | None = None
    ) -> ZhenRetriever:
        """This zhen as a LangChain retriever (``langchain_core`` ``BaseRetriever``)."""
        from bot.integrations.langchain import ZhenRetriever

        return ZhenRetriever(
            zhen=self,
            k=k or self.settings.k,
            documents=list(documents) if documents is not None else None,
        )

    def _draft(
        self,
        question: str,
        k: int | None,
        history: Sequence[Message] | None,
        documents: Collection[str] | None,
    ) -> Draft:
        text, language = check_question(question, self.settings.max_question_chars)
        search = None
        if history:
            turns = self.settings.max_history_turns
            if self.generator is None:
                search = condense(text, history, turns)
            else:
                search = rewrite(
                    text,
                    history,
                    self.generator,
                    max_turns=turns,
                    timeout=min(self.settings.gen_timeout, 15.0),
                )
        snap = self.snapshot
        return draft(
            text,
            language,
            snap.retriever,
            snap.scorer,
            k=k or self.settings.k,
            outline=snap.outline,
            search=search,
            documents=documents,
            decision=self.decision,
        )


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_PIECE = re.compile(rf"[{_CJK}]{{1,4}}|[^\s{_CJK}]+\s*|\s+")


def _pieces(text: str) -> Iterator[str]:
    """Split text into short display pieces: a word with its space, or up to 4 CJK characters."""
    return (m.group(0) for m in _PIECE.finditer(text))
