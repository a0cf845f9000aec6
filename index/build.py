"""Text → index of one document: read, clean, chunk, embed, align and bridge."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from index.align import align_paragraphs, find_title, link_chunks
from index.bridge import build_bridge
from index.chunk import chunk_document
from index.embed import Embedder
from index.lang import detect_lang
from index.model import Document
from index.read import Source, read_source, source_hash
from index.store import FORMAT_VERSION, Index, IndexStoreError, chunk_means

Progress = Callable[[int, int], None]


def build_hash(source: Source, chunk_size: int) -> str:
    """What a document's index is built from: its files, the chunk size and the index format
    (a new format rebuilds it, and a shared store mirroring the library takes it again)."""
    return source_hash(source, chunk_size, FORMAT_VERSION)


def build_document(
    source: Source,
    embedder: Embedder,
    chunk_size: int = 100,
    progress: Progress | None = None,
) -> Index:
    """The index of one document (one file, or a pair of language versions)."""
    return index_document(read_source(source), embedder, chunk_size, progress, source)


def index_document(
    doc: Document,
    embedder: Embedder,
    chunk_size: int = 100,
    progress: Progress | None = None,
    source: Source | None = None,
) -> Index:
    """Chunk, embed, align and bridge a read document into its own index."""
    paragraphs, chunks = chunk_document(doc, chunk_size)
    sentences = [(i, text) for i, c in enumerate(chunks) for text in c.sentence_texts()]
    vectors = _embed_with_progress(embedder, [t for _, t in sentences], progress)
    owner = np.array([i for i, _ in sentences], dtype=np.int32)
    by_paragraph: dict[str, list[int]] = {}
    for row, (ci, _) in enumerate(sentences):
        by_paragraph.setdefault(chunks[ci].paragraph_id, []).append(row)
    sentence_vectors = {p.id: vectors[by_paragraph[p.id]] for p in paragraphs}
    links = align_paragraphs(paragraphs, sentence_vectors)
    link_chunks(chunks, chunk_means(vectors, owner, len(chunks)), links)
    by_id = {c.id: c for c in chunks}
    pairs = [
        (c.text, by_id[c.counterpart_id].text)
        for c in chunks
        if c.lang == "zh" and c.counterpart_id in by_id
    ]
    titles = {}
    for lang in ("zh", "en"):
        title = find_title([p for p in paragraphs if p.lang == lang])
        if title is not None:
            titles[lang] = title.text
    if doc.title and detect_lang(doc.title) not in titles:
        titles[detect_lang(doc.title)] = doc.title
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"id": embedder.id, "dim": int(vectors.shape[1])},
        "source": {
            "id": doc.id,
            "files": doc.path.split(";"),
            "hash": build_hash(source, chunk_size) if source else None,
        },
        "document": {
            "titles": titles,
            "languages": sorted({p.lang for p in paragraphs}),
            "pages": max((n for _, n in doc.pages), default=None),
            "passages": len(chunks),
        },
        "chunk_size": chunk_size,
        "counts": {"documents": 1, "chunks": len(chunks), "sentences": len(sentences)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    bridge = build_bridge([doc.text], pairs)
    return Index(manifest, [doc], paragraphs, links, chunks, vectors, owner, bridge=bridge)


def _embed_with_progress(
    embedder: Embedder, texts: list[str], progress: Progress | None, batch: int = 16
) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed_passages(texts[start : start + batch]))
        if progress:
            progress(min(start + batch, len(texts)), len(texts))
    if not parts:
        raise IndexStoreError("the document has no text to index")
    return np.concatenate(parts).astype(np.float32)
