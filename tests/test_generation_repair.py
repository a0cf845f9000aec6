"""Generated answers compared with the extractive one: left-out parts repaired (appended or
quoted instead), the model's "does not say" overruled by a confident quote, passages marked."""

import re

import pytest

from bot.answering.analysis import sentence_entities
from bot.generation.answer import generate_answer
from bot.generation.complete import (
    answers_any,
    asked_count,
    chosen,
    clause_for,
    echoes,
    missing_parts,
    off_subject,
    typed,
)
from bot.generation.coverage import uncovered
from bot.generation.figures import (
    clause_with,
    clauses_with,
    counted_clauses,
    figures,
    rivalled,
)
from bot.generation.quotes import Quote
from tests.conftest import ScriptedGenerator, cite, passage_number

EN_Q = "When did Tianjin and Kobe become friendship cities?"
WHEN_WHERE = "When and where did the second China-Japan governors' forum take place?"
ZH_WHEN_WHERE = "首届中日省长知事论坛是什么时候在哪里举办的？"
FORUM = Quote(
    "In October 2014, the Second Sino-Japanese Governor Forum was held in Beijing.", "c66"
)
PEOPLE = Quote("And seven provincial leaders and six governors took part.", "c66")


def test_a_part_the_quote_supplies_and_the_reply_lacks_is_missing():
    assert missing_parts(WHEN_WHERE, [FORUM], "It took place in October 2014.") == ["place"]
    assert missing_parts(WHEN_WHERE, [FORUM], "It was held in Beijing in October 2014.") == []
    # the year alone, where the quote gives the month, is less than the quote
    assert missing_parts(WHEN_WHERE, [FORUM], "It was held in Beijing in 2014.") == ["date"]
    # the quote does not say where: nothing to hold against the reply
    assert missing_parts(WHEN_WHERE, [PEOPLE], "It took place in 2014.") == []


def test_a_number_asked_for_twice_needs_two_values():
    question = "How many leaders and how many governors took part?"
    assert missing_parts(question, [PEOPLE], "Seven leaders took part.") == ["number"]
    assert missing_parts(question, [PEOPLE], "Seven leaders and six governors.") == []


def test_the_missing_clause_is_the_shortest_that_supplies_the_part():
    clause = clause_for("place", WHEN_WHERE, [FORUM], "It took place in October 2014.")
    assert clause is not None
    assert clause.text == "the Second Sino-Japanese Governor Forum was held in Beijing."
    assert clause_for("place", WHEN_WHERE, [PEOPLE], "It took place in 2014.") is None


def test_the_chosen_sentences_cover_every_part_of_the_question():
    other = Quote("The forum is held every two years.", "c66")
    assert chosen(WHEN_WHERE, [other, FORUM, PEOPLE]) == [FORUM]


def test_a_reason_is_held_to_every_sentence_of_the_passage_that_explains_it():
    principle = Quote("Heat resets the energy the crystals absorbed.", "c3")
    method = Quote("Measuring the light a heated sample gives off dates its last firing.", "c3")
    elsewhere = Quote("The lab was founded in 1987.", "c9")
    question = "How does luminescence dating find the last firing of a kiln?"
    assert chosen(question, [principle, method, elsewhere]) == [principle, method]
    assert uncovered(question, [principle, method], "It measures light from a heated sample.") == [
        principle
    ]


def test_an_answer_about_another_year_than_the_question_names_is_off_subject():
    question = "Where was the forum held in 2014?"
    assert off_subject(question, [FORUM.text], ["In April 2012 the forum met in Tokyo."])
    assert not off_subject(question, [FORUM.text], [FORUM.text])
    assert not off_subject("When was it held?", [FORUM.text], ["anything"])  # none stated


def test_the_chosen_sentence_is_marked_in_its_numbered_passage(scripted_zhen):
    gen = ScriptedGenerator("The article does not say.")
    scripted_zhen(gen).ask(WHEN_WHERE)
    prompt = gen.calls[0][0]["content"]
    passages = prompt.split("Passages:\n", 1)[1]
    assert "**In October 2014, the Second Sino-Japanese Governor Forum was held in Beijing.**" in (
        passages
    )
    assert len(re.findall(r"^\[\d+\] ", passages, re.M)) == 3  # the top three only


