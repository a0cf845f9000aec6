"""Follow-up questions rewritten from the conversation before retrieval."""

from bot.answering.conversation import condense, is_follow_up, recent
from bot.generation.base import GeneratorTimeout
from bot.generation.rewrite import rewrite
from tests.conftest import ScriptedGenerator

EN_TURNS = [
    {"role": "user", "content": "When did Tianjin and Kobe become friendship cities?"},
    {"role": "assistant", "content": "On 24 June 1973 [1]."},
]
ZH_TURNS = [
    {"role": "user", "content": "全国友协什么时候接待了第一个日本全国市长会代表团？"},
    {"role": "assistant", "content": "1974年 [1]"},
]


def test_short_questions_with_ellipsis_or_pronouns_are_follow_ups():
    for q in [
        "and Osaka?",
        "What about Kobe?",
        "When was it founded?",
        "那大阪呢？",
        "它们什么时候成立的？",
    ]:
        assert is_follow_up(q), q
    for q in [
        "What is MIJBC?",
        "天津和神户什么时候结为友好城市？",
        "How many friendship city pairs exist?",
    ]:
        assert not is_follow_up(q), q


def test_an_english_follow_up_gets_the_previous_questions_key_terms():
    standalone = condense("and Osaka?", EN_TURNS)
    assert standalone.startswith("and Osaka?")
    assert "Tianjin" in standalone and "friendship" in standalone
    assert "When" not in standalone  # stop words are not key terms


def test_a_chinese_follow_up_gets_the_previous_questions_key_terms():
    standalone = condense("那第二个呢？", ZH_TURNS)
    assert standalone.startswith("那第二个呢？")
    assert "代表团" in standalone and "市长" in standalone


def test_a_standalone_question_or_no_history_is_left_alone():
    assert condense("What is MIJBC?", EN_TURNS) == "What is MIJBC?"
    assert condense("and Osaka?", []) == "and Osaka?"
    assert condense("and Osaka?", None) == "and Osaka?"


def test_chains_of_follow_ups_reach_back_to_the_first_standalone_question():
    turns = [
        *EN_TURNS,
        {"role": "user", "content": "and Osaka?"},
        {"role": "assistant", "content": "…"},
    ]
    standalone = condense("what about it?", turns)
    assert "Osaka" in standalone and "Tianjin" in standalone


def test_history_is_limited_to_the_last_turns_and_bad_messages_are_ignored():
    turns = [*EN_TURNS, {"role": "system", "content": "x"}, {"role": "user"}, "junk"]
    turns += [{"role": "user", "content": "What is MIJBC?"}, {"role": "assistant", "content": "A"}]
    assert recent(turns, 1) == turns[-2:]
    assert recent(turns, 0) == []
    assert "Tianjin" not in condense("and Osaka?", turns, max_turns=1)
    assert "MIJBC" in condense("and Osaka?", turns, max_turns=1)


def test_a_model_rewrite_is_used_when_sensible():
    gen = ScriptedGenerator("When did Osaka become a friendship city?")
    out = rewrite("and Osaka?", EN_TURNS, gen, max_turns=5, timeout=1)
    assert out == "When did Osaka become a friendship city?"
    assert "Tianjin" in gen.calls[0][0]["content"]  # the conversation is in the prompt


def test_a_failing_or_off_language_rewrite_falls_back_to_the_rule():
    ruled = condense("and Osaka?", EN_TURNS)
    slow = ScriptedGenerator("x", fail=GeneratorTimeout("slow"))
    assert rewrite("and Osaka?", EN_TURNS, slow, max_turns=5, timeout=1) == ruled
    chinese = ScriptedGenerator("大阪什么时候结为友好城市？")
    assert rewrite("and Osaka?", EN_TURNS, chinese, max_turns=5, timeout=1) == ruled


def test_no_model_call_for_a_standalone_question():
    gen = ScriptedGenerator("anything")
    assert rewrite("What is MIJBC?", EN_TURNS, gen, max_turns=5, timeout=1) == "What is MIJBC?"
    assert gen.calls == []


def test_ask_with_history_retrieves_for_the_follow_up_and_answers_in_its_language(fake_zhen):
    alone = fake_zhen.ask("那后来呢？")
    followed = fake_zhen.ask("那后来呢？", history=ZH_TURNS)
    assert followed.language == "zh-Hans" and followed.question == "那后来呢？"
    assert followed.grounded and not alone.grounded
    assert any("市長" in c.text or "市长" in c.text for c in followed.citations)


def test_with_a_model_the_rewritten_question_is_searched_and_answered(scripted_zhen):
    standalone = "全国友协什么时候接待了第一个日本全国市长会代表团？"

    def reply(prompt: str) -> str:
        return standalone if "独立问题" in prompt else "文章没有提到这一点。"

    gen = ScriptedGenerator(reply)
    result = scripted_zhen(gen).ask("那第二个呢？", history=ZH_TURNS)
    assert len(gen.calls) == 2  # the rewrite, then the answer
    assert f"问题：{standalone}" in gen.calls[1][0]["content"]
    assert result.question == "那第二个呢？" and result.language == "zh-Hans"
    # the model declines, but the quote for the rewritten question is confident and stands
    assert result.grounded and "1974" in result.answer
