"""The Chinese forms of a Latin-letter name, from the article's own glosses and pinyin."""

from __future__ import annotations

from bot.engine import Zhen
from bot.settings import Settings
from index.bridge import pinyin_table
from index.lang import normalize
from index.lexical import tokenize
from index.names import compound, demonyms, glossed, places_within, spelled, spelled_runs
from tests.conftest import ROOT

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


def test_a_glossed_name_the_words_before_ran_into_is_also_found_alone():
    texts = [
        normalize(t)
        for t in (
            "斐济维提岛（Viti Levu）南岸纳夫瓦（Navua）河口以东，一排浅蓝色的棚屋。",
            "纳夫瓦育苗场累计育出稚参约44.6万头。",
            "她后来成为纳夫瓦育苗场的场长。",
            "在苏瓦住满十四天后，她回到纳夫瓦。",
        )
    ]
    assert glossed("navua", texts) == {"南岸纳夫瓦", "纳夫瓦"}


def test_a_chinese_name_is_found_by_its_pinyin_in_whole_words():
    runs = spelled_runs([tokenize(t) for t in [*TEXTS, "他们的安排"]], pinyin_table())
    assert spelled("Long Chunmei", runs) == {"龙春梅"}
    assert spelled("Lin Xiaofan", runs) == set()
    assert spelled("Dean", runs) == set()  # 的安 of 他们的安排 straddles two words


def test_places_the_text_locates_in_a_country_or_province():
    texts = [
        "In Galway, on the west coast of Ireland, it was nine in the evening.",
        "The second stop was a maritime museum in the Belgian port of Antwerp.",
        "Excavations at Ouning County, Zhejiang Province began in 2019.",
        "Brennan met Ireland's health minister.",
    ]
    assert places_within("ireland", texts, lambda w: False) == {"Galway"}
    assert places_within("belgian", texts, lambda w: False) == {"Antwerp"}
    assert places_within("zhejiang", texts, lambda w: False) == {"Ouning County"}
    assert places_within("belgium", texts, lambda w: False) == set()
    chinese = [
        "由福建和比利时安特卫普两家博物馆合办",
        "在爱尔兰西海岸的高威，时钟刚过晚上九点",
        "爱尔兰的医生",
    ]
    names = {"安特卫普", "高威"}
    assert places_within("比利时", chinese, names.__contains__) == {"安特卫普"}
    assert places_within("爱尔兰", chinese, names.__contains__) == {"高威"}  # not 医生


def test_a_question_about_a_country_is_answered_from_a_passage_naming_its_city(tmp_path):
    # the venue list names only Antwerp; the article says "the Belgian port of Antwerp" once
    article = ROOT / "data" / "articles" / "tea-museum.md"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)))
    result = zhen.ask("How much was a reduced ticket at the Belgian venue?")
    assert result.grounded and "reduced €9" in result.answer


def test_a_place_of_several_words_lends_no_single_word_to_its_country(tmp_path, fake_embedder):
    article = tmp_path / "dig.md"
    article.write_text(
        "# 发掘\n\n考古队在瓯宁县发掘了一座龙窯。窑址就在这个县。\n\n"
        "The team dug a kiln in Ouning County, Zhejiang Province.\n",
        encoding="utf-8",
    )
    zhen = Zhen.load(
        Settings.from_env({}, home=tmp_path / "home", corpus=(article,)), fake_embedder
    )
    places = zhen.index.places_within("Zhejiang")
    assert "ouning county" in places
    assert not places & {"县", "county"}  # "county" would meet any county


def test_a_name_of_several_words_is_met_as_one_chinese_compound_in_the_same_order():
    # "room" is 屋 only as a bound form, which no corpus word is on its own
    renderings = {"forest": {"森林", "forest"}, "story": {"故事"}, "room": {"房间", "room"}}
    written = compound(["forest", "story", "room"], renderings)
    assert written is not None
    assert written.search(normalize("圖：森林故事屋可同時容納四十名兒童"))
    assert not written.search("故事森林屋")
    assert not written.search("森林里的故事屋")
    assert compound(["forest", "story"], {"forest": {"forest"}, "story": {"故事"}}) is None


def test_a_country_is_named_by_what_its_people_or_party_are_called():
    # "the four Chinese technicians", 四名中方技术人员: about China, 中国
    assert {"chines", "中方"} <= demonyms({"中国", "china"})
    assert "british" in demonyms({"英国"})
    assert not demonyms({"比利时"}) & {"比方"}  # 比方 is "for instance", no side
