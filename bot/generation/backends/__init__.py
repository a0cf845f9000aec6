"""LLM backends behind the ``Generator`` protocol, chosen by ``Settings.generator``.

``extractive`` (the default) means no generator. Each backend lives in its own module and
imports its heavy dependencies only when it first generates.
"""

from __future__ import annotations

from bot.generation.base import Generator, GeneratorError
from bot.settings import Settings

BACKENDS = ("extractive", "openai", "hf", "gguf")


def load_generator(settings: Settings) -> Generator | None:
    """The generator ``settings`` ask for, or ``None`` for extractive answers."""
    name = settings.generator
    if name == "extractive":
        return None
    if name == "openai":
        from bot.generation.backends.openai_compat import OpenAIGenerator

        if not settings.base_url:
            raise GeneratorError(
                "the openai generator needs --base-url (e.g. http://127.0.0.1:8080/v1)"
            )
        return OpenAIGenerator(settings.base_url, settings.model or "default", settings.api_key)
    if name == "hf":
        from bot.generation.backends.hf import HFGenerator

        if not settings.model:
            raise GeneratorError("the hf generator needs --model <model id or folder>")
        return HFGenerator(settings.model)
    if name == "gguf":
        from bot.generation.backends.gguf import GGUFGenerator

        return GGUFGenerator(settings.model, settings.home, threads=settings.gen_threads)
    raise GeneratorError(f"unknown generator {name!r}; choose one of {', '.join(BACKENDS)}")
