"""What a generated answer is held to: every quote of the evidence and the neighbours the quote
goes on into, shown to the model even when retrieval missed them, compared across languages
through the dictionary bridge, and added back whole when the reply mostly leaves it out."""

from dataclasses import replace

from bot.generation.answer import generate_answer
from bot.generation.complete import (
    chosen,
    missing_parts,
    off_subject,
)
from bot.generation.coverage import covers, rendered_share, uncovered, widened
from bot.generation.grounding import build_passages, sentences
from bot.generation.quotes import Quote
from index.bridge import Bridge
from index.lexical import tokenize
from tests.conftest import ScriptedGenerator
from tests.test_eval_metrics import hit

MEANING = "What does 'strong in the east, weak in the west' mean?"
SUMMARY = Quote("The east-strong, west-weak pattern has not changed.", "c26")
CAUSE = Quote("The western region has little exchange because transport is poor.", "c27")
LATER = Quote("A later forum was held in 2014.", "c40")

WHY = "Why did the two museums make the exhibition travel?"
AUDIENCE = Quote("一是希望茶叶贸易起点和终点两地的观众都能亲眼看到这批文物；", "z1", False)
COSTS = Quote("二是巡回展可以由多个场馆分摊高昂的保险和运输费用。", "z1", False)


def test_an_open_question_is_held_to_every_quote_of_the_evidence_and_its_continuation():
    quotes = [SUMMARY, CAUSE, LATER]
    assert chosen(MEANING, quotes, group={"c26", "c27"}) == [SUMMARY, CAUSE]
    assert uncovered(MEANING, [SUMMARY, CAUSE], "The pattern has not changed.") == [CAUSE]


def test_without_the_continuation_an_open_question_keeps_to_the_best_sentences_passage():
    assert chosen(MEANING, [SUMMARY, CAUSE, LATER]) == [SUMMARY]


def test_every_chosen_passage_is_shown_in_place_of_the_lowest_ranked_others():
    hits = [hit(f"c{i}", f"Passage {i}.") for i in range(1, 7)]
    passages = build_passages(hits, "en", chosen={"c5": ["Passage 5."], "c6": ["Passage 6."]})
    assert [p.hit.chunk.id for p in passages] == ["c1", "c5", "c6"]
    assert passages[1].shown == "**Passage 5.**"
    unchosen = build_passages(hits, "en", chosen={"c2": ["Passage 2."]})
    assert [p.hit.chunk.id for p in unchosen] == ["c1", "c2", "c3"]


def test_a_quote_in_the_other_language_is_covered_through_the_dictionary():
    bridge = Bridge()
    reply = (
        "So that audiences at the starting point and the destination of the tea trade "
        "could see the objects."
    )
    assert covers(WHY, AUDIENCE, reply, bridge)
    assert not covers(WHY, COSTS, reply, bridge)  # insurance and transport costs: not said
    assert covers(WHY, COSTS, reply)  # without a bridge it cannot be judged
    assert uncovered(WHY, [AUDIENCE, COSTS], reply, bridge) == [COSTS]


def test_the_rendered_share_counts_a_word_and_the_pieces_jieba_cut_it_into_once():
    words = list(dict.fromkeys(t for t in tokenize("亲眼看到文物") if not t.startswith("#")))
    assert "亲眼看到" in words and "看到" in words
    assert rendered_share(Bridge(), words, "", "They see it.") == 0.5  # 亲眼看到, not 文物


def test_a_clause_of_a_sentence_the_reply_leaves_out_is_widened_to_the_sentence():
    found = Quote("When a chest was cleaned in 2022, old tea was found in it", "c9")
    sentence = Quote(
        "When a chest was cleaned in 2022, old tea was found in it; a laboratory identified "
        "it as Lapsang souchong.",
        "c9",
    )
    other = Quote("Eleven chests are on display.", "c9")
    assert widened([("figures", found)], [sentence, other]) == [
        ("figures", sentence),
        ("details", other),
    ]
    assert widened([("figures", found)], []) == [("figures", found)]  # the reply has the rest
    assert widened([("place", None)], [other]) == [("place", None), ("details", other)]


def test_a_quoted_passage_retrieval_did_not_return_is_shown_to_the_model(scripted_zhen):
    gen = ScriptedGenerator("The article does not say.")
    zhen = scripted_zhen(gen)
    d = zhen._draft("When and where was the second governors' forum held?", None, None, None)
    quoted = d.extractive.citations[0]
    hits = [h for h in d.retrieval.hits if quoted.passage_id not in (h.chunk.id, h.matched_id)]
    assert len(hits) < len(d.retrieval.hits)
    d = replace(d, retrieval=replace(d.retrieval, hits=hits))
    generate_answer(d, gen, max_tokens=64, timeout=5)
    prompt = gen.calls[0][0]["content"]
    shown = quoted.text if quoted.lang == "en" else quoted.translation
    assert shown and shown[:40] in prompt


def test_a_list_asked_for_holds_the_reply_to_every_item_the_quote_gives():
    question = "列出2019年巡演的所有站点和日期。"
    stops = [Quote("- 莱比锡，2019年3月14日", "c1"), Quote("- 德累斯顿，2019年3月16日", "c2")]
    assert chosen(question, stops, group={"c1", "c2"}) == stops
    assert uncovered(question, stops, "巡演第一站是莱比锡，2019年3月14日。") == [stops[1]]


def test_a_list_items_marker_is_no_word_of_what_it_says():
    item = Quote("第一，录音由两校共同拥有；", "c1")
    # "第一次" and "两校" appear, but not what the first rule says
    asked = "录音纠纷的和解协议规定了哪几条？"
    assert not covers(asked, item, "第一次排练前签好授权书，其余由两校平分。")
    assert covers(asked, item, "录音由两校共同拥有。")


