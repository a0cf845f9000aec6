"""The Chinese forms of a Latin-letter name, from the article's own glosses and pinyin."""

from __future__ import annotations

from index.bridge import pinyin_table
from index.lang import normalize
from index.lexical import tokenize
from index.names import glossed, spelled, spelled_runs

TEXTS = [
    normalize(t)
    for t in (
        "意大利学生埃莱娜·莫雷蒂（Elena Moretti）则走了另一条路。",
        "清单列明由运茶快船「海雀號」（Sea Lark）运往安特卫普。",
        "资助方——卡里斯瓦尔基金会（Fondazione Carisval，以下简称基金会）。",
        "护士长龙春梅在培训课上示范吞咽筛查。",
        "这是一个很长很长的不是名字的短语用来说明（Long Phrase）。",
    )
]


def test_a_name_glossed_in_brackets_gives_its_chinese_form():
    assert glossed("elena moretti", TEXTS) == {"莫雷蒂"}  # a transliteration: its surname
    assert glossed("sea lark", TEXTS) == {"海雀号"}  # a quoted term
    assert glossed("fondazione carisval", TEXTS) == {"卡里斯瓦尔基金会"}
    assert glossed("long phrase", TEXTS) == set()  # a long run is a phrase, not a name
    assert glossed("gu jianping", TEXTS) == set()


def test_a_chinese_name_is_found_by_its_pinyin_in_whole_words():
    runs = spelled_runs([tokenize(t) for t in [*TEXTS, "他们的安排"]], pinyin_table())
    assert spelled("Long Chunmei", runs) == {"龙春梅"}
    assert spelled("Lin Xiaofan", runs) == set()
    assert spelled("Dean", runs) == set()  # 的安 of 他们的安排 straddles two words