def test_a_missing_part_is_appended_as_a_quoted_clause_with_its_citation(scripted_zhen):
    gen = ScriptedGenerator(cite("The forum took place in October 2014 [{n}].", "October 2014"))
    result = scripted_zhen(gen).ask(WHEN_WHERE)
    n = passage_number(gen.calls[0][0]["content"], "October 2014")
    assert result.mode == "generated" and result.grounded
    assert result.answer == (
        f"The forum took place in October 2014 [{n}]. The article also says: "
        f"“the Second Sino-Japanese Governor Forum was held in Beijing” [{n}]."
    )
    assert [c.n for c in result.citations] == [n]
    assert result.note == (
        "The generated answer left out where; the article's words for it were added."
    )


def test_a_missing_part_is_appended_in_the_askers_language_and_script(scripted_zhen):
    gen = ScriptedGenerator(cite("首届论坛于2012年4月举办[{n}]。", "东京举办"))
    result = scripted_zhen(gen).ask(ZH_WHEN_WHERE)
    assert result.mode == "generated"
    added = result.answer.split("文章还提到：“", 1)[1]
    assert "东京" in added and "東京" not in added  # the quote's place, in simplified script
    assert result.note == "生成的回答遗漏了地点，已补上文章的原文。"


def test_a_reply_leaving_out_the_runner_up_passage_the_quote_gives_gets_it_appended(
    scripted_zhen,
):
    # "which two bodies": the quote gives the evidence's forum and the runner-up's organisers
    zhen = scripted_zhen(
        ScriptedGenerator(cite("首屆論壇於2012年4月在東京召開[{n}]。", "東京召開"))
    )
    d = zhen._draft("首屆中日省長知事論壇由哪兩個機構主辦？", None, None, None)
    start = d.extractive.features["second_passage"]
    runner = [c for c in d.extractive.citations if c.n >= start]
    result = generate_answer(d, zhen.generator, max_tokens=64, timeout=5)
    assert result.mode == "generated"
    added = result.answer.split("文章還提到：“", 1)[1].split("”", 1)[0]
    assert any(added in c.text for c in runner)  # a sentence of the runner-up passage
    assert {c.passage_id for c in runner} & {c.passage_id for c in result.citations}


def test_the_fallback_repair_quotes_the_article_and_names_the_missing_part(scripted_zhen):
    zhen = scripted_zhen(ScriptedGenerator(cite("It was in October 2014 [{n}].", "October 2014")))
    d = zhen._draft(WHEN_WHERE, None, None, None)
    result = generate_answer(d, zhen.generator, max_tokens=64, timeout=5, repair="fallback")
    assert result.mode == "fallback" and result.answer == d.extractive.answer
    assert result.note == "The generated answer left out where, so the article is quoted instead."


def test_a_complete_reply_is_left_alone(scripted_zhen):
    gen = ScriptedGenerator(cite("It was held in Beijing in October 2014 [{n}].", "October 2014"))
    result = scripted_zhen(gen).ask(WHEN_WHERE)
    assert result.mode == "generated" and result.note is None
    assert result.answer.startswith("It was held in Beijing in October 2014 [")


def test_the_model_declining_while_the_quote_is_confident_gives_the_quote(scripted_zhen):
    zhen = scripted_zhen(ScriptedGenerator("The article does not say."))
    d = zhen._draft(WHEN_WHERE, None, None, None)
    result = generate_answer(d, zhen.generator, max_tokens=64, timeout=5, threshold=0.1)
    assert result.mode == "fallback" and result.grounded
    assert result.answer == d.extractive.answer
    assert "found no answer" in result.note


def test_the_model_declining_stands_when_the_quote_is_not_confident(scripted_zhen):
    zhen = scripted_zhen(ScriptedGenerator("The article does not say."))
    d = zhen._draft(WHEN_WHERE, None, None, None)
    result = generate_answer(d, zhen.generator, max_tokens=64, timeout=5, threshold=0.99)
    assert result.mode == "generated" and not result.grounded
    assert result.answer == "The article does not say." and result.citations == []


def test_an_unknown_repair_is_refused(scripted_zhen):
    zhen = scripted_zhen(ScriptedGenerator("x"))
    d = zhen._draft(WHEN_WHERE, None, None, None)
    with pytest.raises(ValueError, match="unknown repair"):
        generate_answer(d, zhen.generator, max_tokens=8, timeout=5, repair="rewrite")


def test_a_reply_with_other_figures_than_the_quote_gives_a_different_answer():
    question = "How many provincial leaders took part?"
    assert figures(question, [PEOPLE], "Nine leaders took part.")[0] == "different"
    assert figures(question, [PEOPLE], "Leaders from both sides took part.")[0] == "missing"
    assert figures(question, [PEOPLE], "Seven leaders took part.")[0] is None
    # a keyword-only question asks for the figures too; a why-question does not
    assert figures("second forum participants", [PEOPLE], "Many came.")[0] == "missing"
    assert figures("Why did they take part?", [PEOPLE], "To meet.")[0] is None


