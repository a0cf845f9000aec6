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


# Grammatical words: in a text that mixes scripts, the language whose grammar words it uses
# is the language it is written in ("What does 全国友协 stand for?" is English).
_EN_GRAMMAR = re.compile(
    r"\b(?:what|when|where|who|whom|whose|why|how|which|is|are|was|were|do|does|did|the|a|an|"
    r"of|in|on|for|to|with|and|or|this|that|these|those|can|could|will|would|has|have|had)\b",
    re.IGNORECASE,
)
_ZH_GRAMMAR = re.compile(
    r"的|了|吗|呢|吧|是|在|和|与|有|什么|什麼|哪|谁|誰|怎么|怎麼|为什么|為什麼|多少|几|幾|这|這|那"
)
_EN_ASKING = re.compile(r"\b(?:what|when|where|who|whom|whose|why|how|which)\b", re.IGNORECASE)
_ZH_ASKING = re.compile(r"什么|什麼|哪|谁|誰|怎么|怎麼|为什么|為什麼|多少|几|幾|吗|嗎|呢")
_QUOTED = re.compile(r"[“\"「『《][^”\"」』》]*[”\"」』》]")
# names whose letters are no words: dotted abbreviations (G.A.P., U.S.) and capitals (CPAFFC)
_LETTERED = re.compile(r"(?:\b[A-Za-z]{1,3}\.){2,}(?:[A-Za-z]{1,3}\b\.?)?|\b[A-Z]{2,}\b")


def detect_lang(text: str) -> Lang:
    """The language of a text: where it mixes scripts, the one whose grammatical words it
    uses (quoted names aside); otherwise ``zh`` when Chinese characters outweigh Latin words."""
    cjk = len(_CJK_CHAR.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    if cjk and latin_words:
        bare = _LETTERED.sub(" ", _QUOTED.sub(" ", text))
        en, zh = len(_EN_GRAMMAR.findall(bare)), len(_ZH_GRAMMAR.findall(bare))
        if en != zh and (en == 0 or zh == 0):
            return "en" if en > zh else "zh"
        # both: a sentence quoted without marks ("Who said 友好的根基在民间?") is asked in the
        # language of the question words
        en, zh = len(_EN_ASKING.findall(bare)), len(_ZH_ASKING.findall(bare))
        if en != zh and (en == 0 or zh == 0):
            return "en" if en > zh else "zh"
    return "zh" if cjk and cjk >= latin_words else "en"


def detect_script(text: str) -> Literal["zh-Hans", "zh-Hant"]:
    """Simplified or traditional, by which conversion changes more characters; a tie with
    any character only traditional script writes (鐵, 瑪) is traditional, since converting to
    traditional also changes characters traditional text uses too (台 → 臺, 峰 → 峯).

    Text that reads the same in both scripts counts as simplified.
    """
    hanzi = "".join(_CJK_CHAR.findall(text))
    if not hanzi:
        return "zh-Hans"
    as_simplified = to_simplified(hanzi)
    as_traditional = to_traditional(hanzi)
    traditional_only = sum(a != b for a, b in zip(hanzi, as_simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(hanzi, as_traditional, strict=False))
    return "zh-Hant" if traditional_only and traditional_only >= simplified_only else "zh-Hans"


def script_neutral(text: str) -> bool:
    """Whether Chinese ``text`` reads the same in both scripts (溶栓 比例 上升)."""
    hanzi = "".join(_CJK_CHAR.findall(text))
    return bool(hanzi) and to_simplified(hanzi) == hanzi == to_traditional(hanzi)


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
