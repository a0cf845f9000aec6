"""The fitted answer/refuse decision: loading, consistency with its features, and its vetoes."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest

from bot.answering.analysis import analyse
from bot.answering.cache import AnswerCache
from bot.answering.decision import DecisionError, Linear, load_decision, logistic
from bot.answering.draft import retrieve
from bot.answering.extent import asks_for_list, continues, open_ended
from bot.answering.features import FEATURES, Featurizer
from bot.answering.select import pick, runner_up
from bot.engine import Zhen
from bot.resources import decision_parameters
from bot.settings import Settings
from index.lang import passage_lang
from index.model import Chunk
from tests.conftest import ROOT, zhen_on_article


def test_the_shipped_decision_fits_this_versions_features():
    decision = load_decision()
    assert decision.ranker.names == FEATURES and 0 < decision.threshold < 1
    data = json.loads(decision_parameters().read_text("utf-8"))
    assert data["fitted_on"] and all("heldout" not in name for name in data["fitted_on"])


def test_the_topic_gate_refuses_a_question_that_comes_near_nothing_the_article_says():
    fitted = load_decision()
    embedder, size = fitted.topic_embedder, fitted.topic_sentences
    assert embedder and size > 0 and fitted.on_topic((0.9, 0.5, 0.0), embedder, size)
    assert not fitted.on_topic((0.75, 0.2, 0.8), embedder, size)
    # nearer (raw or centred), or with fewer terms the article lacks: never less on the subject
    assert fitted.on_topic((0.95, 0.3, 0.8), embedder, size) or not fitted.on_topic(
        (0.9, 0.3, 0.8), embedder, size
    )
    assert fitted.on_topic((0.85, 0.4, 0.5), embedder, size) or not fitted.on_topic(
        (0.85, 0.3, 0.5), embedder, size
    )
    assert fitted.on_topic((0.75, 0.3, 0.2), embedder, size) or not fitted.on_topic(
        (0.75, 0.3, 0.8), embedder, size
    )
    # another embedder's similarities are on another scale, and in a text shorter than the
    # fit script's simulation allows (the development articles cut to a share of their
    # passages) fewer of the question's terms occur: it judges neither
    assert fitted.on_topic((0.1, 0.0, 1.0), "another:embedder", size)
    shortest = min((n for n, _ in fitted.topic_shorter), default=size)
    assert fitted.on_topic((0.1, 0.0, 1.0), embedder, shortest - 1)


def test_a_shorter_text_is_judged_at_a_lower_floor():
    fitted = load_decision()
    assert fitted.topic_shorter, "the fit found no lower floor for shorter texts"
    floors = [fitted.topic_floor] + [f for _, f in fitted.topic_shorter]
    assert floors == sorted(floors, reverse=True) and floors[-1] > 0
    embedder, size = fitted.topic_embedder, fitted.topic_sentences
    near, far = (0.83, 0.3, 0.4), (0.8, 0.2, 0.6)  # nearer and further off the subject
    p_near, p_far = (float(logistic(fitted.topic.logits(np.array([r]))[0])) for r in (near, far))
    assert p_far < p_near
    # floors around the two: each text length is judged at its band's floor, in any order
    top, middle, low = p_near + 0.01, (p_near + p_far) / 2, p_far + 0.001
    for bands in (((100, middle), (60, low)), ((60, low), (100, middle))):
        gate = replace(fitted, topic_floor=top, topic_shorter=bands)
        assert not gate.on_topic(near, embedder, size)  # at the floor
        assert gate.on_topic(near, embedder, 120) and not gate.on_topic(far, embedder, 120)
        assert not gate.on_topic(far, embedder, 80)  # judged at the lowest floor
        assert gate.on_topic(far, embedder, 50)  # shorter than any band: not judged


def test_the_topic_gate_survives_saving_and_loading(tmp_path):
    fitted = load_decision()
    path = tmp_path / "decision.json"
    path.write_text(json.dumps({"decision": fitted.to_dict()}), "utf-8")
    again = load_decision(path)
    assert again.to_dict() == fitted.to_dict()


def test_the_chooser_survives_saving_and_loading_and_a_file_without_one_loads(tmp_path):
    fitted = load_decision()
    assert fitted.chooser is not None and fitted.chooser.names == FEATURES
    path = tmp_path / "decision.json"
    path.write_text(json.dumps({"decision": fitted.to_dict()}), "utf-8")
    assert load_decision(path).to_dict() == fitted.to_dict()
    older = {k: v for k, v in fitted.to_dict().items() if k != "chooser"}
    path = tmp_path / "older.json"
    path.write_text(json.dumps({"decision": older}), "utf-8")
    assert load_decision(path).chooser is None


@pytest.mark.real
def test_the_chooser_picks_what_is_quoted_and_the_ranker_whether_to_answer(real_zhen):
    question = "友城交流面临哪些问题？"
    shipped = replace(real_zhen.decision, chooser=None)
    n = len(FEATURES)
    # a chooser that prefers the passage retrieval ranked lowest
    last = Linear(
        FEATURES, np.zeros(n), np.ones(n), np.array([f == "rank" for f in FEATURES], float), 0
    )
    plain = replace(real_zhen, decision=shipped, cache=AnswerCache(0)).ask(question)
    chosen = replace(real_zhen, decision=replace(shipped, chooser=last), cache=AnswerCache(0)).ask(
        question
    )
    assert plain.grounded and chosen.grounded
    assert chosen.features["probability"] == plain.features["probability"]
    assert chosen.citations[0].passage_id != plain.citations[0].passage_id


@pytest.mark.real
def test_a_question_about_something_else_is_refused_in_the_askers_language(real_zhen):
    en = real_zhen.ask("How do I bake sourdough bread at home?")
    zh = real_zhen.ask("量子色动力学的格点规范理论是什么？")
    assert (en.grounded, en.citations, en.answer) == (False, [], "The article does not say.")
    assert zh.answer == "文章没有提到这一点。" and not zh.grounded
    assert en.features.get("off_topic") == 1.0
    on = real_zhen.ask("When did Tianjin and Kobe become friendship cities?")
    assert on.grounded and "1973" in on.answer


@pytest.mark.real
def test_a_count_asked_with_the_full_word_the_article_abbreviates_is_answered(real_zhen):
    # jieba cuts 两|国共|缔结 and the article writes 友城 for 友好城市 (共締結友城250對)
    result = real_zhen.ask("中日两国共缔结了多少对友好城市？")
    assert result.grounded and "250" in result.answer


def test_parameters_fitted_on_other_features_are_refused(tmp_path):
    data = json.loads(decision_parameters().read_text("utf-8"))
    data["decision"]["ranker"]["features"] = ["sim_z"]
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(DecisionError):
        load_decision(path)


def test_the_evidence_is_the_best_sentence_not_vetoed_with_its_lead_over_other_passages():
    scores = np.array([0.1, 0.9, 0.5, 2.0])
    ranks = np.array([0, 0, 1, 2])
    assert pick(scores, ranks, np.array([False, False, False, False])) == (3, 1.1)
    assert pick(scores, ranks, np.array([False, False, False, True])) == (1, 0.4)
    assert pick(scores, ranks, np.array([True, True, True, True])) is None


def test_another_passage_is_quoted_too_only_when_more_likely_than_not_to_answer():
    ranks = np.array([0, 0, 1, 2])
    none_vetoed = np.zeros(4, dtype=bool)
    assert runner_up(np.array([0.1, 0.9, 0.5, 2.0]), ranks, none_vetoed, 3) == 1
    assert runner_up(np.array([-0.1, -0.9, -0.5, 2.0]), ranks, none_vetoed, 3) is None
    assert runner_up(np.array([0.1, 0.9, 0.5, 2.0]), ranks, np.array([1, 1, 0, 0], bool), 3) == 2
    assert runner_up(np.array([0.1, 0.9, 0.5, 2.0]), np.zeros(4, int), none_vetoed, 3) is None


def test_a_runner_up_passage_is_quoted_after_the_evidence_and_cited(real_zhen):
    answer = real_zhen.ask("首屆中日省長知事論壇由哪兩個機構主辦？")
    assert answer.features.get("second_passage") == 2.0  # the runner-up is cited [2]
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.answer.index("[1]") < answer.answer.index("[2]")
    assert all(c.highlight for c in answer.citations)


def test_a_year_the_passage_lacks_is_refused_not_answered_about_another_year(real_zhen):
    right = real_zhen.ask("第二届中日省长知事论坛是哪一年在北京举办的？")
    wrong = real_zhen.ask("2019年的中日省长知事论坛在哪里举办？")
    assert right.grounded and "2014" in right.answer
    assert not wrong.grounded and wrong.citations == []


def test_more_evidence_never_lowers_the_probability_of_answering():
    fitted = load_decision()
    best = dict.fromkeys(FEATURES, 0.0)
    assert fitted.probability(best, 2.0, 1.0) >= fitted.probability(best, -2.0, 0.0)
    typed = best | {"passage_type_match": 1.0, "passage_unit_match": 1.0}
    assert fitted.probability(typed, 0.0, 0.5) > fitted.probability(best, 0.0, 0.5)
    lacking = best | {
        "unknown_names": 1.0,
        "missing_idf": 1.0,
        "unknown_terms": 1.0,
        "indefinite": 1.0,
    }
    assert fitted.probability(lacking, 0.0, 0.5) <= fitted.probability(best, 0.0, 0.5)


def test_a_place_named_only_in_an_abbreviations_full_name_still_counts(tmp_path):
    # The wetland article defines 基金会 as 英国诺福克郡北沼湿地基金会; the passage on the
    # secondment says only 基金会, so 英国 is met through the abbreviation.
    article = ROOT / "data" / "articles" / "wetland-partnership.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    result = zhen.ask("那名地理信息系统技术员在英国待了多长时间？")
    assert result.grounded and "6个月" in result.answer


def test_a_thing_the_article_mentions_only_as_a_one_of_its_kind_has_no_name_to_give(tmp_path):
    stops = [
        ("Oslo", "Fram Hall"),
        ("Porto", "Douro Gallery"),
        ("Gdansk", "Amber House"),
        ("Lyon", "Silk Pavilion"),
        ("Turin", "Po Arsenal"),
        ("Bergen", "Hansa Wharf"),
    ]
    rooms = [
        "tea chests",
        "clipper logs",
        "porcelain bowls",
        "ship models",
        "brass scales",
        "silk samples",
        "harbour maps",
        "auction ledgers",
        "crew letters",
        "sail cloth",
        "tea bricks",
        "customs seals",
        "rope tools",
        "lacquer trays",
        "paper lanterns",
    ]
    paragraphs = [
        *(f"Stop {i} opened at the {venue} in {city}, and {900 + 37 * i} people came on the "
          "first day." for i, (city, venue) in enumerate(stops, 1)),
        *(f"Room {i} shows {thing}, lent by collector number {i}." for i, thing in
          enumerate(rooms, 1)),
        "The fifth stop opened at the Harbour Heritage Museum in Singapore on 18 April 2025.",
        "The sixth stop is planned for spring 2026 at a museum in Leeds; the contract is "
        "still being negotiated.",
    ]  # fmt: skip
    text = "# The touring exhibition\n\n" + "\n\n".join(paragraphs) + "\n"
    zhen = zhen_on_article(tmp_path, "tour.md", text)
    named = zhen.ask("What is the name of the museum hosting the Singapore stop?")
    unnamed = zhen.ask("What is the name of the museum hosting the Leeds stop?")
    assert named.grounded and "Harbour Heritage Museum" in named.answer
    assert not unnamed.grounded


def _candidates(zhen: Zhen, question: str, language: str) -> list:
    """The ranker's candidates for a question (sentence features), as the answerer sees them."""
    snap = zhen.snapshot
    retrieval, _ = retrieve(question, language, snap.retriever, snap.scorer, k=5)
    return Featurizer(retrieval, snap.scorer, analyse(question)).candidates(passage_lang(language))


