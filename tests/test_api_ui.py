"""The chat page's turn and vote logic, without a browser (fake embedder)."""

from __future__ import annotations

import dataclasses
import json

from bot.web.feedback import FeedbackError, FeedbackLog
from bot.web.ui import INTERNAL_ERROR, chat_turn, citation_html, record_vote, source_label

EN = "How many pairs of friendship cities have China and Japan established?"


def last(turns):
    *_, final = turns
    return final


def test_a_turn_streams_then_shows_the_answer_with_expandable_sources(fake_zhen):
    steps = list(chat_turn(fake_zhen.stream, fake_zhen.settings, EN, [], []))
    assert len(steps) > 2  # the question first, then pieces, then the final answer
    chat, box, records = steps[-1]
    expected = fake_zhen.ask(EN)
    assert box == "" and chat[0] == {"role": "user", "content": EN}
    assert chat[1]["content"].count("<details") == len(expected.citations)
    assert records[1]["answer"] == expected.answer and records[0] is None


def test_earlier_turns_become_the_history(fake_zhen):
    seen = {}
    real_stream = fake_zhen.stream

    def spy(question, **kwargs):
        seen["history"] = kwargs.get("history")
        return real_stream(question, **kwargs)

    chat, _, records = last(chat_turn(fake_zhen.stream, fake_zhen.settings, EN, [], []))
    fake_zhen.stream = spy
    last(chat_turn(fake_zhen.stream, fake_zhen.settings, "What is MIJBC?", chat, records))
    assert [m["role"] for m in seen["history"]] == ["user", "assistant"]
    assert seen["history"][0]["content"] == EN


def test_bad_questions_get_the_message_in_their_language(fake_zhen):
    chat, _, records = last(chat_turn(fake_zhen.stream, fake_zhen.settings, "   ", [], []))
    assert chat[-1]["content"] == "Please type a question." and records[-1] is None
    chat, _, _ = last(chat_turn(fake_zhen.stream, fake_zhen.settings, "问题\x07是什么", [], []))
    assert "控制字符" in chat[-1]["content"]


def test_an_internal_failure_shows_a_plain_message(fake_zhen):
    def broken(question, **kwargs):
        raise RuntimeError("secret internals")
        yield  # pragma: no cover

    fake_zhen.stream = broken
    chat, _, _ = last(chat_turn(fake_zhen.stream, fake_zhen.settings, EN, [], []))
    assert chat[-1]["content"] == INTERNAL_ERROR


def test_votes_are_stored_with_the_answer_they_rate(fake_zhen, tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    _, _, records = last(chat_turn(fake_zhen.stream, fake_zhen.settings, EN, [], []))
    assert record_vote(log.append, records, 1, liked=False)
    assert record_vote(log.append, records, 0, liked=True)  # a question: nothing stored
    entries = [json.loads(x) for x in log.path.read_text("utf-8").splitlines()]
    assert len(entries) == 1 and entries[0]["vote"] == "down"
    assert entries[0]["question"] == EN and entries[0]["citations"]


def test_a_vote_that_cannot_be_stored_is_reported(fake_zhen):
    def full_disk(record):
        raise FeedbackError("disk full")

    _, _, records = last(chat_turn(fake_zhen.stream, fake_zhen.settings, EN, [], []))
    assert record_vote(full_disk, records, 1, liked=True) is False


def test_through_the_server_a_page_failure_shows_in_health(fake_zhen):
    from bot.web.app import create_app

    service = create_app(fake_zhen, fake_zhen.settings, ui=False).state.service
    chat, _, records = last(chat_turn(service.stream, fake_zhen.settings, EN, [], []))
    assert records[-1]["answer"]  # history from the page passes the server's checks

    def broken(question, **kwargs):
        raise RuntimeError("backend down")
        yield  # pragma: no cover

    fake_zhen.stream = broken
    chat, _, _ = last(chat_turn(service.stream, fake_zhen.settings, EN, chat, records))
    assert chat[-1]["content"] == INTERNAL_ERROR
    faults = service.health()["faults"]
    assert "answer" in faults and "backend down" not in faults["answer"]


def test_sources_are_labelled_with_the_documents_title_and_page(fake_zhen):
    citation = fake_zhen.ask(EN).citations[0]
    assert citation.doc_title and citation.page is None
    assert source_label(citation) == citation.doc_title  # text sources have no pages
    assert citation.passage_id not in citation_html(citation)
    paged = dataclasses.replace(citation, doc_title="<i>Ice</i> & Snow", page=3)
    assert source_label(paged) == "<i>Ice</i> & Snow · p. 3"
    assert "<summary>[1] &lt;i&gt;Ice&lt;/i&gt; &amp; Snow · p. 3</summary>" in citation_html(paged)
    untitled = dataclasses.replace(citation, doc_title="", doc_id="")
    assert source_label(untitled) == citation.passage_id
