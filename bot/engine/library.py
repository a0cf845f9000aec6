"""The library behind a ``Zhen``: brought up to date, added to, removed from, listed (with
library errors turned into the errors users see), and the ``Snapshot`` answers are read from."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CorpusUnavailable, IndexUnavailable, ModelUnavailable, UnknownDocuments
from bot.resources import bundled_corpus
from bot.retrieval.hybrid import Retriever
from bot.retrieval.outline import Outline
from bot.retrieval.sentences import SentenceScorer
from bot.settings import Settings
from index import store
from index.embed import Embedder, EmbedderError
from index.lang import Language, detect_script
from index.library import DocInfo, Library, Parts
from index.milvus import MilvusStore
from index.read import CorpusError
from index.stores import Store, mirror

Progress = Callable[[int, int], None]


def open_library(settings: Settings, embedder: Embedder) -> Library:
    """The library ``settings`` name (see ``Settings.index_path``)."""
    return Library(settings.index_path, embedder, settings.chunk_size)


def open_store(settings: Settings, embedder: Embedder) -> Store | None:
    """The shared store ``settings.store`` names; None for the default, where each snapshot
    searches its own index in memory."""
    if settings.store == "memory":
        return None
    with translated():
        return MilvusStore(settings.store, embedder.id, embedder.dim, token=settings.milvus_token)


def mirror_library(library: Library, store: Store | None) -> None:
    """Bring ``store`` (if any) up to date with the library's documents."""
    if store is None:
        return
    with translated():
        mirror(store, library.load()[1])


def needs_build(settings: Settings, embedder: Embedder) -> bool:
    """Whether loading will embed documents first (a first start, a changed corpus)."""
    library = open_library(settings, embedder)
    with translated():
        if not library.exists() or not library.current():
            return True
        return settings.corpus is not None and bool(library.stale(settings.corpus))


def update_library(
    settings: Settings, embedder: Embedder, progress: Progress | None = None, *, rebuild=False
) -> Library:
    """Bring the library up to date: for a given corpus, exactly its documents; otherwise the
    documents added so far (the bundled article until the first change)."""
    library = open_library(settings, embedder)
    with translated():
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
    """Add (or update) documents in the library, and in the shared store if there is one;
    only they are embedded."""
    shared = open_store(settings, embedder)  # first: an unreachable store changes nothing
    library = update_library(settings, embedder, progress)
    with translated():
        added = library.add(paths, progress)
    mirror_library(library, shared)
    return added


def remove_documents(settings: Settings, embedder: Embedder, ids: Sequence[str]) -> list[DocInfo]:
    """Remove documents by id; an unknown id is ``UnknownDocuments`` and nothing is removed."""
    shared = open_store(settings, embedder)
    library = update_library(settings, embedder)
    try:
        with translated():
            removed = library.remove(ids)
    except KeyError as exc:
        raise UnknownDocuments(str(exc.args[0])) from None
    mirror_library(library, shared)
    return removed


def list_documents(settings: Settings, embedder: Embedder) -> list[DocInfo]:
    library = update_library(settings, embedder)
    with translated():
        return library.documents()


def build_index(
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
) -> store.Index:
    """Bring the library (and the shared store, if any) up to date (``update_library``) and
    load it."""
    shared = open_store(settings, embedder)
    library = update_library(settings, embedder, progress, rebuild=rebuild)
    with translated():
        index, parts = library.load()
        if shared is not None:
            mirror(shared, parts)
    return index


@contextmanager
def translated() -> Iterator[None]:
    """Library errors as the errors users see (with their exit codes and HTTP statuses)."""
    try:
        yield
    except CorpusError as exc:
        raise CorpusUnavailable(str(exc)) from exc
    except EmbedderError as exc:
        raise ModelUnavailable(str(exc)) from exc
    except store.IndexStoreError as exc:
        raise IndexUnavailable(str(exc)) from exc


SCRIPT_SAMPLE = 20_000  # characters of each document read for its script


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
    scripts: dict[frozenset[str] | None, Language] = field(default_factory=dict, compare=False)

    def script(self, documents: Collection[str] | None = None) -> Language:
        """The script most of the documents' Chinese is written in (all documents, or those
        named): a question that reads the same in both is answered in it, the original's."""
        key = None if documents is None else frozenset(documents)
        if key not in self.scripts:
            # a document's opening stretch shows its script; reading all of a library is slow
            texts = [d.text[:SCRIPT_SAMPLE] for d in self.index.documents if not key or d.id in key]
            self.scripts[key] = detect_script("".join(texts))
        return self.scripts[key]

    @classmethod
    def of(
        cls,
        index: store.Index,
        embedder: Embedder,
        version=(0, 0),
        parts: Parts | None = None,
        shared: Store | None = None,
    ) -> Snapshot:
        """The snapshot of ``index``; with a ``shared`` store, passages are searched there
        (first brought up to date with ``parts``), else in memory."""
        if shared is not None:
            with translated():
                mirror(shared, parts or {})
        return cls(
            index,
            Retriever(index, embedder, shared),
            SentenceScorer(index),
            Outline.of(index),
            version,
            parts or {},
        )
