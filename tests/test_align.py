"""The alignment of the bundled article, pinned (real embedder)."""

from pathlib import Path

import numpy as np
import pytest

from bot.engine import Zhen
from bot.evaluation.alignment import load_gold, score_alignment
from bot.settings import Settings
from index.align import (
    BULLET,
    align_paragraphs,
    find_title,
    is_caption,
    is_dateline,
    is_heading,
)
from index.model import Paragraph


def _links_by_text(zhen: Zhen) -> list[tuple[list[str], list[str]]]:
    text = {p.id: p.text for p in zhen.index.paragraphs}
    return [([text[i] for i in link.zh], [text[i] for i in link.en]) for link in zhen.index.links]


def _link_of(links, zh_start: str):
    found = [en for zh, en in links if zh and zh[0].startswith(zh_start)]
    assert len(found) == 1, zh_start
    return found[0]


@pytest.mark.real
def test_title_aligns_with_the_english_title_at_the_end(real_zhen):
    en = _link_of(_links_by_text(real_zhen), "新時期中日友好城市交流蓬勃發展")
    assert en == [
        "The New Development of Sino-Japanese Friendship Cities Exchange and "
        "Construction in the New Era"
    ]


@pytest.mark.real
def test_tianjin_kobe_paragraph_aligns_one_to_one(real_zhen):
    en = _link_of(_links_by_text(real_zhen), "今年是中日兩國開展友城交流43周年")
    assert len(en) == 1 and en[0].startswith("This year mark the 43th anniversary")


@pytest.mark.real
def test_conference_paragraph_aligns_with_the_two_english_paragraphs_that_render_it(real_zhen):
    en = _link_of(_links_by_text(real_zhen), "長期以來,全國友協與日本地方政府組織")
    assert len(en) == 2
    assert en[0].startswith("Over the years, the Chinese Friendship Association")
    assert en[1].startswith("The General Assembly is held in turn")


@pytest.mark.real
@pytest.mark.parametrize(
    "caption", ["2012年4月,首屆", "2012年8月,中日友好交流城市", "2009年5月,第十二次"]
)
def test_photo_captions_have_no_counterpart(real_zhen, caption):
    assert _link_of(_links_by_text(real_zhen), caption) == []


@pytest.mark.real
def test_english_section_headings_have_no_counterpart(real_zhen):
    links = _links_by_text(real_zhen)
    for heading in (
        "The Sino-Japanese Friendship Cities Exchange Features in the New Period",
        "The Cooperation Platform of Sino - Japanese Friendship Cities Exchange",
        "Prospects of Sino - Japanese Friendship Cities Exchange",
    ):
        assert ([], [heading]) in links


@pytest.mark.real
def test_every_body_paragraph_is_aligned_in_order(real_zhen):
    links = [(zh, en) for zh, en in _links_by_text(real_zhen) if zh and en]
    assert len(links) == 18  # title + 17 body paragraphs
    body = links[1:]
    assert [en[0][:12] for _, en in body] == sorted(
        (en[0][:12] for _, en in body),
        key=lambda s: [p.text[:12] for p in real_zhen.index.paragraphs].index(s),
    )


@pytest.mark.real
def test_chunk_counterparts_point_into_the_aligned_paragraphs(real_zhen):
    index = real_zhen.index
    partner = {}
    for link in index.links:
        for z in link.zh:
            partner[z] = set(link.en)
        for e in link.en:
            partner[e] = set(link.zh)
    for chunk in index.chunks:
        if chunk.counterpart_id is None:
            assert not partner.get(chunk.paragraph_id)
        else:
            assert index.chunk(chunk.counterpart_id).paragraph_id in partner[chunk.paragraph_id]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "圖：修復後的船模在泉州站展出。船模連底座重六十八公斤，展櫃內的濕度保持在百分之五十五。",
            "zh",
        ),
        ("*Photo caption: The tea-tasting counter, where volunteers poured 14,200 cups.*", "en"),
        ("Photo: A ranger fits a yellow leg flag to a greenshank on Qiaotou Island.", "en"),
        ("Figure 2. The restored model on display.", "en"),
    ],
)
def test_labelled_captions_are_captions(text, lang):
    assert is_caption(Paragraph("p", "d", lang, 0, len(text), text))


@pytest.mark.parametrize(
    ("text", "lang", "heading"),
    [
        ("*圖：護士長在培訓課上示範吞嚥篩查，當天共有23名護士參加。*", "zh", False),
        ("Photo: the kiln at dawn", "en", False),  # a caption without a full stop
        ("## 培訓醫生與護士", "zh", True),
        ("*Training Doctors and Nurses*", "en", True),
    ],
)
def test_a_caption_in_emphasis_marks_is_no_heading(text, lang, heading):
    assert is_heading(Paragraph("p", "d", lang, 0, len(text), text)) is heading


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("- Prague, 21 March 2019: about 980 listeners", "en"),
        ("* Dresden, 16 March 2019", "en"),
        ("• 第二站：安特衛普，SMM", "zh"),
        ("* Prague, 21 March 2019: *sold out*", "en"),
    ],
)
def test_an_item_of_a_bulleted_list_is_no_heading(text, lang):
    assert not is_heading(Paragraph("p", "d", lang, 0, len(text), text))
    assert BULLET.match(text)


