"""Any OpenAI-compatible ``/v1/chat/completions`` server (llama.cpp, Ollama, vLLM, hosted APIs)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx

from bot.answering.conversation import Message
from bot.generation.base import GeneratorError, GeneratorTimeout


class OpenAIGenerator:
    """Chat completions over HTTP. ``base_url`` includes the version, e.g. ``http://host/v1``."""

    def __init__(
        self,
        base_url: str,
        model: str = "default",
        api_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.id = f"openai:{model}"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._transport = transport

    def _client(self, timeout: float) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(timeout), headers=self._headers, transport=self._transport
        )

    def _body(self, messages: Sequence[Message], max_tokens: int, stream: bool) -> dict:
        return {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": 0,
            "stream": stream,
        }

    def generate(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> str:
        with self._errors(timeout), self._client(timeout) as client:
            response = client.post(self.url, json=self._body(messages, max_tokens, False))
            self._check(response)
            content = response.json()["choices"][0]["message"]["content"]
        return content or ""

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, timeout: float
    ) -> Iterator[str]:
        """Server-sent events; ``timeout`` bounds the whole answer, not just each read."""
        deadline = time.monotonic() + timeout
        with (
            self._errors(timeout),
            self._client(timeout) as client,
            client.stream("POST", self.url, json=self._body(messages, max_tokens, True)) as r,
        ):
            self._check(r)
            for line in r.iter_lines():
                if time.monotonic() > deadline:
                    raise self._timeout(timeout)
                piece = _sse_piece(line)
                if piece is None:
                    break
                if piece:
                    yield piece

    @contextmanager
    def _errors(self, timeout: float) -> Iterator[None]:
        """Transport and protocol failures as ``GeneratorError`` (``GeneratorTimeout``)."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise self._timeout(timeout) from exc
        except httpx.HTTPError as exc:
            raise GeneratorError(f"cannot reach the language model at {self.url}: {exc}") from exc
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise GeneratorError(f"unexpected reply from the language model at {self.url}") from exc

    def _check(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            response.read()
            detail = response.text.strip().replace("\n", " ")[:200]
            raise GeneratorError(
                f"the language model at {self.url} answered HTTP {response.status_code}: {detail}"
            )

    def _timeout(self, timeout: float) -> GeneratorTimeout:
        return GeneratorTimeout(
            f"the language model at {self.url} did not answer within {timeout:g} s"
        )


def _sse_piece(line: str) -> str | None:
    """The text in one SSE line: ``""`` for lines without text, ``None`` at ``[DONE]``."""
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    if not data:
        return ""
    choices = json.loads(data).get("choices") or [{}]
    return (choices[0].get("delta") or {}).get("content") or ""