def test_a_year_alone_is_less_than_the_quotes_month():
    signed = Quote("双方于2019年10月签署数据协议。", "c1")
    assert missing_parts("数据协议是哪一年几月签的？", [signed], "是2019年[1]。") == ["date"]
    assert missing_parts("数据协议是哪一年几月签的？", [signed], "2019年10月[1]。") == []
    assert (
        missing_parts("数据协议是哪一年签的？", [signed], "是2019年[1]。") == []
    )  # the year asked
    assert missing_parts("In which year was it signed?", [signed], "In 2019 [1].") == []
    wished = Quote("2019年，研究所的研究人员希望公开原始数据。", "c0")
    assert chosen("data protocol 是哪一年几月签的？", [wished, signed]) == [wished, signed]


def test_a_decimal_point_does_not_end_a_sentence():
    said = sentences("It is home to about 2.1 million people [1]. It rains.")
    assert said == ["It is home to about 2.1 million people [1].", "It rains."]


def test_an_item_of_a_list_asked_for_is_covered_only_when_the_reply_names_it():
    question = "List all the stops of the 2019 tour."
    stops = [Quote("- Dresden, 16 March 2019", "c2"), Quote("- Vienna, 26 March 2019", "c3")]
    assert uncovered(question, stops, "Dresden on 16 March and Vienna on 26 March 2019.") == []
    dates_only = "The tour stopped on 16 March 2019 and on 26 March 2019."
    assert uncovered(question, stops, dates_only) == stops


def test_a_keyword_question_holds_the_reply_to_the_sentence_that_answers_best():
    question = "新协议 目标 预警提前时间"
    answer = Quote("新协议期限为2025年至2030年，目标是把平均预警提前时间提高到36小时。", "c5")
    other = Quote("研究所已承诺为新阶段投入150万欧元。", "c5")
    # "时间" reads as a date, but the lead time is in hours: the years alone do not answer
    assert uncovered(question, [answer, other], "2025年至2030年[1]。") == [answer]
    assert uncovered(question, [answer, other], "目标是把平均预警提前时间提高到36小时[1]。") == []


def test_a_question_in_words_is_not_held_to_the_whole_sentence():
    answer = Quote("Building the network cost 21.6 million yuan in 2019.", "c5")
    # a question word, or a question mark after a misspelt one, names what is asked
    for question in ("How much did the network cost?", "Wat did the network cost?"):
        assert uncovered(question, [answer], "It cost 21.6 million yuan [1].") == []


def test_a_percentage_does_not_answer_a_count_but_does_answer_a_share():
    count = Quote(
        "The highest single count, 46 individuals, was made in October 2022 and represents "
        "roughly nine per cent of the global population.",
        "c1",
    )
    share_only = "The highest count was made in October 2022, roughly nine per cent."
    assert missing_parts("What is the highest count at the reserve?", [count], share_only) == [
        "number"
    ]
    assert missing_parts("What is the highest count at the reserve?", [count], "46, in 2022.") == []
    asked_share = "What percentage of the global population was counted?"
    assert missing_parts(asked_share, [count], share_only) == []
    women = Quote("三个村共有六十三户家庭参与，其中约四成的养殖户是女性。", "c2")
    assert missing_parts("有多少户家庭参与？", [women], "约四成是女性。") == ["number"]


def test_a_passage_going_on_from_the_evidence_keeps_its_date_but_not_its_names():
    question = "二零一六年第一次出國巡演，每個學生家裡要付多少錢？"
    quoted = ["第一次巡演於2016年7月啓程。", "第一次巡演時，每名學生的家庭承擔了6800元人民幣。"]
    cost = ["第一次巡演時，每名學生的家庭承擔了6800元人民幣；從2017年起，巡演全部免費。"]
    assert off_subject(question, quoted, cost)
    assert not off_subject(question, quoted, cost, dated=True)
    stay = "亨德里克斯在南宁住了几年？"
    experts = ["6名荷兰专家在南宁工作的时间累计达41个月。"]
    assert off_subject(stay, ["亨德里克斯2018年至2020年住在南宁。"], experts, dated=True)


def test_a_name_the_cited_passage_renders_in_the_other_language_is_met():
    question = "Reading Bridge 最早在几个乡镇分馆开展？"
    quoted = ["The Reading Bridge programme started in six township branches in October 2016."]
    cited = ["在六个乡镇分馆开展「阅读桥」双语故事会。"]
    assert off_subject(question, quoted, cited)
    assert not off_subject(question, quoted, cited, bridge=Bridge())
    # a name only partly rendered is not met: 海雀号 renders "Sea Lark", not the trust
    trust = "Who founded the Sea Lark Trust?"
    founded = ["The Sea Lark Trust was founded by Anna Lin."]
    assert off_subject(trust, founded, ["海雀号船模在泉州站展出。"], bridge=Bridge())
    # nor is a name whose words occur apart, none of them rendered
    opened = "When did Reading Bridge open?"
    apart = ["Reading is fun; the bridge is old."]
    assert off_subject(opened, ["Reading Bridge opened in 2012."], apart, bridge=Bridge())
    # an abbreviation the article defines renders its full name only where the text has it
    museum = Bridge(aliases=[(("mtpm",), frozenset({"minjiang", "tea", "port", "museum"}))])
    mtpm = "When did MTPM open its new hall?"
    quoted_hall = ["MTPM opened its new hall in 2012."]
    assert off_subject(mtpm, quoted_hall, ["The library opened in 2012."], bridge=museum)
