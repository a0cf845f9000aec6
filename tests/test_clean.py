from index.clean import clean
from tests.conftest import ARTICLE


def test_pinyin_glosses_after_characters_are_removed():
    assert clean("蓬勃發(fā)展，全國友協(xié)，自治區(qū)").text == "蓬勃發展，全國友協，自治區"


def test_parentheses_with_real_content_are_kept():
    text = "推廣“MIJBC”(日本制造、中國品牌)等項目 (see below) and Kobe (Japan)"
    assert clean(text).text == text


def test_ligature_breaks_inside_english_words_are_joined():
    cleaned = clean("the fi rst time, a diffi cult fi eld, mutual benefi t, fl ow").text
    assert cleaned == "the first time, a difficult field, mutual benefit, flow"


def test_real_words_ending_in_fi_are_not_joined():
    assert clean("wifi network and hifi sound").text == "wifi network and hifi sound"


def test_doubled_spaces_and_spaces_before_date_units_collapse():
    assert clean("2012 年4 月,  in   Tokyo").text == "2012年4月, in Tokyo"


def test_offsets_map_back_to_the_original_text():
    raw = "蓬勃發(fā)展的 fi rst 年"
    cleaned = clean(raw)
    for i, ch in enumerate(cleaned.text):
        assert raw[cleaned.to_original(i)] == ch


def test_cleaning_only_deletes_debris_never_reorders_text():
    raw = ARTICLE.read_text("utf-8")
    cleaned = clean(raw)
    # Every cleaned character comes from the original, in order.
    positions = [cleaned.to_original(i) for i in range(len(cleaned.text))]
    assert positions == sorted(positions)
    assert all(raw[p] == c for p, c in zip(positions, cleaned.text, strict=True))
    assert "(fā)" not in cleaned.text and "fi rst" not in cleaned.text
    assert cleaned.text.count("\n") == raw.count("\n")


def test_garbled_spans_in_the_article_are_marked_not_changed():
    raw = ARTICLE.read_text("utf-8")
    cleaned = clean(raw)
    spans = [cleaned.text[s:e] for s, e in cleaned.garbled]
    assert len(spans) == 2
    assert "?;詠碜罾" in spans[0] and "щ" in spans[0]
    assert "?jié" in spans[1]
    assert "正?;詠碜罾щy局面" in cleaned.text


def test_a_chinese_question_mark_is_not_garbage():
    assert clean("這是什麼?").garbled == ()
