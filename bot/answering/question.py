"""Question checks shared by every entry point: usable text, length, language."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidQuestion
from index.lang import Language, detect_language

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and lone surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL.search(text))


def check_question(question: object, max_chars: int) -> tuple[str, Language]:
    """The question stripped and NFC-normalised, and its language; raises ``InvalidQuestion``
    when unusable. Length and control characters are judged on the question as sent (what
    the API's schema describes), not on its normalised form."""
    if not isinstance(question, str):
        raise InvalidQuestion("empty_question")
    text = unicodedata.normalize("NFC", CONTROL.sub("", question)).strip()
    language = detect_language(text) if text else "en"
    if not text:
        raise InvalidQuestion("empty_question", language)
    if len(question) > max_chars:
        raise InvalidQuestion("question_too_long", language, length=len(question), limit=max_chars)
    if has_control_characters(question):
        raise InvalidQuestion("control_characters", language)
    return unicodedata.normalize("NFC", question).strip(), language