def test_a_chinese_name_the_tagger_misses_is_a_name_when_the_article_spells_it_in_pinyin(
    tmp_path,
):
    # jieba cuts 顾建平 as 顾 (a verb) + 建平; the English half writes "Gu Jianping".
    article = ROOT / "data" / "articles" / "wetland-partnership.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    candidates = _candidates(zhen, "保护区主任叫什么名字？", "zh-Hans")
    named = [c for c in candidates if "顾建平" in c.sentence.text]
    assert named and all(c.features["type_match"] == 1.0 for c in named)


def test_a_heading_is_never_quoted_as_the_evidence_for_a_fact(tmp_path):
    zhen = zhen_on_article(
        tmp_path,
        "training.md",
        "# 卒中網絡 / A stroke network\n\n### 培訓醫生與護士 / Training Doctors and Nurses\n\n"
        "護士培訓在本地進行，共有四十二名護士參加了五天的吞嚥篩查課程。\n\n"
        "Forty-two nurses took the five-day course on swallow screening.\n\n"
        "### 經費 / Money\n\n縣政府出資一千一百二十萬元購買掃描設備。\n\n"
        "The county paid 11.2 million yuan for the scanners.\n",
    )
    # the heading holds every term of the question and reads most like it
    result = zhen.ask("培训护士")
    assert "Training Doctors and Nurses" not in result.answer
    assert result.grounded and "四十二名护士" in result.answer
    # a heading's word the section never repeats (医生) is missing from the evidence
    doctors = zhen.ask("培训医生和护士")
    assert "Training Doctors and Nurses" not in doctors.answer


