"""Generated answers: grounding checks on the reply, and the engine with a scripted model."""

import re

import pytest

from bot.answering.answer import Answer
from bot.generation.base import GeneratorError, GeneratorTimeout
from bot.generation.grounding import (
    build_passages,
    clean_citations,
    invented_numbers,
    is_not_found,
    sentences,
    support,
)
from index.lexical import tokenize
from tests.conftest import ScriptedGenerator, cite, passage_number

EN_Q = "When did Tianjin and Kobe become friendship cities?"
ZH_Q = "天津和神户什么时候结为友好城市？"
UNKNOWN_Q = "What is the population of Mars?"


def test_invalid_citation_markers_are_removed_and_valid_ones_kept():
    text, cited = clean_citations("Tianjin [1]. Kobe [9]. Both [2, 7]【3】", 3)
    assert text == "Tianjin [1]. Kobe. Both [2][3]"
    assert cited == [1, 2, 3]


def test_does_not_say_is_recognised_in_every_language_and_script():
    assert is_not_found("The article does not say.")
    assert is_not_found(" 文章没有提到这一点。")
    assert is_not_found("文章沒有提到這一點")
    assert not is_not_found("The article does not say much about Kobe, but Tianjin [1].")


def test_sentences_keep_their_trailing_markers():
    assert sentences("Tianjin paired with Kobe. [1] It was 1973 [2].") == [
        "Tianjin paired with Kobe. [1]",
        "It was 1973 [2].",
    ]


def test_support_counts_shared_tokens_and_chinese_inside_other_segmentation():
    passage = ["1973年6月24日,中國天津市與日本神戶市締結為友好城市"]
    assert support("天津和神户在1973年结为友好城市", passage) >= 0.6
    assert support("上海和大阪在1980年结为姐妹港口", passage) < 0.6


def test_support_counts_only_the_words_a_sentence_adds_to_the_question():
    passage = ["The gong weighs 12 kg and hangs at the village gate."]
    question = "How heavy was the gong that Tanhe villagers beat in their drill?"
    reply = "The gong that Tanhe villagers beat in their drill weighed 12 kg."
    assert support(reply, passage) < 0.6
    assert support(reply, passage, tokenize(question)) == 1.0
    assert (
        support("The villagers beat a bronze drum from Guilin.", passage, tokenize(question)) == 0
    )


def test_a_reply_restating_a_typed_question_is_held_to_the_passages_for_what_it_adds(
    scripted_zhen,
):
    when = "When did Tianjin and Kobe's twinning kick off for sister towns?"
    reply = "Tianjin and Kobe's twinning kicked off for sister towns in June 1973 [{n}]."
    result = scripted_zhen(ScriptedGenerator(cite(reply, "Tianjin"))).ask(when)
    assert result.mode == "generated" and result.answer.startswith("Tianjin and Kobe's twinning")
    # the same words are no restatement of a question that does not use them
    result = scripted_zhen(ScriptedGenerator(cite(reply, "Tianjin"))).ask(EN_Q)
    assert result.mode == "fallback"
    # an untyped answer has no figure or name check after this one: all its words must be
    # the article's
    what = "What did Tianjin and Kobe's twinning kick off for sister towns?"
    reply = "Tianjin and Kobe's twinning kicked off a new chapter for sister towns [{n}]."
    assert scripted_zhen(ScriptedGenerator(cite(reply, "Tianjin"))).ask(what).mode == "fallback"


def test_numbers_missing_from_the_passages_are_reported():
    assert invented_numbers("It happened in 1975 with 250 pairs.", ["250 pairs in 1973"]) == [
        "1975"
    ]


def test_a_figure_in_words_is_held_to_the_passages_by_value():
    passage = ["起初只有五名顧問醫生願意參加排班，直到2022年才增加到九名。"]
    assert invented_numbers("從五名增加到九名[1]。", passage) == []
    assert invented_numbers("從九名增加到十名[1]。", passage) == ["10"]
    assert (
        invented_numbers("It has 24 rooms and three halls.", ["twenty-four rooms, 3 halls"]) == []
    )


def test_chinese_passages_are_given_in_the_askers_script(scripted_zhen):
    zhen = scripted_zhen(None)
    d = zhen._draft(ZH_Q, None, None, None)
    passages = build_passages(d.retrieval.hits, d.language)
    assert any("神户" in p.text for p in passages)
    assert not any("神戶" in p.text for p in passages)  # the article's traditional form


def test_a_supported_cited_reply_is_the_generated_answer(scripted_zhen):
    gen = ScriptedGenerator(
        cite("Tianjin and Kobe became friendship cities on 24 June 1973 [{n}].", "1973")
    )
    result = scripted_zhen(gen).ask(EN_Q)
    assert result.mode == "generated" and result.grounded
    assert "Kobe" in result.answer and result.note is None
    n = int(re.search(r"\[(\d+)\]", result.answer).group(1))
    assert [c.n for c in result.citations] == [n]
    assert "1973" in result.citations[0].text or "1973" in (result.citations[0].translation or "")
    assert "generate" in result.timings_ms


def test_a_chinese_reply_is_converted_to_the_askers_script(scripted_zhen):
    gen = ScriptedGenerator(cite("1973年6月24日，天津與神戶結為友好城市[{n}]。", "1973"))
    result = scripted_zhen(gen).ask(ZH_Q)
    assert result.mode == "generated"
    assert "神户" in result.answer and "神戶" not in result.answer


def test_the_generator_is_not_called_when_the_article_has_nothing_relevant(scripted_zhen):
    gen = ScriptedGenerator("Mars has 12 people [1].")
    result = scripted_zhen(gen).ask(UNKNOWN_Q)
    assert gen.calls == []
    assert not result.grounded and result.answer == "The article does not say."


