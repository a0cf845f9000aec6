"""A library of documents: each indexed on its own, added, changed and removed one at a time.

Folder layout::

    library.json        format, embedder, chunk size, a version that every change raises,
                        and one entry per document (id, titles, languages, files, pages,
                        passages, when it was added, the hash of its source)
    docs/<id>/          the document's index (``index.store`` format), verified on load
    files/<id>/         a copy of its source file(s), so it can be rebuilt at any time

Adding embeds only the new or changed documents; removing embeds nothing. Every change is
written under a lock: new indexes to temporary folders renamed into place, then
``library.json`` replaced atomically, so a reader sees the library before or after a change.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index import store
from index.build import build_document, build_hash
from index.embed import Embedder
from index.read import Source, sources
from index.store import FORMAT_VERSION, Index, IndexStoreError

Progress = Callable[[int, int], None]
Parts = dict[tuple[str, str], Index]  # (document id, source hash) → the document's index
MANIFEST = "library.json"


@dataclass(frozen=True)
class DocInfo:
    """One document of the library, as ``zhen docs --json`` lists it."""

    id: str
    titles: dict[str, str]
    languages: list[str]
    files: list[str]
    pages: int | None
    passages: int
    added: str
    hash: str = field(default="", repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("hash")
        return data

    def title(self, lang: str) -> str:
        """The title in ``lang`` (``zh``/``en``), else the other one, else the id."""
        return self.titles.get(lang) or next(iter(self.titles.values()), self.id)


class Library:
    """The library in ``folder``, indexed with ``embedder`` in chunks of ``chunk_size``."""

    def __init__(self, folder: str | Path, embedder: Embedder, chunk_size: int = 100) -> None:
        self.folder = Path(folder)
        self.embedder = embedder
        self.chunk_size = chunk_size

    # reading

    def exists(self) -> bool:
        return (self.folder / MANIFEST).is_file()

    def manifest(self) -> dict:
        try:
            data = json.loads((self.folder / MANIFEST).read_text("utf-8"))
        except FileNotFoundError:
            return self._empty()
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"{self.folder / MANIFEST} cannot be read ({exc})") from exc
        return data

    def documents(self) -> list[DocInfo]:
        return [DocInfo(**d) for d in self.manifest()["documents"]]

    def version(self) -> tuple[int, int]:
        """Changes whenever the library changes (cheap: one ``stat``)."""
        try:
            st = (self.folder / MANIFEST).stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def current(self) -> bool:
        """Whether the library was built with this embedder and chunk size, in this format."""
        m = self.manifest()
        return (
            m.get("format_version") == FORMAT_VERSION
            and m.get("embedder", {}).get("id") == self.embedder.id
            and m.get("chunk_size") == self.chunk_size
        )

    def stale(self, paths: Sequence[str | Path]) -> list[Source]:
        """The documents at ``paths`` that are new or changed (to be embedded)."""
        known = {d.id: d.hash for d in self.documents()} if self.current() else {}
        return [s for s in sources(paths) if known.get(s.id) != build_hash(s, self.chunk_size)]

    def load(self, loaded: Parts | None = None) -> tuple[Index, Parts]:
        """All documents merged into one verified index, and each document's own index (keyed
        by id and source hash). Documents already in ``loaded`` are not read again."""
        manifest = self.manifest()
        if self.exists() and not self.current():
            raise IndexStoreError(
                f"the library in {self.folder} was built with another embedder, chunk size "
                "or format: run `zhen index --rebuild`"
            )
        loaded = loaded or {}
        parts: Parts = {}
        for info in self.documents():
            key = (info.id, info.hash)
            if key not in loaded:
                fix = f"run `zhen index --rebuild` (or remove {info.id!r} and add it again)"
                loaded[key] = store.load(self._index_dir(info.id), self.embedder.id, fix)
            parts[key] = loaded[key]
        return store.merge(list(parts.values()), manifest), parts

    # changing

    def add(self, paths: Sequence[str | Path], progress: Progress | None = None) -> list[DocInfo]:
        """Add the documents at ``paths`` (files or folders); a document already in the
        library is replaced when its source changed and left alone when it did not."""
        found = sources(paths)
        with store.lock(self.folder):
            manifest = self.manifest() if self.current() else self._empty()
            known = {d["id"]: d for d in manifest["documents"]}
            added = []
            for source in found:
                digest = build_hash(source, self.chunk_size)
                if known.get(source.id, {}).get("hash") == digest:
                    added.append(DocInfo(**known[source.id]))
                    continue
                info = self._ingest(source, digest, progress)
                known[source.id] = asdict(info)
                added.append(info)
            manifest["documents"] = sorted(known.values(), key=lambda d: d["id"])
            self._commit(manifest)
        return added

    def remove(self, ids: Sequence[str]) -> list[DocInfo]:
        """Remove documents by id; an unknown id raises ``KeyError`` (nothing is removed)."""
        with store.lock(self.folder):
            manifest = self.manifest()
            known = {d["id"]: d for d in manifest["documents"]}
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise KeyError(", ".join(unknown))
            removed = [DocInfo(**known.pop(i)) for i in dict.fromkeys(ids)]
            manifest["documents"] = sorted(known.values(), key=lambda d: d["id"])
            self._commit(manifest)
            for info in removed:  # after the commit: a reader never sees a listed, missing doc
                shutil.rmtree(self._index_dir(info.id), ignore_errors=True)
                shutil.rmtree(self.folder / "files" / info.id, ignore_errors=True)
        return removed

    def sync(self, paths: Sequence[str | Path], progress: Progress | None = None) -> None:
        """Make the library hold exactly the documents at ``paths``."""
        wanted = {s.id for s in sources(paths)}
        if self.stale(paths) or not self.exists():
            self.add(paths, progress)
        extra = [d.id for d in self.documents() if d.id not in wanted]
        if extra:
            self.remove(extra)

    def rebuild(self, progress: Progress | None = None) -> list[DocInfo]:
        """Re-index every document from its kept source files (after a model change)."""
        copies = [
            str(p)
            for d in self.documents()
            for p in sorted((self.folder / "files" / d.id).glob("*"))
        ]
        with store.lock(self.folder):
            self._commit(self._empty())
        return self.add(copies, progress) if copies else []

    # helpers

    def _empty(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "embedder": {"id": self.embedder.id, "dim": getattr(self.embedder, "dim", None)},
            "chunk_size": self.chunk_size,
            "version": 0,
            "documents": [],
        }

    def _index_dir(self, ident: str) -> Path:
        return self.folder / "docs" / ident

    def _ingest(self, source: Source, digest: str, progress: Progress | None) -> DocInfo:
        """Index one document and keep a copy of its files; nothing changes on failure."""
        index = build_document(source, self.embedder, self.chunk_size, progress)
        self._keep_files(source)
        store.save(index, self._index_dir(source.id))
        meta = index.manifest["document"]
        return DocInfo(
            id=source.id,
            titles=meta["titles"],
            languages=meta["languages"],
            files=[str(p.resolve()) for p in source.files],
            pages=meta["pages"],
            passages=meta["passages"],
            added=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            hash=digest,
        )

    def _keep_files(self, source: Source) -> None:
        """Copy a document's source files into ``files/<id>/`` (atomically replaced)."""
        target = self.folder / "files" / source.id
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{source.id}.tmp-", dir=target.parent))
        try:
            for path in source.files:
                shutil.copy2(path, tmp / path.name)
            old = target.with_name(f".{source.id}.old-{os.getpid()}")
            if target.exists():
                os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _commit(self, manifest: dict) -> None:
        manifest["version"] = int(manifest.get("version", 0)) + 1
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".library.", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(manifest, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.folder / MANIFEST)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