def test_a_heading_naming_what_a_name_question_asks_is_evidence(tmp_path):
    zhen = zhen_on_article(
        tmp_path,
        "origin.md",
        "# 茶路 / The Tea Road\n\n## 緣起：代號「雙河計劃」\n\n"
        "兩館在2019年開始商談合作，籌備工作持續了兩年。\n\n"
        "The two museums began talks in 2019; preparations took two years.\n\n"
        "## 經費 / Money\n\n整個項目的總預算為一百九十萬歐元。\n\n"
        "The whole project had a budget of 1.9 million euros.\n",
    )
    result = zhen.ask("籌備時這個項目的代號叫什麼名字？")
    assert result.grounded and "雙河計劃" in result.answer


def test_a_chinese_name_the_article_never_renders_in_english_does_not_veto_an_english_caption(
    tmp_path,
):
    # jieba tags 释光测 (of 释光测年实验室) as a person's name; the laboratory's founding year
    # is only in an English photo caption, which cannot spell a name it never renders
    article = ROOT / "data" / "articles" / "kiln-excavation.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    question = "瓦大的釋光測年實驗室是哪一年成立的？"
    assert "释光测" in analyse(question).names
    candidates = _candidates(zhen, question, "zh-Hant")
    caption = [c for c in candidates if "founded in 1987" in c.sentence.text]
    assert caption and not any(c.vetoed for c in caption)
    assert zhen.ask(question).grounded


