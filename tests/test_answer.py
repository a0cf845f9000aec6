import pytest

from bot.answering.question import check_question
from bot.engine import Zhen
from bot.errors import InvalidQuestion
from bot.settings import Settings


def test_empty_and_whitespace_questions_are_rejected():
    for q in ("", "   ", "\n\t"):
        with pytest.raises(InvalidQuestion):
            check_question(q, 2000)


def test_an_over_long_question_is_rejected_in_the_askers_language():
    with pytest.raises(InvalidQuestion, match="问题太长"):
        check_question("天津" * 1001, 2000)
    with pytest.raises(InvalidQuestion, match="too long"):
        check_question("a" * 2001, 2000)


def test_control_characters_are_rejected():
    with pytest.raises(InvalidQuestion):
        check_question("what\x00is this", 2000)


def test_answers_cite_numbered_passages_that_exist(fake_zhen):
    result = fake_zhen.ask(
        "Since 1999, the Chinese Friendship Association organized which conference?"
    )
    assert result.grounded
    assert result.citations and [c.n for c in result.citations] == list(
        range(1, len(result.citations) + 1)
    )
    for c in result.citations:
        assert f"[{c.n}]" in result.answer
        for start, end in c.highlight:
            assert c.text[start:end].strip() in result.answer


def test_a_simplified_question_gets_a_simplified_answer_from_traditional_text(fake_zhen):
    result = fake_zhen.ask("中日韩友好城市交流大会迄今已成功举办了几届？")
    assert result.language == "zh-Hans" and result.grounded
    assert "举办" in result.answer and "舉辦" not in result.answer
    assert "舉辦" in result.citations[0].text  # the passage itself is shown as written


def test_a_traditional_question_gets_a_traditional_answer(fake_zhen):
    result = fake_zhen.ask("中日韓友好城市交流大會迄今已成功舉辦了幾屆？")
    assert result.language == "zh-Hant" and "舉辦" in result.answer


def test_a_question_the_same_in_both_scripts_is_answered_in_the_articles_own(
    fake_zhen, tmp_path, fake_embedder
):
    neutral = "1973年 天津 友好城市"  # no character tells simplified from traditional
    assert fake_zhen.ask(neutral).language == "zh-Hant"  # the bundled article is traditional
    article = tmp_path / "simplified.md"
    article.write_text(
        "# 友好城市\n\n天津与神户于1973年结为友好城市，这是中日之间第一对友好城市。\n", "utf-8"
    )
    settings = Settings.from_env({}, home=tmp_path / "home", corpus=(article,))
    assert Zhen.load(settings, fake_embedder).ask(neutral).language == "zh-Hans"


def test_json_shape_matches_the_cli_contract(fake_zhen):
    data = fake_zhen.ask(
        "When was the Second Sino-Japanese Governor Forum held in Beijing?"
    ).to_dict()
    assert {"question", "language", "answer", "grounded", "citations", "timings_ms"} <= data.keys()
    for c in data["citations"]:
        assert {"n", "passage_id", "lang", "text", "translation", "score"} <= c.keys()


def test_a_year_the_article_never_gives_means_does_not_say_in_the_askers_language(fake_zhen):
    en = fake_zhen.ask("What did the governors sign in 1850?")
    zh = fake_zhen.ask("1850年省长们签署了什么？")
    assert (en.grounded, en.citations) == (False, [])
    assert en.answer == "The article does not say."
    assert zh.answer == "文章没有提到这一点。" and not zh.grounded
