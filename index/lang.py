"""Language and script detection, and script conversion (OpenCC) for matching and display."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from index.clean import clean

Lang = Literal["zh", "en"]
Language = Literal["en", "zh-Hans", "zh-Hant"]

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc  # loads its dictionaries; kept out of import time

    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    if not _CJK_CHAR.search(text):
        return text
    # OpenCC needs valid UTF-8: a lone surrogate (possible in JSON input) becomes U+FFFD.
    return _converter(config).convert(_SURROGATE.sub("\ufffd", text))


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (other text unchanged)."""
    return _convert("t2s", text)


def to_traditional(text: str) -> str:
    """Simplified → traditional characters (other text unchanged)."""
    return _convert("s2t", text)


def detect_lang(text: str) -> Lang:
    """``zh`` when Chinese characters outweigh Latin words, else ``en``."""
    cjk = len(_CJK_CHAR.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    return "zh" if cjk and cjk >= latin_words else "en"


def detect_script(text: str) -> Literal["zh-Hans", "zh-Hant"]:
    """Simplified or traditional, by which conversion changes more characters.

    Text that reads the same in both scripts counts as simplified.
    """
    hanzi = "".join(_CJK_CHAR.findall(text))
    if not hanzi:
        return "zh-Hans"
    as_simplified = to_simplified(hanzi)
    as_traditional = to_traditional(hanzi)
    traditional_only = sum(a != b for a, b in zip(hanzi, as_simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(hanzi, as_traditional, strict=False))
    return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"


def detect_language(text: str) -> Language:
    """``en``, ``zh-Hans`` or ``zh-Hant`` for a question or an answer."""
    return "en" if detect_lang(text) == "en" else detect_script(text)


def to_script(text: str, language: Language) -> str:
    """Render Chinese ``text`` in the script of ``language`` (English text is unchanged)."""
    if language == "zh-Hans":
        return to_simplified(text)
    if language == "zh-Hant":
        return to_traditional(text)
    return text


def normalize(text: str) -> str:
    """Form used for matching only: NFKC width folding, simplified script, lower case,
    single spaces. Never shown to users."""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).lower()
    return re.sub(r"\s+", " ", text).strip()


def passage_lang(language: Language) -> Lang:
    """The passage language (``zh``/``en``) an asker of ``language`` reads."""
    return "en" if language == "en" else "zh"


_DROP = re.compile(r"[\s\u200b-\u200f\ufeff]+")


def match_form(text: str) -> str:
    """The form used to compare texts: debris cleaned, NFKC, simplified, lower case, no
    spaces. Never shown to users."""
    return _DROP.sub("", normalize(clean(text).text))


def has_letters(text: str) -> bool:
    """True when ``text`` holds at least one Chinese character or Latin letter."""
    return bool(_CJK_CHAR.search(text) or _LATIN_LETTER.search(text))