def test_a_transliterated_name_jieba_cuts_in_pieces_is_met_by_its_english_name(tmp_path):
    # jieba cuts 穆朗阿 as 穆朗 + 阿; the aligned halves pair 穆朗 with "Murang'a", which is
    # all an English-only table row names
    article = ROOT / "data" / "articles" / "solar-cold-stores.md"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    question = "2023年，穆朗阿的采后损耗率是多少？"
    candidates = _candidates(zhen, question, "zh-Hans")
    row = [c for c in candidates if "Post-harvest loss, 2023 season" in c.sentence.text]
    assert row and all(c.features["constraints"] == 1.0 for c in row)
    result = zhen.ask(question)
    assert result.grounded and "Murang'a (avocado): 9%" in result.answer


def test_a_passage_stating_no_year_goes_on_from_the_year_of_the_paragraph_before(tmp_path):
    zhen = zhen_on_article(
        tmp_path,
        "tours.md",
        "# Orchestra exchange\n\nThe two schools sent 72 players on tour in 2016.\n\n"
        "An evaluation commissioned by both schools in 2024 found most players still perform.\n\n"
        "The evaluation also recorded complaints. Teachers said eight weeks was too short.\n\n"
        "In 2019 the tour visited Berlin. The players recorded complaints about bus rides.\n",
    )
    question = "What complaints did the 2024 evaluation record?"
    candidates = _candidates(zhen, question, "en")
    vetoed = {c.sentence.text.strip(): c.vetoed for c in candidates}
    assert vetoed["Teachers said eight weeks was too short."] is False
    # a passage stating a year of its own is about that year, whatever came before it
    assert vetoed["The players recorded complaints about bus rides."] is True
    result = zhen.ask(question)
    assert result.grounded and "eight weeks was too short" in result.answer


