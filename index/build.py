"""Text → verified index: read, clean, chunk, embed and align a corpus into an ``Index``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from index.align import Link, align_paragraphs, link_chunks
from index.bridge import build_bridge
from index.chunk import chunk_document
from index.embed import Embedder
from index.model import Chunk, Document, Paragraph
from index.read import corpus_files, corpus_hash, read_document
from index.store import FORMAT_VERSION, Index, IndexStoreError, chunk_means, read_manifest

Progress = Callable[[int, int], None]


def is_current(
    folder: str | Path, paths: Sequence[str | Path], chunk_size: int, embedder_id: str
) -> bool:
    """True when the index in ``folder`` matches the corpus, chunking and embedder."""
    manifest = read_manifest(folder)
    if manifest is None:
        return False
    expected = corpus_hash(corpus_files(paths), chunk_size)
    return (
        manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("embedder", {}).get("id") == embedder_id
        and manifest.get("corpus", {}).get("hash") == expected
    )


def build(
    paths: Sequence[str | Path],
    embedder: Embedder,
    chunk_size: int = 100,
    progress: Progress | None = None,
) -> Index:
    """Read, clean, chunk, embed and align a corpus into an in-memory index."""
    files = corpus_files(paths)
    documents = [read_document(p) for p in files]
    ids = [d.id for d in documents]
    if len(set(ids)) != len(ids):
        documents = [
            Document(f"{d.id}-{i}", d.path, d.raw, d.text, d.garbled)
            for i, d in enumerate(documents)
        ]
    paragraphs: list[Paragraph] = []
    chunks: list[Chunk] = []
    for doc in documents:
        doc_paragraphs, doc_chunks = chunk_document(doc, chunk_size)
        paragraphs += doc_paragraphs
        chunks += doc_chunks
    sentences = [(i, text) for i, c in enumerate(chunks) for text in c.sentence_texts()]
    vectors = _embed_with_progress(embedder, [t for _, t in sentences], progress)
    owner = np.array([i for i, _ in sentences], dtype=np.int32)
    by_paragraph: dict[str, list[int]] = {}
    for row, (ci, _) in enumerate(sentences):
        by_paragraph.setdefault(chunks[ci].paragraph_id, []).append(row)
    links: list[Link] = []
    for doc in documents:
        doc_paragraphs = [p for p in paragraphs if p.doc_id == doc.id]
        sentence_vectors = {p.id: vectors[by_paragraph[p.id]] for p in doc_paragraphs}
        links += align_paragraphs(doc_paragraphs, sentence_vectors)
    link_chunks(chunks, chunk_means(vectors, owner, len(chunks)), links)
    by_id = {c.id: c for c in chunks}
    pairs = [
        (c.text, by_id[c.counterpart_id].text)
        for c in chunks
        if c.lang == "zh" and c.counterpart_id in by_id
    ]
    bridge = build_bridge([d.text for d in documents], pairs)
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"id": embedder.id, "dim": int(vectors.shape[1])},
        "corpus": {"files": [str(p) for p in files], "hash": corpus_hash(files, chunk_size)},
        "chunk_size": chunk_size,
        "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return Index(manifest, documents, paragraphs, links, chunks, vectors, owner, bridge=bridge)


def _embed_with_progress(
    embedder: Embedder, texts: list[str], progress: Progress | None, batch: int = 16
) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed_passages(texts[start : start + batch]))
        if progress:
            progress(min(start + batch, len(texts)), len(texts))
    if not parts:
        raise IndexStoreError("the corpus has no text to index")
    return np.concatenate(parts).astype(np.float32)
