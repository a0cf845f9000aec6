"""Follow-up questions rewritten by the language model, falling back to the rule."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.conversation import Message, condense, is_follow_up, recent
from bot.generation.base import Generator, GeneratorError
from bot.generation.prompts import render_prompt
from index.lang import detect_lang, detect_language, normalize


def rewrite(
    question: str,
    history: Sequence[Message] | None,
    generator: Generator,
    *,
    max_turns: int,
    timeout: float,
) -> str:
    """Ask the model for a standalone question; the rule's result when it fails."""
    ruled = condense(question, history, max_turns)
    turns = recent(history, max_turns)
    if ruled == question and not (turns and is_follow_up(question)):
        return question
    language = detect_language(question)
    transcript = "\n".join(f"{m['role']}: {m['content'].strip()}" for m in turns)
    prompt = render_prompt("condense", language, history=transcript, question=question)
    try:
        reply = generator.generate(
            [{"role": "user", "content": prompt}], max_tokens=96, timeout=timeout
        )
    except GeneratorError:
        return ruled
    rewritten = reply.strip().splitlines()[0].strip() if reply.strip() else ""
    if (
        not rewritten
        or len(rewritten) > 2 * len(question) + 200
        or detect_lang(rewritten) != detect_lang(question)
        or normalize(rewritten) == normalize(question)
    ):
        return ruled
    return rewritten
