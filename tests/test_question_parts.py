"""Every answer type a question asks for, in order, from the same cues as ``analyse``."""

from __future__ import annotations

import pytest

from bot.answering.analysis import analyse, keyword_only, question_parts


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("When and where did the second forum take place?", ("date", "place")),
        ("首届论坛是什么时候在哪里举办的？", ("date", "place")),
        ("第十二次會議是何時、在哪裡舉行的？", ("date", "place")),
        ("這個展第一站是在哪裡辦的？什麼時候開幕啊？", ("place", "date")),
        ("When did the exchanges start, and which cities took part?", ("date", "place")),
        ("请了多少讲者，来自几个国家？", ("number", "number")),
        ("那场研讨会叫什么名字？在哪一天？", ("name", "date")),
        ("Why did the surveys stall, and how was that fixed?", ("reason", "manner")),
        ("How many birds were counted?", ("number",)),  # not also "how" (manner)
        ("几月开幕？", ("date",)),  # not also 几 (number)
        ("为什么这几年有些城市不想再结友城？", ("reason",)),  # 这几年 asks for nothing
        ("Tianjin Kobe", ("other",)),
        ("Which two cities paired first, and on what date?", ("place", "date")),
        ("Which two institutions organised the show?", ("person",)),
        ("第一对友好城市是哪两座城市？", ("place",)),
        ("在哪些领域达成了协议？", ("other",)),  # 在哪些 is "in which", not "where"
    ],
)
def test_a_question_asks_for_each_of_its_parts_in_order(question, parts):
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "Which city paired first, and when?",
        "这个展览的赞助方是哪家公司？除了出钱还提供了什么支持？",
        "How is the host country chosen?",
        "几乎所有城市都参加了吗？",
    ],
)
def test_the_answer_type_of_analyse_is_always_a_part(question):
    assert analyse(question).kind in question_parts(question)


def test_keywords_without_a_question_word_or_mark_are_keywords_only():
    assert keyword_only("新協議 目標 預警提前時間")
    assert keyword_only("exchange programme total cost")
    assert not keyword_only("Wat did the co-op earn in its first year?")
    assert not keyword_only("那个app到底是谁做的啊")
    assert not keyword_only("When was it signed")
