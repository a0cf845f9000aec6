"""Question checks shared by every entry point: usable text, length, language."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidQuestion
from index.lang import Language, detect_language

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_question(question: object, max_chars: int) -> tuple[str, Language]:
    """The question stripped, and its language; raises ``InvalidQuestion`` when unusable."""
    if not isinstance(question, str):
        raise InvalidQuestion("empty_question")
    text = unicodedata.normalize("NFC", question).strip()
    language = detect_language(text) if text else "en"
    if not text:
        raise InvalidQuestion("empty_question", language)
    if len(text) > max_chars:
        raise InvalidQuestion("question_too_long", language, length=len(text), limit=max_chars)
    if _CONTROL.search(text) or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise InvalidQuestion("control_characters", language)
    return text, language
