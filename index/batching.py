"""Micro-batching of query embeddings: concurrent requests share one model call.

A server answers many questions at once, and each needs its question embedded. One model
call for a batch of questions costs far less than one call per question (the weights are
read once for the whole batch), and one call at a time keeps every core for that call
instead of splitting them between competing calls.

``BatchingEmbedder`` wraps any ``Embedder``. Its ``embed_queries`` hands the texts to one
worker thread and waits. The worker takes the first waiting request, gathers those that
arrive within ``wait_ms`` (or that queued up while the model was busy), up to ``max_batch``
texts, embeds them in one call and gives each request its own rows. Passages (index
builds) go straight to the wrapped embedder: they come in large batches already.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from index.embed import Embedder


@dataclass
class _Request:
    texts: list[str]
    result: Future = field(default_factory=Future)


class BatchingEmbedder:
    """An ``Embedder`` whose query embeddings are computed in batches by one worker thread."""

    def __init__(self, inner: Embedder, max_batch: int = 32, wait_ms: float = 2.0) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.inner = inner
        self.max_batch = max_batch
        self.wait = max(wait_ms, 0.0) / 1000
        self.batches = 0  # model calls made, for tests and benchmarks
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self.max_batch == 1:
            return self.inner.embed_queries(texts)
        self._ensure_worker()
        request = _Request(list(texts))
        self._queue.put(request)
        return request.result.result()

    def _ensure_worker(self) -> None:
        with self._start:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="zhen-embed-batch", daemon=True
                )
                self._worker.start()

    def _run(self) -> None:
        carried: _Request | None = None
        while True:
            first = carried or self._queue.get()
            batch, carried = self._gather(first)
            texts = [t for r in batch for t in r.texts]
            try:
                vectors = self.inner.embed_queries(texts)
            except BaseException as exc:  # every waiter gets the error; the worker goes on
                for r in batch:
                    r.result.set_exception(exc)
                continue
            self.batches += 1
            start = 0
            for r in batch:
                r.result.set_result(vectors[start : start + len(r.texts)])
                start += len(r.texts)

    def _gather(self, first: _Request) -> tuple[list[_Request], _Request | None]:
        """``first`` and the requests that join it within the window, up to ``max_batch``
        texts; a request that would overfill the batch is carried to the next one."""
        batch, size = [first], len(first.texts)
        deadline = time.monotonic() + self.wait
        while size < self.max_batch:
            try:
                left = deadline - time.monotonic()
                nxt = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if size + len(nxt.texts) > self.max_batch:
                return batch, nxt
            batch.append(nxt)
            size += len(nxt.texts)
        return batch, None


def batched(embedder: Embedder, max_batch: int, wait_ms: float) -> Embedder:
    """``embedder`` with batched query embeddings; itself when ``max_batch`` is 1."""
    if max_batch <= 1:
        return embedder
    return BatchingEmbedder(embedder, max_batch, wait_ms)
