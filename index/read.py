"""Read corpus files (UTF-8 ``.txt`` and ``.md``) into cleaned documents."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from index.clean import clean
from index.model import Document

SUPPORTED = (".txt", ".md", ".markdown")


class CorpusError(RuntimeError):
    """The corpus cannot be read: missing, unreadable, not UTF-8, empty or unsupported."""


def corpus_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, with folders expanded to their supported files (sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
            if not found:
                raise CorpusError(f"no .txt or .md files in {path}")
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


def _strip_markdown(text: str) -> str:
    """Drop Markdown markup that would pollute passages, keeping line structure."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text)


def read_document(path: Path) -> Document:
    """Read and clean one file; the document id is its file stem."""
    data = _read_bytes(path)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() != ".txt":
        raw = _strip_markdown(raw)
    if not raw.strip():
        raise CorpusError(f"{path} is empty")
    cleaned = clean(raw)
    doc_id = re.sub(r"[^\w-]+", "-", path.stem).strip("-") or "doc"
    return Document(doc_id, str(path), raw, cleaned.text, cleaned.garbled)