def test_two_question_sentences_are_open_ended():
    assert open_ended("这个展览的赞助方是哪家公司？除了出钱还提供了什么支持？")
    assert not open_ended("这个展览的赞助方是哪家公司？")


@pytest.mark.parametrize(
    "question",
    [
        "列出2019年巡演的所有站点和日期。",
        "List the stops of the 2019 tour.",
        "协议定了哪几条规则？",
    ],
)
def test_a_request_for_a_list_is_open_ended(question):
    assert open_ended(question)


@pytest.mark.parametrize(
    "question",
    [
        "录音的所有权归谁？",
        "What was the festival all about?",
        "Which heritage list did it join?",
        "How many visitors came to all the venues?",  # one total
        "所有场馆一共来了多少观众？",
    ],
)
def test_ownership_a_list_by_name_or_a_total_is_no_request_for_a_list(question):
    assert not asks_for_list(question)


@pytest.mark.parametrize("marker", ["- ", "* ", "{n}. ", "{n}) "])
def test_the_bulleted_or_numbered_list_a_passage_introduces_is_quoted_with_it(tmp_path, marker):
    stops = "\n".join(
        f"{marker.format(n=n)}{city}, {day} March 2019"
        for n, (city, day) in enumerate(
            [("Leipzig", 14), ("Dresden", 16), ("Prague", 21), ("Vienna", 26)], 1
        )
    )
    zhen = zhen_on_article(
        tmp_path,
        "tour.md",
        "# The tour\n\nThe orchestra of 88 players toured Central Europe for fifteen days in "
        f"March 2019. Its stops were:\n\n{stops}\n\nThe players flew home on 28 March.\n",
    )
    answer = zhen.ask("List all the stops of the 2019 tour.")
    assert all(city in answer.answer for city in ("Leipzig", "Dresden", "Prague", "Vienna"))
    assert "flew home" not in answer.answer  # the list ends where the bullets end


def _chunk(text: str, lang: str = "zh") -> Chunk:
    ends = [m.end() for m in re.finditer(r"[。.]", text)]
    spans = list(zip([0, *ends[:-1]], ends, strict=True))
    return Chunk("c", "d", "p", lang, 0, len(text), text, spans)


