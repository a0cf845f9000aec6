"""Where passages are searched: the ``Store`` protocol and the embedded default.

A store holds the library's passages (text, language, document, vector) and answers two
searches, each optionally within one language and some documents: the passages nearest to a
question vector, and the best BM25 matches for the question's tokens. The retriever fuses the
two (``bot/retrieval/hybrid.py``); everything above it works the same on any store.

``MemoryStore`` (FAISS + BM25 in this process) is the default; ``index.milvus.MilvusStore``
keeps the passages in Milvus. ``mirror`` makes any store hold exactly a library's documents.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.model import Chunk
from index.store import Index, merge, without

# Above this many passages an exact scan costs more than it is worth (about 30 ms at 200k on
# 2 cores, 141 ms at 1M); IVF answers in 3 ms at 1M with recall@5 0.996 (benchmarks/scale.py).
IVF_THRESHOLD = 200_000


@dataclass(frozen=True)
class Ranked:
    """One side of a search: passage ids, best first, and their scores."""

    ids: list[str]
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Ranked:
        return cls([], np.zeros(0, np.float32))


@dataclass(frozen=True)
class Passage:
    """A passage as a store keeps it."""

    id: str
    doc_id: str
    lang: str
    text: str
    page: int | None = None
    counterpart_id: str | None = None


class Store(Protocol):
    """Passages of a library, searchable by vector and by terms."""

    def documents(self) -> dict[str, str]:
        """The documents held: id → the source hash they were added with."""
        ...

    def add(self, doc_id: str, digest: str, part: Index) -> None:
        """Hold the passages of ``part`` (one document's index), replacing older ones."""
        ...

    def remove(self, doc_ids: Collection[str]) -> None: ...

    def dense(
        self,
        vector: np.ndarray,
        k: int,
        lang: str | None = None,
        documents: Collection[str] | None = None,
    ) -> Ranked:
        """The ``k`` passages most similar to ``vector`` (inner product)."""
        ...

    def lexical(
        self,
        tokens: Sequence[str],
        k: int,
        lang: str | None = None,
        documents: Collection[str] | None = None,
    ) -> Ranked:
        """The ``k`` passages with the highest BM25 for ``tokens`` (``index.lexical.tokenize``
        output; each distinct token counts once); only passages that match at all."""
        ...

    def passages(self, ids: Sequence[str]) -> list[Passage]: ...

    def stats(self) -> dict: ...


def mirror(store: Store, parts: Mapping[tuple[str, str], Index]) -> None:
    """Make ``store`` hold exactly the documents of ``parts`` ((id, source hash) → index):
    new and changed ones are added, others removed, unchanged ones left alone."""
    held = store.documents()
    wanted = dict(parts)
    gone = [d for d, digest in held.items() if (d, digest) not in wanted]
    if gone:
        store.remove(gone)
    for (doc_id, digest), part in wanted.items():
        if held.get(doc_id) != digest:
            store.add(doc_id, digest, part)


class MemoryStore:
    """FAISS (exact, or IVF above ``IVF_THRESHOLD`` passages) and BM25, in this process."""

    def __init__(
        self,
        index: Index,
        digests: Mapping[str, str] | None = None,
        ivf_threshold: int = IVF_THRESHOLD,
    ) -> None:
        self.index = index
        self.ivf_threshold = ivf_threshold
        self._digests = dict(digests or {d.id: "" for d in index.documents})
        self._faiss = None
        self._nprobe = 0
        self._langs: np.ndarray | None = None
        self._docs: np.ndarray | None = None

    def documents(self) -> dict[str, str]:
        return dict(self._digests)

    def add(self, doc_id: str, digest: str, part: Index) -> None:
        self._replace(merge([without(self.index, [doc_id]), part], self.index.manifest))
        self._digests[doc_id] = digest

    def remove(self, doc_ids: Collection[str]) -> None:
        self._replace(without(self.index, doc_ids))
        for doc_id in doc_ids:
            self._digests.pop(doc_id, None)

    def dense(self, vector, k, lang=None, documents=None) -> Ranked:
        n = len(self.index.chunks)
        if n == 0 or k <= 0:
            return Ranked.empty()
        import faiss  # imported with the first search, not at import time

        index = self._dense_index()
        mask = self._mask(lang, documents)
        query = np.ascontiguousarray(vector[None, :], dtype=np.float32)
        if self._nprobe:  # IVF: the filter goes into the search, so it still finds k
            selector = None
            if mask is not None:
                bits = np.packbits(mask, bitorder="little")
                selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self._nprobe)
            scores, ids = index.search(query, min(k, n), params=params)
        else:
            scores, ids = index.search(query, n)
        scores, ids = scores[0], ids[0]
        keep = ids >= 0
        if mask is not None:
            keep &= mask[np.maximum(ids, 0)]
        scores, ids = scores[keep][:k], ids[keep][:k]
        return Ranked([self.index.chunks[i].id for i in ids], scores.astype(np.float32))

    def lexical(self, tokens, k, lang=None, documents=None) -> Ranked:
        if not self.index.chunks or not tokens or k <= 0:
            return Ranked.empty()
        scores = self.index.bm25.scores(tokens)
        mask = scores > 0
        narrow = self._mask(lang, documents)
        if narrow is not None:
            mask &= narrow
        found = np.flatnonzero(mask)
        order = found[np.argsort(-scores[found], kind="stable")][:k]
        return Ranked([self.index.chunks[i].id for i in order], scores[order])

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        chunks = (self.index.chunk(i) for i in ids)
        return [_passage(c) for c in chunks if c is not None]

    def stats(self) -> dict:
        self._dense_index()
        return {
            "store": "memory",
            "documents": len(self._digests),
            "passages": len(self.index.chunks),
            "dense_index": "ivf" if self._nprobe else "flat",
        }

    def _replace(self, index: Index) -> None:
        self.index, self._faiss, self._nprobe = index, None, 0
        self._langs = self._docs = None

    def _dense_index(self):
        if self._faiss is None:
            self._faiss, self._nprobe = dense_index(self.index.chunk_vectors, self.ivf_threshold)
        return self._faiss

    def _mask(self, lang: str | None, documents: Collection[str] | None) -> np.ndarray | None:
        if lang is None and documents is None:
            return None
        langs, docs = self._columns()
        mask = np.ones(len(langs), dtype=bool) if lang is None else langs == lang
        if documents is not None:
            mask &= np.isin(docs, list(documents))
        return mask

    def _columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Each passage's language and document, as arrays (built once per index)."""
        if self._langs is None:
            self._langs = np.array([c.lang for c in self.index.chunks], dtype=object)
            self._docs = np.array([c.doc_id for c in self.index.chunks], dtype=object)
        return self._langs, self._docs


def dense_index(vectors: np.ndarray, threshold: int = IVF_THRESHOLD) -> tuple[object, int]:
    """A FAISS inner-product index over ``vectors`` and its ``nprobe``: exact (0) up to
    ``threshold`` rows, IVF with 4·√n lists above it."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if len(vectors) <= threshold:
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index, 0
    nlist = ivf_lists(len(vectors))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(1).choice(len(vectors), min(len(vectors), 50 * nlist), False)
    index.train(vectors[sample])
    index.add(vectors)
    return index, ivf_nprobe(nlist)


def ivf_lists(n: int) -> int:
    """IVF lists for ``n`` vectors (every store uses the same rule)."""
    return int(4 * np.sqrt(n))


def ivf_nprobe(lists: int) -> int:
    """Lists searched per query: recall@5 0.99 at 1M passages (``benchmarks/scale.py``)."""
    return max(8, lists // 32)


def _passage(chunk: Chunk) -> Passage:
    return Passage(chunk.id, chunk.doc_id, chunk.lang, chunk.text, chunk.page, chunk.counterpart_id)
