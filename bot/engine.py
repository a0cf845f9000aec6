"""Start-up: settings → embedder → index (built or rebuilt when stale) → a ready ``Zhen``."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.answer import Answer
from bot.answering.conversation import Message, condense
from bot.answering.decision import Decision, load_decision
from bot.answering.draft import Draft, draft, retrieve
from bot.answering.question import check_question
from bot.errors import CorpusUnavailable, IndexUnavailable, ModelUnavailable, UnknownDocuments
from bot.generation.answer import generate_answer, stream_answer
from bot.generation.backends import load_generator
from bot.generation.base import Generator
from bot.generation.rewrite import rewrite
from bot.resources import bundled_corpus
from bot.retrieval.hybrid import Hit, Retriever
from bot.retrieval.outline import Outline
from bot.retrieval.sentences import SentenceScorer
from bot.settings import Settings
from index import store
from index.bridge import lexicon
from index.embed import Embedder, EmbedderError, load_embedder
from index.library import DocInfo, Library, Parts
from index.read import CorpusError

if TYPE_CHECKING:  # langchain-core is imported only when a retriever is asked for
    from bot.integrations.langchain import ZhenRetriever

Progress = Callable[[int, int], None]
REFRESH_SECONDS = 1.0


def open_library(settings: Settings, embedder: Embedder) -> Library:
    """The library ``settings`` name (see ``Settings.index_path``)."""
    return Library(settings.index_path, embedder, settings.chunk_size)


def needs_build(settings: Settings, embedder: Embedder) -> bool:
    """Whether loading will embed documents first (a first start, a changed corpus)."""
    library = open_library(settings, embedder)
    with _translated():
        if not library.exists() or not library.current():
            return True
        return settings.corpus is not None and bool(library.stale(settings.corpus))


def update_library(
    settings: Settings, embedder: Embedder, progress: Progress | None = None, *, rebuild=False
) -> Library:
    """Bring the library up to date: for a given corpus, exactly its documents; otherwise the
    documents added so far (the bundled article until the first change)."""
    library = open_library(settings, embedder)
    with _translated():
        if settings.corpus is not None:
            if rebuild and library.exists():
                library.rebuild(progress)
            library.sync(settings.corpus, progress)
        elif not library.exists():
            library.add([bundled_corpus()], progress)
        elif rebuild or not library.current():
            library.rebuild(progress)
    return library


def add_documents(
    settings: Settings, embedder: Embedder, paths: Sequence[str | Path], progress=None
) -> list[DocInfo]:
    """Add (or update) documents in the library; only they are embedded."""
    library = update_library(settings, embedder, progress)
    with _translated():
        return library.add(paths, progress)


def remove_documents(settings: Settings, embedder: Embedder, ids: Sequence[str]) -> list[DocInfo]:
    """Remove documents by id; an unknown id is ``UnknownDocuments`` and nothing is removed."""
    library = update_library(settings, embedder)
    try:
        with _translated():
            return library.remove(ids)
    except KeyError as exc:
        raise UnknownDocuments(str(exc.args[0])) from None


def list_documents(settings: Settings, embedder: Embedder) -> list[DocInfo]:
    library = update_library(settings, embedder)
    with _translated():
        return library.documents()


def build_index(
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
) -> store.Index:
    """Bring the library up to date (``update_library``) and load it."""
    library = update_library(settings, embedder, progress, rebuild=rebuild)
    with _translated():
        return library.load()[0]


@contextmanager
def _translated() -> Iterator[None]:
    """Library errors as the errors users see (with their exit codes and HTTP statuses)."""
    try:
        yield
    except CorpusError as exc:
        raise CorpusUnavailable(str(exc)) from exc
    except EmbedderError as exc:
        raise ModelUnavailable(str(exc)) from exc
    except store.IndexStoreError as exc:
        raise IndexUnavailable(str(exc)) from exc


@dataclass(frozen=True)
class Snapshot:
    """One index and the searchers built on it, swapped as one when the library changes:
    an answer in progress keeps the snapshot it started with."""

    index: store.Index
    retriever: Retriever
    scorer: SentenceScorer
    outline: Outline
    version: tuple[int, int] = (0, 0)  # the library's version it was loaded from
    parts: Parts = field(default_factory=dict)  # each document's own index, reused on reload

    @classmethod
    def of(
        cls, index: store.Index, embedder: Embedder, version=(0, 0), parts: Parts | None = None
    ) -> Snapshot:
        return cls(
            index,
            Retriever(index, embedder),
            SentenceScorer(index),
            Outline.of(index),
            version,
            parts or {},
        )


@dataclass
class Zhen:
    """A loaded question-answering service: one index, one embedder, one answer function."""

    settings: Settings
    embedder: Embedder
    snapshot: Snapshot
    generator: Generator | None = None  # None: the extractive answerer
    decision: Decision = field(default_factory=load_decision)
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
            embedder = embedder or load_embedder(settings.embedder)
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        library = (
            update_library(settings, embedder, progress)
            if build
            else open_library(settings, embedder)
        )
        version = library.version()
        with _translated():
            index, parts = library.load()
        snapshot = Snapshot.of(index, embedder, version, parts)
        # CC-CEDICT takes about two seconds to read: on a thread, so the first question
        # rarely waits for it and start-up never does
        threading.Thread(target=lexicon, daemon=True).start()
        return cls(settings, embedder, snapshot, generator, decision or load_decision())

    @property
    def library(self) -> Library:
        return open_library(self.settings, self.embedder)

    def documents(self) -> list[DocInfo]:
        """The documents answers come from (as the library lists them now)."""
        with _translated():
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
        with _translated():
            built, parts = library.load()
        self.snapshot = Snapshot.of(built, self.embedder, version, parts)
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
            with _translated():
                index, parts = library.load(dict(self.snapshot.parts))
            self.snapshot = Snapshot.of(index, self.embedder, version, parts)

    def search(
        self, question: str, *, k: int | None = None, documents: Collection[str] | None = None
    ) -> list[Hit]:
        """The passages an answer to ``question`` would cite from, best first, each shown in
        the asker's language with its aligned translation."""
        text, language = check_question(question, self.settings.max_question_chars)
        snap = self._current(documents, language)
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
        snap = self._current(documents, language)
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