def test_a_chunk_that_goes_on_about_what_the_last_one_named_continues_it():
    named = _chunk("整個項目的總預算為一百九十萬歐元。其餘百分之二十來自贊助商長帆航運集團。")
    after = _chunk("長帆航運還免費承擔了集裝箱海運。保險是最大的單項支出。")
    assert continues(named, after)
    assert not continues(named, _chunk("巡展中最棘手的一段插曲發生在漢堡。"))
    english = _chunk("The rest came from the sponsor, Longsail Shipping.", "en")
    assert continues(english, _chunk("Longsail also shipped the containers free.", "en"))


def test_a_chunk_opening_with_the_next_item_of_a_list_continues_it():
    third = _chunk("備忘錄規定：第二，瓷片留在國內檢測。第三，剩餘樣品兩年內退還。")
    assert continues(third, _chunk("第四，原始數據三十日內共享。此後，何曉嵐隨樣品赴意。"))
    assert not continues(third, _chunk("第二，原始數據三十日內共享。"))
    english = _chunk("First, samples stay. Third, leftovers return within two years.", "en")
    assert continues(english, _chunk("Fourth, raw data is shared within 30 days.", "en"))


def test_a_list_asked_for_is_quoted_to_its_last_item_across_chunks(tmp_path):
    zhen = zhen_on_article(
        tmp_path,
        "memo.md",
        "# 样品备忘录\n\n"
        "2022年6月9日，双方签署样品管理补充备忘录，分歧最终得到解决。备忘录规定：第一，只有十八个"
        "窑壁烧土样品在报经国家文物局批准后出境检测，每个样品重量不超过五十克；第二，瓷片一律留在"
        "国内检测，由意方把便携式光谱仪和岩相显微镜运到杭州，双方在杭州共同建立联合实验室；第三，"
        "检测剩余的样品必须在两年之内全部退还中方，不得转交任何第三方机构保存或者使用；第四，所有"
        "原始数据必须在检测完成以后三十日之内与中方共享。此后，研究室主任随样品赴意参与测试。\n",
    )
    answer = zhen.ask("样品的分歧最后怎么解决？请列出备忘录的主要规定。")
    assert len({c.passage_id for c in answer.citations}) >= 3  # the list spans chunks
    assert "第一" in answer.answer and "第四" in answer.answer


def test_a_count_of_a_thing_the_article_names_otherwise_is_still_answered(tmp_path):
    # the article says "trenches"; "test pits" is a word it never uses, so it demands nothing
    zhen = zhen_on_article(
        tmp_path,
        "dig.md",
        "# A season of digging\n\n"
        "The second season ran from 6 September to 20 November 2021.\n\n"
        "The team opened 12 trenches covering 1,250 square metres and recovered 22,300 "
        "sherds.\n\nForty volunteers from the village joined the team, and 11 Italian "
        "members came.\n\nThe season's budget was 1.12 million yuan.\n",
    )
    result = zhen.ask("How many test pits did the team open?")
    assert result.grounded and "12 trenches" in result.answer


def test_a_passage_goes_on_about_what_the_paragraph_before_it_named(tmp_path):
    # 成果展 is named once; the next paragraph calls it 展览 and holds the closing date
    fillers = [
        f"第{i}号探方位于窑址{'东西南北'[i % 4]}侧，出土瓷片{100 + 7 * i}片。" for i in range(1, 25)
    ]
    text = "\n\n".join(
        [
            "# 青瓷之路",
            *fillers[:12],
            "2024年5月18日，《青瓷之路》成果展在丽水市陶瓷博物馆开幕，展出文物312件。",
            "展览原定于9月30日闭幕，因观众反响热烈延期至10月31日。",
            *fillers[12:],
        ]
    )
    zhen = zhen_on_article(tmp_path, "celadon.md", text + "\n")
    result = zhen.ask("成果展 闭幕 延期 日期")
    assert result.grounded and "10月31日" in result.answer


