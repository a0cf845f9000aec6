"""A GGUF model in-process through llama-cpp-python (the ``gguf`` extra)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.answering.conversation import Message
from bot.generation.backends.bundled import BUNDLED, INSTALL_HINT, bundled_model
from bot.generation.base import GeneratorError, with_deadline


class GGUFGenerator:
    """Loads the model on first use. ``model_path`` is a ``.gguf`` file or a bundled model's
    name (``bundled-1.5b``); with none, the bundled Qwen2.5-Coder-0.5B."""

    def __init__(
        self,
        model_path: str | Path | None,
        home: Path,
        n_ctx: int = 4096,
        threads: int | None = None,
    ) -> None:
        name = str(model_path) if model_path else "bundled"
        self.bundled = name if name in BUNDLED else None
        self.model_path = None if self.bundled else Path(name).expanduser()
        self.home = home
        self.n_ctx = n_ctx
        self.threads = threads or os.cpu_count() or 1
        self.id = f"gguf:{self.bundled or self.model_path.name}"
        self._llm = None
        self._lock = threading.Lock()  # one llama context: one generation at a time

    def load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise GeneratorError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from None
            path = self.model_path or bundled_model(self.home, self.bundled or "bundled")
            if not path.is_file():
                raise GeneratorError(f"no GGUF model at {path}")
            try:
                self._llm = Llama(
                    model_path=str(path),
                    n_ctx=self.n_ctx,
                    n_threads=self.threads,
                    n_threads_batch=self.threads,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise GeneratorError(f"cannot load the GGUF model {path}: {exc}") from exc
        return self._llm

    def generate(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, timeout=timeout))

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, timeout: float
    ) -> Iterator[str]:
        llm = self.load()
        with self._lock:
            chunks = llm.create_chat_completion(
                messages=list(messages), max_tokens=max_tokens, temperature=0.0, stream=True
            )
            pieces = (c["choices"][0]["delta"].get("content") or "" for c in chunks)
            yield from with_deadline(pieces, timeout, "the GGUF model")
