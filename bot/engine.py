"""Start-up: settings → embedder → index (built or rebuilt when stale) → a ready ``Zhen``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bot.answer import Answer, check_question, draft
from bot.errors import CorpusUnavailable, IndexUnavailable, ModelUnavailable
from bot.extractive import SentenceScorer
from bot.generate import Generator, Message
from bot.outline import Outline
from bot.retrieve import Retriever
from bot.settings import Settings
from index import store
from index.embed import Embedder, EmbedderError, load_embedder
from index.read import CorpusError, corpus_files, corpus_hash

Progress = Callable[[int, int], None]


def index_is_current(settings: Settings, embedder: Embedder) -> bool:
    """True when the stored index matches the corpus, chunking and embedder."""
    manifest = store.read_manifest(settings.index_path)
    if manifest is None:
        return False
    try:
        files = corpus_files(settings.corpus)
        expected = corpus_hash(files, settings.chunk_size)
    except CorpusError as exc:
        raise CorpusUnavailable(str(exc)) from exc
    return (
        manifest.get("format_version") == store.FORMAT_VERSION
        and manifest.get("embedder", {}).get("id") == embedder.id
        and manifest.get("corpus", {}).get("hash") == expected
    )


def build_index(settings: Settings, embedder: Embedder, progress: Progress | None = None):
    """Build the index for ``settings`` and save it atomically, under a lock."""
    with store.lock(settings.index_path):
        try:
            built = store.build(settings.corpus, embedder, settings.chunk_size, progress)
        except CorpusError as exc:
            raise CorpusUnavailable(str(exc)) from exc
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        store.save(built, settings.index_path)
    return built


@dataclass
class Zhen:
    """A loaded question-answering service: one index, one embedder, one answer function."""

    settings: Settings
    embedder: Embedder
    index: store.Index
    retriever: Retriever
    scorer: SentenceScorer
    outline: Outline | None = None
    generator: Generator | None = None  # None: the extractive answerer

    @classmethod
    def load(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        *,
        build: bool = True,
        progress: Progress | None = None,
        generator: Generator | None = None,
    ) -> Zhen:
        """Load the index, building it first when missing or stale (if ``build``), and the
        generator ``settings.generator`` names unless one is given."""
        if generator is None and settings.generator != "extractive":
            from bot.generators import load_generator

            generator = load_generator(settings)
            load = getattr(generator, "load", None)
            if load is not None:  # in-process models: fail at start-up, not on the first question
                load()
        try:
            embedder = embedder or load_embedder(settings.embedder)
        except EmbedderError as exc:
            raise ModelUnavailable(str(exc)) from exc
        if build and not index_is_current(settings, embedder):
            index = build_index(settings, embedder, progress)
        else:
            try:
                index = store.load(settings.index_path, embedder.id)
            except store.IndexStoreError as exc:
                raise IndexUnavailable(str(exc)) from exc
        return cls(
            settings,
            embedder,
            index,
            Retriever(index, embedder),
            SentenceScorer(index),
            Outline.of(index),
            generator,
        )

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[Message] | None = None,
    ) -> Answer:
        """The answer function: CLI, web UI, REST API and evaluation all call this.

        ``history`` (earlier ``{"role", "content"}`` messages) turns a follow-up question
        into a standalone one for retrieval; the answer is in the current question's language.
        """
        d = self._draft(question, k, history)
        if self.generator is None:
            return d.extractive
        from bot.llm_answer import generate_answer

        return generate_answer(
            d,
            self.generator,
            max_tokens=self.settings.max_tokens,
            timeout=self.settings.gen_timeout,
        )

    def stream(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[Message] | None = None,
    ) -> Iterator[str | Answer]:
        """Stream an answer: text pieces (``str``), then the final ``Answer``.

        Bad questions raise before the first piece. Extractively, joining the pieces gives
        ``Answer.answer``. With a generator the pieces are the model's raw tokens, and the
        final ``Answer`` is what was checked: its text replaces the streamed text (markers
        removed, or the extractive fallback when ``mode == "fallback"``).
        """
        d = self._draft(question, k, history)
        if self.generator is None:
            yield from _pieces(d.extractive.answer)
            yield d.extractive
            return
        from bot.llm_answer import stream_answer

        yield from stream_answer(
            d,
            self.generator,
            max_tokens=self.settings.max_tokens,
            timeout=self.settings.gen_timeout,
        )

    def _draft(self, question: str, k: int | None, history: Sequence[Message] | None):
        text, _ = check_question(question, self.settings.max_question_chars)
        search = None
        if history:
            from bot import history as conversation

            turns = self.settings.max_history_turns
            if self.generator is None:
                search = conversation.condense(text, history, turns)
            else:
                search = conversation.rewrite(
                    text,
                    history,
                    self.generator,
                    max_turns=turns,
                    timeout=min(self.settings.gen_timeout, 15.0),
                )
        return draft(
            text,
            self.retriever,
            self.scorer,
            k=k or self.settings.k,
            max_chars=self.settings.max_question_chars,
            outline=self.outline,
            search=search,
        )


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_PIECE = re.compile(rf"[{_CJK}]{{1,4}}|[^\s{_CJK}]+\s*|\s+")


def _pieces(text: str) -> Iterator[str]:
    """Split text into short display pieces: a word with its space, or up to 4 CJK characters."""
    return (m.group(0) for m in _PIECE.finditer(text))
