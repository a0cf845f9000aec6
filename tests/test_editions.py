"""Questions naming an edition ("the twelfth meeting", 第三届) are answered only from
passages naming the same edition, in either half of the article."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.real


def test_an_english_question_finds_the_edition_in_a_chinese_only_caption(real_zhen):
    result = real_zhen.ask("Where was the twelfth friendship exchange meeting held?")
    assert result.grounded
    assert "第十二次" in result.citations[0].text and result.citations[0].translation is None
    assert "第十二次" in result.hits[0].chunk.text  # first in the retrieval too


@pytest.mark.parametrize(
    "question",
    [
        "Where was the fifteenth friendship exchange meeting held?",
        "第七届中日省长知事论坛在哪里举办？",
    ],
)
def test_an_edition_the_article_never_names_is_refused(real_zhen, question):
    result = real_zhen.ask(question)
    assert not result.grounded and result.citations == []
