"""A Hugging Face causal LM through transformers (the ``hf`` extra), on CPU."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence

from bot.answering.conversation import Message
from bot.generation.base import GeneratorError, GeneratorTimeout


class HFGenerator:
    """``model`` is a hub id or a local folder; loaded on first use; greedy decoding."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_name = model
        self.device = device
        self.id = f"hf:{model}"
        self._tokenizer = None
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        if self._model is None:
            try:
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError:
                raise GeneratorError(
                    "transformers is not installed; install it with: pip install -e '.[hf]'"
                ) from None
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.model_name)
                self._model = AutoModelForCausalLM.from_pretrained(self.model_name).to(self.device)
            except (OSError, ValueError) as exc:
                raise GeneratorError(f"cannot load the model {self.model_name!r}: {exc}") from exc
            self._model.eval()
        return self._tokenizer, self._model

    def _inputs(self, messages: Sequence[Message]):
        tokenizer, _ = self.load()
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(
                list(messages), tokenize=False, add_generation_prompt=True
            )
        else:  # a base model: plain transcript
            text = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant: "
        return tokenizer(text, return_tensors="pt").to(self.device)

    def generate(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, timeout=timeout))

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, timeout: float
    ) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        tokenizer, model = self.load()
        inputs = self._inputs(messages)
        streamer = TextIteratorStreamer(
            tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=timeout
        )
        kwargs = dict(
            **inputs,
            streamer=streamer,
            max_new_tokens=max_tokens,
            do_sample=False,
            max_time=timeout,
            pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
        )
        with self._lock:
            worker = threading.Thread(target=model.generate, kwargs=kwargs, daemon=True)
            worker.start()
            try:
                for piece in streamer:
                    if piece:
                        yield piece
            except queue.Empty:
                raise GeneratorTimeout(
                    f"the model {self.model_name!r} did not answer within {timeout:g} s"
                ) from None
            finally:
                worker.join(timeout)
