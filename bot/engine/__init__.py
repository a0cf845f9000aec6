"""Start-up: settings → embedder → index (built or rebuilt when stale) → a ready ``Zhen``."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.answer import Answer, display_pieces
from bot.answering.cache import AnswerCache, answer_key
from bot.answering.conversation import Message, condense
from bot.answering.decision import Decision, load_decision
from bot.answering.draft import Draft, draft, retrieve
from bot.answering.question import check_question
from bot.engine.library import (
    Progress,
    Snapshot,
    add_documents,
    build_index,
    list_documents,
    needs_build,
    open_library,
    open_store,
    remove_documents,
    translated,
    update_library,
)
from bot.errors import ModelUnavailable, UnknownDocuments
from bot.generation.answer import generate_answer, stream_answer
from bot.generation.backends import load_generator
from bot.generation.base import Generator
from bot.generation.rewrite import rewrite
from bot.i18n import message
from bot.retrieval.hybrid import Hit
from bot.retrieval.outline import Outline
from bot.settings import Settings
from index import store
from index.batching import batched
from index.bridge import lexicon
from index.embed import Embedder, EmbedderError, load_embedder
from index.lang import Language, script_neutral
from index.library import DocInfo, Library
from index.stores import Store

if TYPE_CHECKING:  # langchain-core is imported only when a retriever is asked for
    from bot.integrations.langchain import ZhenRetriever

__all__ = [
    "Snapshot",
    "Zhen",
    "add_documents",
    "build_index",
    "list_documents",
    "needs_build",
    "open_library",
    "open_store",
    "remove_documents",
    "update_library",
]

REFRESH_SECONDS = 1.0


@dataclass
class Zhen:
    """A loaded question-answering service: one index, one embedder, one answer function."""

    settings: Settings
    embedder: Embedder
    snapshot: Snapshot
    generator: Generator | None = None  # None: the extractive answerer
    decision: Decision = field(default_factory=load_decision)
    cache: AnswerCache = field(default_factory=lambda: AnswerCache(0))  # size 0: off
    shared: Store | None = None  # a store shared with other processes (Milvus); None: memory
    _checked: float = field(default=0.0, repr=False)
    _reloading: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
            embedder = embedder or batched(
                load_embedder(settings.embedder), settings.embed_batch, settings.embed_wait_ms
            )
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        library = (
            update_library(settings, embedder, progress)
            if build
            else open_library(settings, embedder)
        )
        version = library.version()
        with translated():
            index, parts = library.load()
        shared = open_store(settings, embedder)
        snapshot = Snapshot.of(index, embedder, version, parts, shared)
        # CC-CEDICT takes about two seconds to read: on a thread, so the first question
        # rarely waits for it and start-up never does
        threading.Thread(target=lexicon, daemon=True).start()
        return cls(
            settings,
            embedder,
            snapshot,
            generator,
            decision or load_decision(),
            AnswerCache(settings.answer_cache),
            shared,
        )

    @property
    def library(self) -> Library:
        return open_library(self.settings, self.embedder)

    def documents(self) -> list[DocInfo]:
        """The documents answers come from (as the library lists them now)."""
        with translated():
            return self.library.documents()

    def add(self, paths: Sequence[str | Path], progress: Progress | None = None) -> list[DocInfo]:
        """Add (or update) documents; only they are embedded. Answers pick them up at once."""
        added = add_documents(self.settings, self.embedder, paths, progress)
        self.refresh(force=True)
        return added

    def remove(self, ids: Sequence[str]) -> list[DocInfo]:
        """Remove documents by id; an unknown id is ``UnknownDocuments`` (nothing removed)."""
        removed = remove_documents(self.settings, self.embedder, ids)
        self.refresh(force=True)
        return removed

    def reindex(self, progress: Progress | None = None) -> store.Index:
        """Re-index every document and swap the result in; answers already running finish on
        the old index."""
        library = update_library(self.settings, self.embedder, progress, rebuild=True)
        version = library.version()
        with translated():
            built, parts = library.load()
        self._swap(Snapshot.of(built, self.embedder, version, parts, self.shared))
        return built

    def refresh(self, *, force: bool = False) -> None:
        """Pick up a library changed by another process (``zhen add``, another server);
        checked at most once a second, a ``stat`` each time."""
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_SECONDS:
            return
        self._checked = now
        with self._reloading:
            library = self.library
            version = library.version()
            if version == self.snapshot.version:
                return
            with translated():
                index, parts = library.load(dict(self.snapshot.parts))
            self._swap(Snapshot.of(index, self.embedder, version, parts, self.shared))

    def _swap(self, snapshot: Snapshot) -> None:
        """Answer from ``snapshot`` from now on; answers remembered from the old one go."""
        self.snapshot = snapshot
        self.cache.clear()

    def search(
        self, question: str, *, k: int | None = None, documents: Collection[str] | None = None
    ) -> list[Hit]:
        """The passages an answer to ``question`` would cite from, best first, each shown in
        the asker's language with its aligned translation."""
        text, language, snap = self._question(question, documents)
        with translated():  # a shared store that fails is IndexUnavailable, not a crash
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
        key, hit = self._recall(question, k, history, documents)
        if hit is not None:
            return hit
        d = self._draft(question, k, history, documents)
        if self.generator is None:
            return self._remember(key, d.extractive)
        result = generate_answer(d, self.generator, **self._generation())
        return self._remember(key, result)

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
        key, hit = self._recall(question, k, history, documents)
        if hit is not None:
            yield from display_pieces(hit.answer)
            yield hit
            return
        d = self._draft(question, k, history, documents)
        if self.generator is None:
            yield from display_pieces(d.extractive.answer)
            yield self._remember(key, d.extractive)
            return
        for item in stream_answer(d, self.generator, **self._generation()):
            yield self._remember(key, item) if isinstance(item, Answer) else item

    def cached(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[Message] | None = None,
        documents: Collection[str] | None = None,
    ) -> Answer | None:
        """The remembered answer to ``question``, if any (``timings_ms`` has ``cache``);
        a server answers these without waiting for a slot. Bad questions raise as in ``ask``."""
        return self._recall(question, k, history, documents)[1]

    def _recall(
        self,
        question: str,
        k: int | None,
        history: Sequence[Message] | None,
        documents: Collection[str] | None,
    ) -> tuple[Hashable | None, Answer | None]:
        """The cache key for this question (None: not cached, as with history) and the
        remembered answer."""
        if history or self.cache.size <= 0:
            return None, None
        started = time.perf_counter()
        text, language, snap = self._question(question, documents)
        key = answer_key(
            text,
            language,
            documents=documents,
            k=k or self.settings.k,
            generator=_answering(self),
            version=snap.version,
        )
        hit = self.cache.get(key)
        if hit is None:
            return key, None
        took = (time.perf_counter() - started) * 1000
        return key, replace(hit, question=text, timings_ms={"cache": True, "total": took})

    def _remember(self, key: Hashable | None, result: Answer) -> Answer:
        """``result``, kept for ``key`` unless the model failed (a later try may succeed)."""
        failed = result.mode == "fallback" and result.note == message(
            "generation_failed", result.language
        )
        if key is not None and not failed:
            self.cache.put(key, result)
        return result

    def _generation(self) -> dict:
        return {
            "max_tokens": self.settings.max_tokens,
            "timeout": self.settings.gen_timeout,
            "threshold": self.decision.threshold,
        }

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

    def _question(
        self, question: str, documents: Collection[str] | None
    ) -> tuple[str, Language, Snapshot]:
        """The checked question, its language and the snapshot to answer from. A Chinese
        question that reads the same in both scripts is answered in the documents' own."""
        text, language = check_question(question, self.settings.max_question_chars)
        snap = self._current(documents, language)
        if language != "en" and script_neutral(text):
            language = snap.script(documents)
        return text, language, snap

    def _current(self, documents: Collection[str] | None, language: str = "en") -> Snapshot:
        """The snapshot to answer from (refreshed when the library changed); unknown document
        ids in ``documents`` raise ``UnknownDocuments``."""
        self.refresh()
        snap = self.snapshot
        if documents is not None:
            known = {d.id for d in snap.index.documents}
            unknown = [d for d in documents if d not in known]
            if unknown:
                raise UnknownDocuments(", ".join(unknown), language)
        return snap

    def _draft(
        self,
        question: str,
        k: int | None,
        history: Sequence[Message] | None,
        documents: Collection[str] | None,
    ) -> Draft:
        text, language, snap = self._question(question, documents)
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
        with translated():
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


def _answerer(generator: Generator | None) -> str:
    """Who answers: the generator's id (an object without one: that object)."""
    if generator is None:
        return "extractive"
    return getattr(generator, "id", None) or f"{type(generator).__name__}@{id(generator):x}"


def _answering(zhen: Zhen) -> str:
    """Who answers and, for a model, the limits it answers within."""
    who = _answerer(zhen.generator)
    if zhen.generator is None:
        return who
    return f"{who}|{zhen.settings.max_tokens}|{zhen.settings.gen_timeout}"