def test_the_same_year_with_another_day_is_another_date():
    closing = Quote("展览原定于2024年9月30日闭幕，因观众反响热烈延期至10月31日。", "c9")
    question = "成果展 闭幕 延期 日期"
    assert figures(question, [closing], "2024年5月18日[2]。")[0] == "different"
    assert figures(question, [closing], "展览延期至2024年10月31日闭幕[1]。")[0] is None


def test_figures_the_question_states_are_not_the_answer():
    question = "What happened at the forum in October 2014?"
    found, wanted = figures(question, [FORUM], "The forum met in Beijing.")
    assert 2014 not in wanted and found is None  # nothing beyond the question's own year


def test_the_clause_holding_a_figure_is_the_shortest_that_states_it():
    clause = clause_with({7.0}, [PEOPLE, FORUM])
    assert clause is not None and clause.text == PEOPLE.text
    assert clause_with({99.0}, [PEOPLE, FORUM]) is None


def test_a_reply_that_only_restates_the_question_gives_the_quote(scripted_zhen):
    gen = ScriptedGenerator(cite("首届中日省长知事论坛在哪里举办[{n}]。", "东京举办"))
    zhen = scripted_zhen(gen)
    result = zhen.ask("首届中日省长知事论坛在哪里举办？")
    assert result.mode == "fallback" and "重复了问题" in result.note
    assert echoes("When was the forum held?", "The forum was held [1].")
    assert not echoes("When was the forum held?", "It was held in April 2012 in Tokyo [1].")


def test_a_restated_question_with_the_figure_it_asks_is_an_answer_held_to_the_quote(
    scripted_zhen,
):
    assert not echoes("中日韓友城交流大會一共辦了幾屆？", "中日韓友城交流大會一共辦了18屆[1]。")
    assert not echoes("How many pairs have they formed?", "They have formed 250 pairs [1].")
    assert echoes("2012年8月在北京開幕的是什麼比賽？", "2012年8月在北京開幕[1]。")
    assert echoes("一个雨量站要花多少钱？", "一个雨量站要花146个雨量站[1]。")  # a count, not a sum
    # a figure the quote does not give is still refused
    gen = ScriptedGenerator(cite("首届中日省长知事论坛有9位知事参加[{n}]。", "东京举办"))
    result = scripted_zhen(gen).ask("首届中日省长知事论坛有几位日方知事参加？")
    assert result.mode == "fallback" and "9位" not in result.answer


def test_a_date_drawn_only_from_a_passage_the_quote_does_not_come_from_gives_the_quote(
    scripted_zhen,
):
    # a passage about the first forum is shown too; a reply citing only it answers from
    # another event than the one the quote answers with
    question = "In which city did the junior high school students play table tennis?"
    gen = ScriptedGenerator(cite("It was held in Tokyo [{n}].", "In April 2012"))
    result = scripted_zhen(gen).ask(question)
    assert result.grounded and all("In April 2012" not in c.text for c in result.citations)
    assert result.mode == "fallback" and "Tokyo" not in result.answer
    assert (
        result.note
        == "The generated answer is not about what the question names, so the article is quoted instead."
    )
    assert typed(question) and not typed("Why do western regions have fewer exchanges?")


def test_a_question_without_an_answer_type_needs_every_figure_the_quote_gives():
    assert figures("second forum participants", [PEOPLE], "Seven leaders came.") == (
        "missing",
        {6.0},
    )
    # a number question is met by one of them
    assert figures("How many took part?", [PEOPLE], "Seven leaders came.")[0] is None


def test_clauses_are_added_until_every_missing_figure_is_quoted():
    two = Quote("In 2015 it covered 2,300 hectares; by 2023 it was down to 420 hectares.", "c9")
    found = clauses_with({2300.0, 420.0}, [two])
    assert [c.text for c in found] == [
        "In 2015 it covered 2,300 hectares;",
        "by 2023 it was down to 420 hectares.",
    ]
    assert clauses_with({99.0}, [two]) == [None]


FIRST_PAIR = Quote(
    "On 24th, June, 1973, the ensuing year of the normalization of diplomatic relation of "
    "Sino-Japanese, Tianjin, China and Kobe, Japan established friendship cities.",
    "c3",
)


