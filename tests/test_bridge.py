"""The cross-lingual bridge: CC-CEDICT pairs, names in both scripts, defined abbreviations."""

from __future__ import annotations

from index.bridge import Bridge, build_bridge, defined_aliases
from index.lexical import tokenize

ARTICLE = """友好比赛
2012年8月，初中生乒乓球友谊比赛在北京开幕。江苏莲屿湾滨海湿地自然保护区（以下简称“保护区”）派出代表团。
省长代表团签署了合作协议。桥头岛上的环志站很忙。
The Governor Forum
The delegation of the Northmarsh Wetlands Trust (hereinafter “the Trust”) visited Qiaotou Island.
The Minjiang Tea Port Museum (MTPM) signed an agreement with the governor.
"""


VOCAB = set(tokenize(ARTICLE))


def renderings(bridge: Bridge, question: str) -> set[str]:
    return set().union(*bridge.translate(tokenize(question), VOCAB).values())


def test_english_terms_find_the_chinese_words_the_article_uses():
    bridge = build_bridge([ARTICLE])
    assert "乒乓球" in renderings(bridge, "Who played table tennis?")
    assert "乒乓球" in renderings(bridge, "the ping-pong match")
    assert "省长" in renderings(bridge, "Which governor came?")
    assert "协议" in renderings(bridge, "the agreement")


def test_chinese_terms_find_the_english_words_the_article_uses():
    bridge = build_bridge([ARTICLE])
    assert set(tokenize("delegation")) <= renderings(bridge, "代表团什么时候来的？")
    assert set(tokenize("agreement")) <= renderings(bridge, "他们签了什么协议？")


def test_translations_the_article_never_uses_are_left_out():
    bridge = build_bridge([ARTICLE])
    for question in ("basketball and table tennis", "代表团打篮球", "the delegation's budget"):
        assert renderings(bridge, question) <= VOCAB


def test_a_chinese_name_matches_its_pinyin_in_the_english_text():
    bridge = build_bridge([ARTICLE])
    assert "qiaotou" in renderings(bridge, "桥头岛在哪里？")


def test_a_chinese_persons_name_matches_its_given_name_in_the_english_text():
    texts = ["护士长龙春梅示范吞咽筛查。", "When Head Nurse Long Chunmei showed the screening."]
    bridge, vocab = build_bridge(texts), {t for text in texts for t in tokenize(text)}

    def rendered(question: str) -> set[str]:
        return set().union(*bridge.translate(tokenize(question), vocab).values())

    assert "chunmei" in rendered("龙春梅示范了什么？")
    assert "龙春梅" in rendered("What did Long Chunmei show?")
    assert "龙春梅" not in rendered("How long did the screening take?")


def test_abbreviations_the_article_defines_stand_for_their_full_names():
    assert ("保护区", "江苏莲屿湾滨海湿地自然保护区") in defined_aliases(ARTICLE)
    assert ("Trust", "Northmarsh Wetlands Trust") in defined_aliases(ARTICLE)
    assert ("MTPM", "Minjiang Tea Port Museum") in defined_aliases(ARTICLE)
    bridge = build_bridge([ARTICLE])
    assert {"minjiang", "museum"} <= renderings(bridge, "What did MTPM sign?")
    assert "mtpm" in renderings(bridge, "What did the Minjiang Tea Port Museum sign?")


def test_the_bridge_survives_a_round_trip_through_json():
    bridge = build_bridge([ARTICLE])
    again = Bridge.from_dict(bridge.to_dict())
    question = tokenize("Did the MTPM governor play table tennis?")
    assert again.translate(question, VOCAB) == bridge.translate(question, VOCAB)


def test_aligned_paragraphs_link_a_word_only_to_its_sole_best_partner():
    pairs = [
        ("神户市代表团访问天津。", "A Kobe delegation visited Tianjin."),
        ("神户港很繁忙。", "The port of Kobe is busy."),
        ("天津港很大。", "The port of Tianjin is large."),
        ("参加论坛的有省长。", "Governors joined the forum as deputy leaders."),
        ("参加论坛的有省长。", "Governors joined the forum as deputy leaders."),
    ]
    names = build_bridge([], pairs).names
    assert tokenize("Kobe")[0] in names.get("神户", set())
    # 参加 recurs with "forum", "deputy", "leader" … equally: it translates none of them
    assert not names.get("参加")