def test_a_paragraph_cut_into_chunks_is_quoted_with_the_chunk_that_holds_the_count(tmp_path):
    # the wetland article's paragraph on the school project names it in one chunk and counts
    # its pupils in the next
    article = ROOT / "data" / "articles" / "wetland-partnership.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    result = zhen.ask("跨海之翼项目到现在有多少学生参与？")
    assert result.grounded and "跨海之翼" in result.answer and "1.85万名学生" in result.answer
    assert len({c.passage_id for c in result.citations}) == 2


def test_a_name_of_several_words_is_met_word_by_word_in_a_chinese_caption(tmp_path):
    # "Lianyu Bay No. 2 Middle School" is 莲屿湾第二中学 in a caption only the Chinese half has
    article = ROOT / "data" / "articles" / "wetland-partnership.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    question = (
        "In May 2017, how many pupils of Lianyu Bay No. 2 Middle School learned bird ringing?"
    )
    a = analyse(question)
    assert a.ordinals == {2} and not a.numbers  # "No. 2" names one of a series, as 第二 does
    candidates = _candidates(zhen, question, "en")
    caption = [c for c in candidates if "第二中学的12名学生" in c.sentence.text]
    assert caption and not any(c.vetoed for c in caption)


def test_only_the_thing_a_which_question_asks_about_can_be_mentioned_indefinitely(tmp_path):
    # the institute is "一家研究所" (a, unnamed), but the question asks which expert
    zhen = zhen_on_article(
        tmp_path,
        "flood.md",
        "# 洪水预报\n\n2015年9月，黄丽群在一家研究所参加培训，听了河流预报部主任玛丽克·费尔霍文的报告。"
        "\n\n2016年，双方签署合作协议。水文局派出17名职员赴代尔夫特工作。\n",
    )
    candidates = _candidates(zhen, "黄丽群在研究所培训时，听了哪位专家的报告？", "zh-Hans")
    assert not any(c.features["indefinite"] for c in candidates)
    candidates = _candidates(zhen, "黄丽群是在哪家研究所参加培训的？", "zh-Hans")
    assert any(c.features["indefinite"] for c in candidates if "一家研究所" in c.sentence.text)


def test_a_passage_aligned_to_a_paragraph_lacking_its_figures_is_quoted_as_written(tmp_path):
    # the list only the English half has is aligned to a Chinese paragraph sharing one year
    zhen = zhen_on_article(
        tmp_path,
        "stages.md",
        "# 海参育苗合作\n\n2017年9月，双方在苏瓦签署了为期五年的合作备忘录。\n\n"
        "2022年备忘录到期后，三方又将合作延长了三年。\n\n育苗场共有二十四个育苗池。\n\n"
        "**Sea cucumbers for Fiji**\n\nIn September 2017 the partners signed a five-year "
        "memorandum in Suva.\n\nThe project unfolded in four stages:\n\n- Stage 3 (January 2022 "
        "– December 2023): scaling up production and extending sea ranching to three villages."
        "\n\nThe hatchery has 24 larval tanks.\n",
    )
    result = zhen.ask("项目的Stage 3是从什么时候到什么时候？")
    assert "January 2022 – December 2023" in result.answer
    assert "延长了三年" not in result.answer


@pytest.mark.real
def test_centred_nearness_sets_a_question_off_the_subject_further_apart_than_raw(real_zhen):
    snap = real_zhen.snapshot

    def nearness(question: str, language: str) -> tuple[float, float]:
        retrieval, _ = retrieve(question, language, snap.retriever, snap.scorer, outline=None)
        return snap.scorer.nearest(retrieval)

    for on, off, language in (
        ("When did Tianjin and Kobe become friendship cities?", "Which planet is largest?", "en"),
        ("中日两国共缔结了多少对友好城市？", "北京到上海坐高铁要多久？", "zh-Hans"),
    ):
        (raw_on, centred_on), (raw_off, centred_off) = (
            nearness(on, language),
            nearness(off, language),
        )
        assert centred_on - centred_off > 2 * (raw_on - raw_off) > 0
