"""Read source files into cleaned documents.

A document is one file holding both language halves, one file in one language, or two files
paired by name as the two language versions of one document (``NAME.zh.pdf`` + ``NAME.en.pdf``,
any supported extensions). Its id is the file name without language suffix and extension,
slugified.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.clean import clean
from index.extract import EXTENSIONS, Extracted, ExtractError, extract
from index.model import Document

SUPPORTED = tuple(EXTENSIONS)
_LANGUAGE_SUFFIX = re.compile(r"\.(zh|en)$", re.IGNORECASE)


class CorpusError(RuntimeError):
    """The corpus cannot be read: missing, unreadable, not UTF-8, empty or unsupported."""


@dataclass(frozen=True)
class Source:
    """The file(s) of one document: one, or a Chinese and an English version, in that order."""

    id: str
    files: tuple[Path, ...]


def doc_id(path: Path) -> str:
    """The document id of a file: its name without language suffix and extension, slugified."""
    stem = _LANGUAGE_SUFFIX.sub("", path.stem)
    slug = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", stem).lower()).strip("-_")
    return slug or "doc"


def corpus_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, with folders expanded to their supported files (sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
            if not found:
                raise CorpusError(f"no supported files ({', '.join(SUPPORTED)}) in {path}")
            files += found
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED:
                raise CorpusError(f"unsupported file type {path.suffix or '(none)'}: {path}")
            files.append(path)
        else:
            raise CorpusError(f"corpus file not found: {path}")
    if not files:
        raise CorpusError("no corpus files given")
    return files


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """The documents the files at ``paths`` make, language versions paired by name."""
    by_id: dict[str, list[Path]] = {}
    for path in corpus_files(paths):
        by_id.setdefault(doc_id(path), []).append(path)
    out = []
    for ident, files in sorted(by_id.items()):
        versions = {_language_of(f): f for f in files}
        if len(files) == 2 and set(versions) == {"zh", "en"}:
            out.append(Source(ident, (versions["zh"], versions["en"])))
        elif len(files) == 1:
            out.append(Source(ident, tuple(files)))
        else:
            names = ", ".join(str(f) for f in files)
            raise CorpusError(f"several files make the document {ident!r}: {names}")
    return out


def _language_of(path: Path) -> str | None:
    m = _LANGUAGE_SUFFIX.search(path.stem)
    return m.group(1).lower() if m else None


def source_hash(source: Source, *extra: object) -> str:
    """SHA-256 over a document's file names and bytes plus any build settings in ``extra``."""
    return corpus_hash(source.files, *extra)


def corpus_hash(files: Sequence[Path], *extra: object) -> str:
    """SHA-256 over the files' names and bytes plus any build settings in ``extra``."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(_read_bytes(path))
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _extracted(path: Path) -> Extracted:
    try:
        got = extract(path)
    except ExtractError as exc:
        raise CorpusError(str(exc)) from None
    if not got.text.strip():
        raise CorpusError(f"{path} is empty")
    return got


def read_source(source: Source) -> Document:
    """Read and clean one document: its text (both files of a pair, Chinese first), where
    its pages start, and its title from the file's metadata."""
    parts = [_extracted(path) for path in source.files]
    raw, pages = "", []
    for part in parts:
        pages += [(len(raw) + offset, number) for offset, number in part.pages]
        raw += part.text.replace("\r\n", "\n").rstrip("\n") + "\n"
    cleaned = clean(raw)
    return Document(
        source.id,
        ";".join(str(p) for p in source.files),
        raw,
        cleaned.text,
        cleaned.garbled,
        pages=tuple((cleaned.from_original(offset), n) for offset, n in pages),
        title=next((p.title for p in parts if p.title), None),
    )


def read_document(path: Path) -> Document:
    """Read and clean one file."""
    return read_source(Source(doc_id(path), (path,)))
