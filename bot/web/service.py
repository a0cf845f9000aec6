"""What every endpoint shares: the loaded zhen, answering slots, feedback, health faults."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.answering.answer import Answer
from bot.answering.conversation import Message
from bot.answering.question import check_question
from bot.engine import Zhen
from bot.errors import ServerBusy, UnknownDocuments, ZhenError
from bot.i18n import message
from bot.settings import Settings
from bot.web.feedback import Feedback, FeedbackError
from bot.web.models import checked_history
from bot.web.slots import FairSlots
from index.lang import Language
from index.library import DocInfo

log = logging.getLogger(__name__)

SLOT_WAIT_SECONDS = 20.0  # longest a request waits for an answering slot before a 503


class Faults:
    """What is currently wrong (shown by ``/api/health``); thread-safe."""

    def __init__(self) -> None:
        self._faults: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, name: str, message: str) -> None:
        with self._lock:
            self._faults[name] = message

    def clear(self, name: str) -> None:
        with self._lock:
            self._faults.pop(name, None)

    def items(self) -> dict[str, str]:
        with self._lock:
            return dict(self._faults)


@dataclass
class Service:
    """What every endpoint shares: the loaded zhen, the settings and the feedback log."""

    zhen: Zhen
    settings: Settings
    feedback: Feedback
    faults: Faults = field(default_factory=Faults)
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    # Answering is CPU-bound: running more at once than there are cores only adds thrashing,
    # except that questions waiting together for the embedder are embedded in one batch.
    slots: int | None = None  # default: the cores; the embedding batch when quoting
    busy: FairSlots = field(init=False)

    def __post_init__(self) -> None:
        if self.slots is None:
            cores = os.cpu_count() or 2
            quoting = self.zhen.generator is None  # a model generates one answer at a time
            self.slots = max(cores, self.settings.embed_batch) if quoting else cores
        self.busy = FairSlots(self.slots)

    def check(self, question: str) -> tuple[str, Language]:
        """The question stripped and normalised, and its language; raises ``InvalidQuestion``
        (in that language)."""
        return check_question(question, self.settings.max_question_chars)

    @contextmanager
    def slot(self, language: str):
        """One answering slot; ``ServerBusy`` (503) rather than tying up a worker thread
        indefinitely when every slot stays taken."""
        if not self.busy.acquire(timeout=SLOT_WAIT_SECONDS):
            raise ServerBusy(language)
        try:
            yield
        finally:
            self.busy.release()

    def prepare(
        self, question: str, history, documents: Collection[str] | None = None
    ) -> tuple[str, str, list[Message], list[str] | None]:
        """Validate a question, its history and its scope (raises ``InvalidQuestion`` or
        ``UnknownDocuments``, in the question's language): the question, its language, the
        history turns and the document ids without repeats."""
        text, language = self.check(question)
        turns = checked_history(history, self.settings.max_history_turns, language)
        return text, language, turns, self.scope(documents, language)

    def scope(self, documents: Collection[str] | None, language: str) -> list[str] | None:
        """``documents`` without repeats; ids no document has are ``UnknownDocuments`` in
        ``language`` (checked here, so a stream fails before its first event)."""
        if documents is None:
            return None
        self.zhen.refresh()
        known = {d.id for d in self.zhen.index.documents}
        ids = list(dict.fromkeys(documents))
        unknown = [d for d in ids if d not in known]
        if unknown:
            raise UnknownDocuments(", ".join(unknown), language)
        return ids

    @contextmanager
    def answering(self):
        """Unexpected failures while answering become the ``answer`` health fault (details
        in the log); a success clears it."""
        try:
            yield
        except ZhenError:
            raise
        except Exception:
            log.exception("answering failed")
            self.faults.record("answer", "answering failed (details in the server log)")
            raise
        self.faults.clear("answer")

    def ask(
        self, question: str, history, k: int | None = None, documents: Collection[str] | None = None
    ) -> Answer:
        _, language, turns, scope = self.prepare(question, history, documents)
        hit = self.zhen.cached(question, k=k, history=turns, documents=scope)
        if hit is not None:
            return hit
        with self.answering(), self.slot(language):
            result = self.zhen.ask(question, k=k, history=turns, documents=scope)
        self._watch_generator(result)
        return result

    def _watch_generator(self, result: Answer) -> None:
        """A language model that fails or times out is a fault (answers fall back to quotes);
        a generated answer shows it works again."""
        if result.mode == "generated":
            self.faults.clear("generator")
        elif result.mode == "fallback" and result.note == message(
            "generation_failed", result.language
        ):
            self.faults.record("generator", "the language model failed or timed out; quoting")

    def stream(
        self,
        question: str,
        history=None,
        k: int | None = None,
        documents: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Validates first (so bad input fails before any event), then streams."""
        _, language, turns, scope = self.prepare(question, history, documents)

        def pieces() -> Iterator[str | Answer]:
            with self.answering():
                stream = self.zhen.stream(question, k=k, history=turns, documents=scope)
                hit = self.zhen.cached(question, k=k, history=turns, documents=scope)
                with self.slot(language) if hit is None else nullcontext():
                    first = next(stream, None)  # retrieval happens on the first step
                if first is not None:
                    yield first
                    for item in stream:
                        if isinstance(item, Answer):
                            self._watch_generator(item)
                        yield item

        return pieces()

    def vote(self, record: dict) -> dict:
        try:
            entry = self.feedback.append(record)
        except FeedbackError as exc:
            log.error("%s", exc)
            self.faults.record("feedback", "the feedback log cannot be written")
            raise
        self.faults.clear("feedback")
        return entry

    def health(self) -> dict:
        faults = self.faults.items()
        missing = [p for p in self.settings.corpus or () if not p.exists()]
        if missing:  # no paths: health is public
            faults["corpus"] = f"{len(missing)} corpus file(s) missing"
        index = self.zhen.index
        return {
            "status": "degraded" if faults else "ok",
            "index_loaded": True,
            "library_version": index.manifest.get("version"),
            "documents": len(index.documents),
            "chunks": len(index.chunks),
            "embedder": self.zhen.embedder.id,
            "generator": getattr(self.zhen.generator, "id", self.settings.generator),
            "faults": faults,
        }

    def reindex(self) -> dict:
        """Rebuild the index and swap it in (one rebuild at a time; answers in progress
        finish on the index they started with)."""
        with self.reindex_lock:
            started = time.perf_counter()
            built = self.zhen.reindex()
        return {"counts": built.counts, "seconds": time.perf_counter() - started}

    def documents(self) -> list[DocInfo]:
        """The documents answers come from, as the loaded index lists them: cheap enough for
        a public endpoint (``Zhen.documents()`` may first bring a given corpus up to date)."""
        self.zhen.refresh()
        known = {f.name for f in fields(DocInfo)}
        listed = self.zhen.index.manifest.get("documents", [])
        return [DocInfo(**{k: v for k, v in d.items() if k in known}) for d in listed]

    def add(self, paths: Sequence[Path]) -> list[DocInfo]:
        """Add (or replace) documents; one library change at a time from this server."""
        with self.reindex_lock:
            return self.zhen.add(paths)

    def remove(self, ids: Sequence[str]) -> list[DocInfo]:
        """Remove documents; ``UnknownDocuments`` when an id names none (nothing removed)."""
        with self.reindex_lock:
            return self.zhen.remove(ids)
