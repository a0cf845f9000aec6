"""The index in memory and on disk: save it atomically, load and verify it, merge several.

An index folder holds the index of one document or a whole corpus (the library keeps one per
document and merges them when it loads). Its files, all written to a temporary sibling folder,
then renamed into place::

    manifest.json   format version, embedder id and dimension, source hash, build time,
                    and the SHA-256 of every other file
    chunks.jsonl    chunks with offsets, sentences, aligned counterpart and page
    tokens.json     each chunk's lexical tokens (so merging needs no re-tokenising)
    structure.json  documents (cleaned text), paragraphs, the alignment and the bridge
    vectors.npz     sentence vectors and which chunk each sentence belongs to
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index.align import Link, is_heading
from index.bridge import Bridge, common_word, pinyin_table, proper_noun
from index.lang import normalize
from index.lexical import BM25, tokenize
from index.model import Chunk, Document, Paragraph
from index.names import glossed, places_within, spelled, spelled_runs

# Bump whenever what the builder writes changes (text cleaning, chunks, titles, alignment,
# bridge, tokens): libraries built before are rebuilt on load instead of answering from the
# old output. tests/test_store.py pins the builder's output to this number.
FORMAT_VERSION = 35
_FILES = ("chunks.jsonl", "tokens.json", "structure.json", "vectors.npz")
# Headings and titles are findable by what they are ("what is the title?", "小标题是什么？").
HEADING_WORDS = "title heading section 标题 小标题 题目 章节"


class IndexStoreError(RuntimeError):
    """The index folder is missing, corrupt, or was built for another model or corpus."""


@dataclass
class Index:
    """Everything retrieval needs, in memory."""

    manifest: dict
    documents: list[Document]
    paragraphs: list[Paragraph]
    links: list[Link]
    chunks: list[Chunk]
    sentence_vectors: np.ndarray  # (n_sentences, dim), normalised
    sentence_chunk: np.ndarray  # (n_sentences,) chunk index of each sentence
    bridge: Bridge = field(default_factory=Bridge)  # cross-lingual term pairs of this corpus
    chunk_tokens: list[list[str]] | None = None  # lexical tokens per chunk; made when not given
    chunk_vectors: np.ndarray = field(init=False)
    bm25: BM25 = field(init=False)

    def __post_init__(self) -> None:
        self.chunk_vectors = chunk_means(
            self.sentence_vectors, self.sentence_chunk, len(self.chunks)
        )
        if self.chunk_tokens is None:
            headings = {p.id for p in self.paragraphs if is_heading(p)}
            structural = tokenize(HEADING_WORDS)
            self.chunk_tokens = [
                tokenize(c.text) + (structural if c.paragraph_id in headings else [])
                for c in self.chunks
            ]
        self.bm25 = BM25(self.chunk_tokens)
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        starts = np.searchsorted(self.sentence_chunk, np.arange(len(self.chunks) + 1))
        self._sentence_start = starts

    @cached_property
    def _normalized(self) -> list[str]:
        return [normalize(c.text) for c in self.chunks]

    @cached_property
    def _paragraphs(self) -> dict[str, Paragraph]:
        return {p.id: p for p in self.paragraphs}

    @cached_property
    def baseline_rows(self) -> np.ndarray:
        """Up to 2,000 sentence rows, evenly spread: enough to estimate how similar an
        unrelated sentence is to a question, at any library size."""
        n = len(self.sentence_vectors)
        return np.unique(np.linspace(0, n - 1, num=min(n, 2000)).astype(np.int64))

    @cached_property
    def baseline_langs(self) -> np.ndarray:
        """The language of each baseline row."""
        return np.array([self.chunks[self.sentence_chunk[r]].lang for r in self.baseline_rows])

    def mentions(self, text: str) -> bool:
        """Whether the corpus contains ``text`` (after normalisation: script, width, case)."""
        return self.frequency(text) > 0

    @cached_property
    def _spelled(self) -> dict[str, set[str]]:
        return spelled_runs(self.chunk_tokens or [], pinyin_table())

    @cached_property
    def _name_forms(self) -> dict[str, set[str]]:
        return {}

    def name_forms(self, name: str) -> set[str]:
        """Chinese forms of a Latin-letter ``name`` in this corpus: glossed with it in
        brackets, or spelling it in pinyin (``index.names``); remembered per name."""
        needle = normalize(name)
        if needle not in self._name_forms:
            self._name_forms[needle] = glossed(needle, self._normalized) | spelled(
                needle, self._spelled
            )
        return self._name_forms[needle]

    @cached_property
    def _places(self) -> dict[str, set[str]]:
        return {}

    def places_within(self, name: str) -> set[str]:
        """Places this corpus locates in the place ``name`` (``index.names.places_within``),
        normalised, with their renderings in the other language; remembered per name."""
        needle = normalize(name)
        if needle not in self._places:
            texts = [c.text for c in self.chunks] if needle.isascii() else self._normalized
            found = {normalize(p) for p in places_within(needle, texts, self._is_name)}
            # a one-word place only: "county" of "Ouning County" is no rendering of Zhejiang
            single = [w for p in found if len(words := tokenize(p)) == 1 for w in words]
            bridged = self.bridge.translate(single, self.bm25.idf)
            self._places[needle] = found | {r for rs in bridged.values() for r in rs}
        return self._places[needle]

    def _is_name(self, word: str) -> bool:
        """A Chinese proper noun: so in CC-CEDICT, or one it lacks that the article pairs with
        an English word (高威, Galway)."""
        return proper_noun(word) or (word in self.bridge.names and not common_word(word))

    def frequency(self, text: str) -> float:
        """The share of chunks that contain ``text`` (after normalisation)."""
        needle = normalize(text)
        if not needle or not self.chunks:
            return 0.0
        return sum(needle in c for c in self._normalized) / len(self.chunks)

    @cached_property
    def _titles(self) -> dict[str, dict[str, str]]:
        listed = {d["id"]: d.get("titles", {}) for d in self.manifest.get("documents", [])}
        single = self.manifest.get("document")
        if single is not None:
            listed[self.manifest.get("source", {}).get("id", "")] = single.get("titles", {})
        return listed

    def doc_title(self, doc_id: str, lang: str) -> str:
        """A document's title in ``lang`` (``zh``/``en``), else in the other language, else
        its id."""
        titles = self._titles.get(doc_id, {})
        return titles.get(lang) or next(iter(titles.values()), doc_id)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "chunks": len(self.chunks),
            "sentences": len(self.sentence_vectors),
        }

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return self._paragraphs.get(paragraph_id)

    @cached_property
    def _previous(self) -> dict[str, Paragraph]:
        last: dict[tuple[str, str], Paragraph] = {}
        out = {}
        for p in sorted(self.paragraphs, key=lambda p: (p.doc_id, p.start)):
            if (p.doc_id, p.lang) in last:
                out[p.id] = last[p.doc_id, p.lang]
            last[p.doc_id, p.lang] = p
        return out

    def previous_paragraph(self, paragraph_id: str) -> Paragraph | None:
        """The paragraph before ``paragraph_id`` in its document and language (a heading or
        the paragraph that introduced what this one goes on about)."""
        return self._previous.get(paragraph_id)

    def chunk(self, chunk_id: str | None) -> Chunk | None:
        return self.chunks[self._by_id[chunk_id]] if chunk_id in self._by_id else None

    def position(self, chunk_id: str) -> int:
        return self._by_id[chunk_id]

    def row(self, chunk_id: str) -> int:
        """The position of ``chunk_id``, or -1 when this index does not hold it."""
        return self._by_id.get(chunk_id, -1)

    def sentence_rows(self, chunk_index: int) -> range:
        """Rows of ``sentence_vectors`` that belong to chunk ``chunk_index``, in order."""
        return range(
            int(self._sentence_start[chunk_index]), int(self._sentence_start[chunk_index + 1])
        )


def chunk_means(vectors: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    sums = np.zeros((n, dim), np.float32)
    np.add.at(sums, owner, vectors)
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(index: Index, folder: str | Path) -> Path:
    """Write ``index`` to ``folder`` atomically: a reader sees the old or the new index."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
            for chunk in index.chunks:
                f.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        structure = {
            "documents": [asdict(d) for d in index.documents],
            "paragraphs": [asdict(p) for p in index.paragraphs],
            "links": [asdict(link) for link in index.links],
            "bridge": index.bridge.to_dict(),
        }
        (tmp / "structure.json").write_text(json.dumps(structure, ensure_ascii=False), "utf-8")
        with open(tmp / "vectors.npz", "wb") as f:
            np.savez(
                f, sentence_vectors=index.sentence_vectors, sentence_chunk=index.sentence_chunk
            )
        (tmp / "tokens.json").write_text(json.dumps(index.chunk_tokens, ensure_ascii=False))
        manifest = dict(index.manifest, files={n: _sha256(tmp / n) for n in _FILES})
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8"
        )
        for name in (*_FILES, "manifest.json"):
            with open(tmp / name, "rb") as f:
                os.fsync(f.fileno())
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        if folder.exists():
            os.rename(folder, old)
        os.rename(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index.manifest = manifest
    return folder


@contextlib.contextmanager
def lock(folder: str | Path, timeout: float = 120.0) -> Iterator[None]:
    """An exclusive lock beside ``folder`` so two builders never write it at once."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(f".{folder.name}.lock"), "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexStoreError(f"another process is building {folder}") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(folder: str | Path) -> dict | None:
    """The manifest of the index in ``folder``, or None when there is no readable one."""
    try:
        return json.loads((Path(folder) / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def load(
    folder: str | Path, embedder_id: str | None = None, fix: str = "run `zhen index --rebuild`"
) -> Index:
    """Load and verify an index; any damage or mismatch raises ``IndexStoreError`` (its
    message ends with ``fix``)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexStoreError(f"no valid index in {folder}: {fix}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStoreError(
            f"index in {folder} has format {manifest.get('format_version')}, "
            f"this zhen reads {FORMAT_VERSION}: {fix}"
        )
    if embedder_id and manifest.get("embedder", {}).get("id") != embedder_id:
        raise IndexStoreError(
            f"index in {folder} was built with {manifest.get('embedder', {}).get('id')}"
            f", not {embedder_id}: {fix}"
        )
    for name in _FILES:
        expected = manifest.get("files", {}).get(name)
        path = folder / name
        if not path.is_file() or expected != _sha256(path):
            raise IndexStoreError(f"index file {name} in {folder} is missing or damaged: {fix}")
    try:
        chunks = [
            Chunk.from_dict(json.loads(line))
            for line in (folder / "chunks.jsonl").read_text("utf-8").splitlines()
            if line
        ]
        structure = json.loads((folder / "structure.json").read_text("utf-8"))
        documents = [
            Document(
                **{
                    **d,
                    "garbled": tuple(map(tuple, d["garbled"])),
                    "pages": tuple(map(tuple, d.get("pages", ()))),
                }
            )
            for d in structure["documents"]
        ]
        tokens = json.loads((folder / "tokens.json").read_text("utf-8"))
        paragraphs = [Paragraph(**p) for p in structure["paragraphs"]]
        links = [Link(tuple(x["zh"]), tuple(x["en"])) for x in structure["links"]]
        with np.load(folder / "vectors.npz") as data:
            vectors = data["sentence_vectors"].astype(np.float32)
            owner = data["sentence_chunk"].astype(np.int32)
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexStoreError(f"index in {folder} cannot be read ({exc}): {fix}") from exc
    if (
        vectors.shape[1:] != (manifest["embedder"]["dim"],)
        or len(owner) != len(vectors)
        or len(tokens) != len(chunks)
        or (len(owner) and int(owner.max()) >= len(chunks))
    ):
        raise IndexStoreError(f"index vectors in {folder} do not match the manifest: {fix}")
    bridge = Bridge.from_dict(structure.get("bridge", {}))
    return Index(manifest, documents, paragraphs, links, chunks, vectors, owner, bridge, tokens)


def without(index: Index, doc_ids: Collection[str]) -> Index:
    """``index`` less the documents ``doc_ids`` (their passages, paragraphs and vectors)."""
    gone = set(doc_ids)
    keep = np.array([c.doc_id not in gone for c in index.chunks], dtype=bool)
    new_position = np.cumsum(keep) - 1
    rows = keep[index.sentence_chunk] if len(index.sentence_chunk) else np.zeros(0, bool)
    return Index(
        index.manifest,
        [d for d in index.documents if d.id not in gone],
        [p for p in index.paragraphs if p.doc_id not in gone],
        [link for link in index.links if not _linked_to(link, index, gone)],
        [c for c, kept in zip(index.chunks, keep, strict=True) if kept],
        index.sentence_vectors[rows],
        new_position[index.sentence_chunk[rows]].astype(np.int32),
        bridge=index.bridge,
        chunk_tokens=[t for t, kept in zip(index.chunk_tokens or [], keep, strict=True) if kept],
    )


def _linked_to(link: Link, index: Index, gone: set[str]) -> bool:
    ids = link.zh + link.en
    return any((p := index.paragraph(i)) is not None and p.doc_id in gone for i in ids)


def merge(parts: Sequence[Index], manifest: dict) -> Index:
    """One index over several (a library's documents): their passages side by side."""
    owners, offset = [], 0
    for part in parts:
        owners.append(part.sentence_chunk + offset)
        offset += len(part.chunks)
    dim = int(manifest.get("embedder", {}).get("dim", 0))
    vectors = [p.sentence_vectors for p in parts] or [np.zeros((0, dim), np.float32)]
    return Index(
        manifest,
        [d for p in parts for d in p.documents],
        [g for p in parts for g in p.paragraphs],
        [link for p in parts for link in p.links],
        [c for p in parts for c in p.chunks],
        np.concatenate(vectors).astype(np.float32),
        np.concatenate(owners).astype(np.int32) if owners else np.zeros(0, np.int32),
        bridge=Bridge.merge(p.bridge for p in parts),
        chunk_tokens=[t for p in parts for t in (p.chunk_tokens or [])],
    )