def test_a_reply_naming_other_names_than_the_quote_leaves_the_part_out():
    question = "Which two cities formed the first China-Japan friendship city pair, and when?"
    wrong = "The Friendship Association and the Mayor Meeting formed it on 24 June 1973."
    assert missing_parts(question, [FIRST_PAIR], wrong) == ["place"]
    right = "Tianjin and Kobe formed it on 24 June 1973."
    assert missing_parts(question, [FIRST_PAIR], right) == []


def test_a_quoted_sentence_whose_words_the_reply_mostly_lacks_is_uncovered():
    fields = Quote(
        "They cooperate in trade, culture, education, sports, tourism, environmental "
        "protection, medical care and elderly care.",
        "c9",
    )
    question = "What fields do the friendship cities cooperate in?"
    assert uncovered(question, [fields], "They cooperate in trade and culture.") == [fields]
    complete = "Trade, culture, education, sports, tourism, environmental protection and care."
    assert uncovered(question, [fields], complete) == []
    # a quote in the other language than the asker's is not held against the reply's words
    other = Quote("他们在经贸、文化、教育等领域合作。", "c9", own_language=False)
    assert uncovered(question, [other], "They cooperate in trade.") == []


def test_a_sentence_no_passage_supports_is_left_out_and_the_rest_kept(scripted_zhen):
    gen = ScriptedGenerator(
        cite(
            "Tianjin and Kobe became friendship cities on 24 June 1973 [{n}]. "
            "Both mayors signed it over dinner in Osaka [{n}].",
            "1973",
        )
    )
    result = scripted_zhen(gen).ask(EN_Q)
    assert result.mode == "generated" and result.grounded
    assert "Kobe" in result.answer and "dinner" not in result.answer
    assert result.note.startswith("A generated sentence the article does not support was left out.")


def test_a_reply_naming_other_cities_gets_the_quoted_names_appended(scripted_zhen):
    gen = ScriptedGenerator(
        cite("The first friendship cities were established on 24th, June, 1973 [{n}].", "1973")
    )
    result = scripted_zhen(gen).ask(
        "Which two cities formed the very first China-Japan friendship city pair, and when?"
    )
    assert result.mode == "generated"
    assert "The article also says:" in result.answer and "Kobe" in result.answer
    assert "left out where" in result.note


def test_a_reply_giving_none_of_the_asked_parts_falls_back_instead_of_being_appended_to(
    scripted_zhen,
):
    # neither when nor where: appending the quote would leave the reply's own claim standing
    gen = ScriptedGenerator(
        cite("The forum was held with Japanese governors participating [{n}].", "October 2014")
    )
    result = scripted_zhen(gen).ask(WHEN_WHERE)
    assert result.mode == "fallback" and result.grounded
    assert "participating" not in result.answer and "Beijing" in result.answer
    assert result.note == (
        "The generated answer left out when and where, so the article is quoted instead."
    )


def test_a_reply_giving_one_part_of_two_gets_the_other_appended():
    assert answers_any(WHEN_WHERE, [FORUM], "It took place in October 2014.")
    assert not answers_any(WHEN_WHERE, [FORUM], "It took place under a mechanism.")
    # a what/why/how question may be answered in the reply's own words
    assert answers_any("What does the forum discuss?", [FORUM], "Cooperation.")


def test_a_question_asking_for_two_names_needs_two_of_the_quotes_names():
    question = "中国与外国之间的第一对友好城市是哪两座城市？"
    quote = Quote("1973年6月24日,中国天津市与日本神户市缔结为友好城市。", "c3")
    assert asked_count(question) == 2 and asked_count("Which city paired first?") == 1
    assert missing_parts(question, [quote], "第一对友好城市是日本神户市。") == ["place"]
    clause = clause_for("place", question, [quote], "第一对友好城市是日本神户市。")
    assert clause is not None and "天津市" in clause.text


def test_a_head_count_answered_with_a_date_gets_every_counting_clause():
    question = "第二届省长知事论坛 参加人数"
    quote = Quote("2014年10月,第二届论坛在北京举办,中方7位省级领导,日方6位知事、副知事参加。", "c6")
    reply = "2014年10月,第二届论坛在北京举办。"
    assert missing_parts(question, [quote], reply) == ["number"]
    assert [c.text for c in counted_clauses(question, [quote], reply)] == [
        "中方7位省级领导,",
        "日方6位知事、副知事参加。",
    ]


def test_a_quoted_slogan_is_no_organisation_to_append_for_a_who_question():
    quotes = [
        Quote("中日友城交流雖然成果顯著,但也存在著一定的問題。", "p1"),
        Quote("根據調查結果顯示,中日友城交流“東強西弱”的局面沒有得到根本改變。", "p1"),
    ]
    question = "2013年那次針對中日友城的問卷調查是哪個機構做的？"
    # no organisation the reply lacks: no clause answers the part, so the answer falls back
    assert clause_for("person", question, quotes, "中日友城交流") is None
    assert sentence_entities(quotes[1].text, quoted=False).isdisjoint({"东强西", "东强西弱"})


