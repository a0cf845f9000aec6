"""The Chinese forms of a name written in Latin letters, found in the article's own text.

A bilingual article writes a foreign name in Chinese characters and glosses it once in
brackets (埃莱娜·莫雷蒂（Elena Moretti）, 「海雀號」（Sea Lark）), and a Chinese name in pinyin
in its English half (Long Chunmei for 龙春梅). Either way, a caption that only the Chinese half
has can then be found to be about the name an English question states.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CJK_RUN = re.compile(r"[\u4e00-\u9fff·]{2,12}$")
_CLOSING_QUOTE = "」”』》\"'"
_MAX_PLAIN = 8  # a gloss without a name dot or quotes longer than this is a phrase, not a name


def glossed(name: str, texts: Iterable[str]) -> set[str]:
    """Chinese forms ``texts`` (normalised) gloss with ``name`` (normalised) in brackets:
    the surname of a transliterated name (莫雷蒂), a quoted term (海雀号), else a short run."""
    pattern = re.compile(rf"\(\s*{re.escape(name)}\s*[,，;；)]")
    out = set()
    for text in texts:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 24) : m.start()].rstrip()
            quoted = before.endswith(tuple(_CLOSING_QUOTE))
            run = _CJK_RUN.search(before.rstrip(_CLOSING_QUOTE))
            if run is None:
                continue
            form = run.group(0)
            if "·" in form:
                form = form.rsplit("·", 1)[1]
            elif not quoted and len(form) > _MAX_PLAIN:
                continue
            if len(form) >= 2:
                out.add(form)
    return out


def spelled(name: str, texts: Iterable[str], readings: Mapping[str, str]) -> set[str]:
    """Runs of two to four Chinese characters in ``texts`` whose toneless pinyin spells
    ``name`` (long chunmei → 龙春梅)."""
    target = re.sub(r"[^a-z]", "", name.lower())
    if not 4 <= len(target) <= 24:
        return set()
    out = set()
    for text in texts:
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
            for i in range(len(run) - 1):
                sound = ""
                for j in range(i, min(i + 4, len(run))):
                    sound += readings.get(run[j], "?")
                    if not target.startswith(sound):
                        break
                    if sound == target and j > i:
                        out.add(run[i : j + 1])
    return out
