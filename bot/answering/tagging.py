"""Names in Chinese text: jieba's part-of-speech tags, checked against CC-CEDICT."""

from __future__ import annotations

from functools import lru_cache

from index.bridge import common_word
from index.lexical import load_posseg

NAME_TAGS = ("nr", "ns", "nt")  # person, place, organisation


def zh_names(run: str) -> list[str]:
    """Words of a Chinese run jieba tags as names, less those CC-CEDICT lists only as common
    words: jieba's guesses (白白 "in vain", 师傅, 城市 in 在哪个城市) are no names, unless a
    surname comes before (吴 + 建国)."""
    words = tagged(run)
    return [
        w
        for i, (w, flag) in enumerate(words)
        if flag.startswith(NAME_TAGS)
        and len(w) > 1
        and (
            not common_word(w) or (i > 0 and len(words[i - 1][0]) == 1 and words[i - 1][1] == "nr")
        )
    ]


@lru_cache(maxsize=8192)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba part-of-speech tags of a Chinese run (cached: sentences recur across questions)."""
    return tuple((w, f) for w, f in load_posseg().cut(text))