def test_a_rule_or_emphasis_is_no_bullet():
    assert not BULLET.match("- - -") and not BULLET.match("*Training Doctors and Nurses*")


def test_a_paragraph_that_opens_with_the_same_character_is_not_a_caption():
    text = "圖錄的製作還帶來一個意外收穫：技術人員在茶箱的底板上發現了一行小字。"
    assert not is_caption(Paragraph("p", "d", "zh", 0, len(text), text))


@pytest.mark.real
def test_a_figure_only_the_chinese_text_gives_is_quoted_from_the_chinese(tmp_path):
    """A sentence the translation left out: its aligned English paragraph does not carry the
    figure, so it does not render the sentence; the Chinese is quoted."""
    article = tmp_path / "model.md"
    body = "兩館的修復師從2021年9月到2022年7月共同修復了這具船模，重新繫好了約一千二百米索具。"
    zh = body + "展櫃內的相對濕度保持在百分之五十五。"
    article.write_text(
        f"# 船模修復\n\n{zh}\n\n# Restoring the model\n\n"
        "Conservators from both museums restored the model together from September 2021 "
        "to July 2022, re-tying some 1,200 metres of rigging.\n",
        "utf-8",
    )
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home", corpus=(article,)))
    result = zhen.ask("What humidity is the model's display case kept at?")
    assert result.grounded and "五十五" in result.answer
    assert result.answer.startswith("The article states this only in its Chinese text")


def test_a_dateline_above_the_title_is_not_the_title():
    texts = [
        "Yancheng, Jiangsu, 23 October 2024 —",
        "Ten Years on the Mudflats: A Reserve and a Trust Count the Birds Together",
        "A decade after their staff first sat down together, the partners met again.",
    ]
    paragraphs = [Paragraph(f"p{i}", "d", "en", 0, len(t), t) for i, t in enumerate(texts)]
    assert is_dateline(paragraphs[0]) and not is_dateline(paragraphs[1])
    assert find_title(paragraphs) is paragraphs[1]
    assert is_dateline(Paragraph("z", "d", "zh", 0, 12, "新华社北京10月22日电"))


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        # a long title given in both languages on one line: each part is a title's length
        (
            "陽光下的冷鏈：中肯太陽能冷庫如何改變酪梨與芒果小農的生計 | A Cold Chain Under the "
            "Sun: How Sino-Kenyan Solar Cold Stores Are Changing Life for Avocado Smallholders",
            True,
        ),
        ("冷庫選址 / Choosing the sites", True),
        ("冷庫選址｜Choosing the sites", True),
        ("他說我們不靠電網。 | Off the grid", False),  # a sentence in one of its parts
    ],
)
def test_a_heading_in_both_languages_on_one_line_is_judged_by_its_parts(text, heading):
    assert is_heading(Paragraph("p", "d", "zh", 0, len(text), text)) is heading


def _paragraphs(lang: str, texts: list[str]) -> list[Paragraph]:
    return [Paragraph(f"{lang[0]}{i}", "d", lang, 0, len(t), t) for i, t in enumerate(texts)]


def test_a_section_one_half_tells_elsewhere_is_paired_out_of_order():
    """The English tells the Chinese second section last: the monotonic pass cannot pair it,
    the left-over paragraphs that are each other's best match are paired afterwards."""
    zh = _paragraphs(
        "zh", [f"第{n}段的內容在這裡，講了一件不同的事情，篇幅差不多。" for n in "一二三四"]
    )
    en = _paragraphs(
        "en", [f"Paragraph {n} tells one thing here, at about the same length." for n in "ACDB"]
    )
    topic = {"z0": 0, "z1": 1, "z2": 2, "z3": 3, "e0": 0, "e1": 2, "e2": 3, "e3": 1}
    vectors = {p: np.eye(8)[[t]] for p, t in topic.items()}
    links = {(link.zh, link.en) for link in align_paragraphs(zh + en, vectors)}
    assert {(("z0",), ("e0",)), (("z2",), ("e1",)), (("z3",), ("e2",))} <= links
    assert (("z1",), ("e3",)) in links


def test_a_list_item_or_table_row_is_not_paired_with_a_body_paragraph():
    zh = _paragraphs("zh", ["育苗場在2017年9月至2019年6月間完成建設，首批稚參出池。"])
    for item in (
        "- Stage 1 (September 2017 - June 2019): the hatchery was built.",
        "Year: 2019; Juveniles: 41,000; Survival: 2.1%.",
    ):
        links = align_paragraphs(zh + _paragraphs("en", [item]))
        assert all(not (link.zh and link.en) for link in links), item


@pytest.mark.real
def test_a_condensed_and_reordered_english_half_is_paired_precisely(tmp_path, real_zhen):
    """The library article's English half retells a longer Chinese one in its own order;
    a wrong pair would show a translation of something else."""
    root = Path(__file__).resolve().parent.parent
    article = root / "data" / "articles" / "library-exchange.txt"
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path, corpus=(article,)), real_zhen.embedder)
    score = score_alignment(
        zhen.index, load_gold(root / "data/dev/alignment/library-exchange.json")
    )
    assert score.precision >= 0.95 and score.recall >= 0.8, score