def test_a_supported_reply_without_citations_is_cited_to_the_passage_that_supports_it(
    scripted_zhen,
):
    gen = ScriptedGenerator("Tianjin and Kobe became friendship cities on 24 June 1973.")
    result = scripted_zhen(gen).ask(EN_Q)
    n = passage_number(gen.calls[0][0]["content"], "1973")
    assert result.mode == "generated"
    assert result.answer == f"Tianjin and Kobe became friendship cities on 24 June 1973 [{n}]."
    assert [c.n for c in result.citations] == [n]


def test_a_wrong_citation_number_is_corrected_to_the_supporting_passage(scripted_zhen):
    def wrong(prompt: str) -> str:
        right = passage_number(prompt, "1973")
        other = next(k for k in (1, 2, 3) if k != right)
        return f"Tianjin and Kobe became friendship cities on 24 June 1973 [{other}]."

    gen = ScriptedGenerator(wrong)
    result = scripted_zhen(gen).ask(EN_Q)
    n = passage_number(gen.calls[0][0]["content"], "1973")
    assert result.mode == "generated" and [c.n for c in result.citations] == [n]


def test_a_reply_without_citations_that_no_passage_supports_falls_back(scripted_zhen):
    extractive = scripted_zhen(None).ask(EN_Q)
    result = scripted_zhen(ScriptedGenerator("Both ports signed it over dinner.")).ask(EN_Q)
    assert result.mode == "fallback" and result.note
    assert result.answer == extractive.answer
    assert [c.passage_id for c in result.citations] == [c.passage_id for c in extractive.citations]


def test_a_reply_citing_only_missing_passages_is_cited_to_a_passage_shown(scripted_zhen):
    gen = ScriptedGenerator("Tianjin and Kobe became friendship cities on 24 June 1973 [9].")
    result = scripted_zhen(gen).ask(EN_Q)
    assert "[9]" not in result.answer and all(1 <= c.n <= 3 for c in result.citations)


def test_an_unsupported_claim_falls_back(scripted_zhen):
    gen = ScriptedGenerator(cite("Shanghai and Osaka signed a trade treaty in 1995 [{n}].", "1973"))
    assert scripted_zhen(gen).ask(EN_Q).mode == "fallback"


def test_an_invented_number_falls_back_even_with_shared_words(scripted_zhen):
    gen = ScriptedGenerator(
        cite("Tianjin and Kobe became friendship cities in 1978 [{n}].", "1973")
    )
    assert scripted_zhen(gen).ask(EN_Q).mode == "fallback"


def test_empty_output_falls_back(scripted_zhen):
    assert scripted_zhen(ScriptedGenerator("")).ask(EN_Q).mode == "fallback"


def test_a_reply_in_the_wrong_language_falls_back(scripted_zhen):
    gen = ScriptedGenerator(
        cite("Tianjin and Kobe became friendship cities in 1973 [{n}].", "1973")
    )
    result = scripted_zhen(gen).ask(ZH_Q)
    assert result.mode == "fallback"
    assert re.search(r"[\u4e00-\u9fff]", result.answer)


def test_does_not_say_from_the_model_gives_the_confident_quote(scripted_zhen):
    extractive = scripted_zhen(None).ask(EN_Q)
    result = scripted_zhen(ScriptedGenerator("The article does not say.")).ask(EN_Q)
    assert result.mode == "fallback" and result.grounded
    assert result.answer == extractive.answer and "found no answer" in result.note


@pytest.mark.parametrize("error", [GeneratorTimeout("too slow"), GeneratorError("unreachable")])
def test_a_failing_or_slow_model_gives_the_extractive_fallback(scripted_zhen, error):
    result = scripted_zhen(ScriptedGenerator("x", fail=error)).ask(EN_Q)
    assert result.mode == "fallback" and result.grounded
    assert "did not answer in time" in result.note


def test_streaming_yields_model_tokens_then_the_checked_answer(scripted_zhen):
    gen = ScriptedGenerator(
        cite("Tianjin and Kobe became friendship cities on 24 June 1973 [{n}].", "1973")
    )
    items = list(scripted_zhen(gen).stream(EN_Q))
    pieces, final = items[:-1], items[-1]
    assert len(pieces) > 3 and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Answer) and final.mode == "generated"
    assert "".join(pieces).strip() == final.answer


def test_a_stream_cut_by_a_timeout_ends_with_the_fallback_answer(scripted_zhen):
    gen = ScriptedGenerator(
        cite("Tianjin and Kobe became friendship cities [{n}].", "1973"),
        fail=GeneratorTimeout("too slow"),
        fail_after=2,
    )
    items = list(scripted_zhen(gen).stream(EN_Q))
    assert len(items) == 3
    final = items[-1]
    assert isinstance(final, Answer) and final.mode == "fallback"
    assert final.answer == scripted_zhen(None).ask(EN_Q).answer


def test_json_reports_the_mode_and_the_note(scripted_zhen):
    data = scripted_zhen(ScriptedGenerator("")).ask(EN_Q).to_dict()
    assert data["mode"] == "fallback" and data["note"]
    assert scripted_zhen(None).ask(EN_Q).to_dict()["mode"] == "extractive"


def test_title_questions_are_answered_from_the_outline_without_the_model(scripted_zhen):
    model = ScriptedGenerator("Something else entirely [1].")
    result = scripted_zhen(model).ask("What is the title of this article?")
    assert model.calls == [] and result.mode == "extractive"
    assert "New Development" in result.answer