def test_a_reply_dating_a_month_to_another_year_than_the_quote_gives_other_figures():
    quote = Quote("The deal was signed in March 2018 and the service began in 2019.", "c1")
    question = "When was the deal signed?"
    assert figures(question, [quote], "It was signed in March 2019.")[0] == "different"
    assert figures(question, [quote], "It was signed in March 2018.")[0] is None
    chinese = Quote("协议于2018年3月签署，服务于2019年启动。", "c1")
    assert figures("协议是什么时候签署的？", [chinese], "协议于2019年3月签署。")[0] == "different"


def test_a_sentence_restating_the_question_is_left_out_and_the_answer_kept(scripted_zhen):
    gen = ScriptedGenerator(
        cite(
            "When did Tianjin and Kobe become friendship cities [{n}]? "
            "They became friendship cities on 24 June 1973 [{n}].",
            "1973",
        )
    )
    result = scripted_zhen(gen).ask(EN_Q)
    assert result.mode == "generated" and "1973" in result.answer
    assert "When did" not in result.answer


def test_two_dates_asked_need_two_dates_not_two_numbers():
    stops = Quote("The fifth venue opens on 18 April 2025 and runs until 31 August.", "c9")
    question = "第五站幾號開幕？展到什麼時候？"
    assert missing_parts(question, [stops], "展到8月31日[1]。") == ["date"]  # one day: 8, 31
    assert missing_parts(question, [stops], "2025年4月18日开幕，展到8月31日[1]。") == []


OPENED = Quote("In October 2018 a repair workshop opened at the Conservatory.", "c7")
BEFORE = Quote(
    "Until then, violins were sent to Shanghai and gone for nine weeks on average.", "c7"
)
NOW = Quote("By 2024 an average repair took twelve days.", "c8")
THEN_AND_NOW = (
    "Before the workshop opened, how long were violins away for repair, and how long now?"
)


def test_a_figure_asked_twice_chooses_a_sentence_for_each_value():
    budget = Quote("The budget was €600,000.", "c9")
    # the best sentence dates the opening; its year counts no time, so two more give the values
    assert chosen(THEN_AND_NOW, [OPENED, BEFORE, NOW, budget]) == [OPENED, BEFORE, NOW]


def test_a_year_is_not_one_of_two_counts_asked():
    reply = "In October 2018 a workshop opened; before, violins were gone for nine weeks."
    assert missing_parts(THEN_AND_NOW, [OPENED, BEFORE, NOW], reply) == ["number"]
    assert missing_parts(THEN_AND_NOW, [BEFORE, NOW], "Nine weeks then, twelve days now.") == []


def test_a_reply_giving_one_of_two_figures_of_a_kind_in_a_sentence_carries_the_sentence():
    survey = Quote("约52%的中方友城认为对日交流更加活跃,30%认为基本相当。", "c20")
    question = "有多少中方友城觉得对日交流跟其他国家差不多？"
    assert rivalled(question, [survey], "有52%的中方友城这样认为[1]。") == [survey]
    # a figure of another kind in the sentence is no rival: the reply's is the only share
    founded = Quote("2013年的问卷显示,约52%的中方友城认为更加活跃。", "c20")
    assert rivalled(question, [founded], "有52%的中方友城这样认为[1]。") == []
    renewed = Quote("2021年6月，协议续签五年，有效期至2025年12月。", "c4")
    assert rivalled("合作协议 续签 时间", [renewed], "有效期至2025年12月[1]。") == [renewed]
    assert rivalled("合作协议哪一年续签？", [renewed], "2021年[1]。") == []


def test_a_rival_figure_the_reply_leaves_out_is_appended_with_the_sentence(scripted_zhen):
    question = "CPAFFC 2013年那份问卷里，有多少中方友城觉得对日交流跟其他国家差不多？"
    reply = "CPAFFC 2013年那份问卷里，有52%的中方友城觉得对日交流跟其他国家差不多[{n}]。"
    result = scripted_zhen(ScriptedGenerator(cite(reply, "52%"))).ask(question)
    assert result.mode == "generated"
    assert result.answer.startswith("CPAFFC 2013年那份问卷里，有52%")
    assert "30%认为基本相当" in result.answer and "已补上文章的原文" in result.note
