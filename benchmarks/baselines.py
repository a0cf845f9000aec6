"""Baselines the benchmarks compare zhen with, on the same embedder and the same cleaned text.

- ``tutorial``: the LangChain RAG tutorial pipeline: ``RecursiveCharacterTextSplitter(500, 50)``
  → ``FAISS.from_texts`` → top k chunks. As an answerer it "answers" with its top chunk
  and never refuses.
- ``PythonBM25``: zhen's earlier hand-written BM25, to time the ``bm25s`` one against.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.embed import Embedder
from index.read import corpus_files, read_document

Search = Callable[[str, int], list[str]]  # (question, k) → top-k chunk texts


class LangChainEmbeddings(Embeddings):
    """LangChain adapter over a zhen embedder (query/passage prefixes handled by it)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()


def tutorial(corpus: Sequence[Path], embedder: Embedder) -> Search:
    """The LangChain tutorial pipeline over ``corpus``."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    texts = [t for p in corpus_files(corpus) for t in splitter.split_text(read_document(p).text)]
    # Vectors are L2-normalised, so inner product == cosine (L2 would give the same ranking).
    store = FAISS.from_texts(
        texts, LangChainEmbeddings(embedder), distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT
    )
    return lambda question, k: [d.page_content for d in store.similarity_search(question, k=k)]


class PythonBM25:
    """The BM25 zhen used before it moved to ``bm25s``: term frequencies in Python dicts,
    one pass over every document per query term. Kept to measure against."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.doc_tf = [Counter(d) for d in docs]
        self.doc_len = np.array([len(d) for d in docs], dtype=np.float32)
        self.avg_len = float(self.doc_len.mean()) if len(docs) else 0.0
        df: Counter[str] = Counter()
        for tf in self.doc_tf:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(self.doc_tf), dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / max(self.avg_len, 1e-9))
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            tf = np.array([d.get(term, 0) for d in self.doc_tf], dtype=np.float32)
            out += idf * tf * (self.k1 + 1) / (tf + norm)
        return out
