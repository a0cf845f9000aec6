"""Serving under load: question embeddings batched across concurrent requests, answers
remembered for repeated questions (bounded, emptied by a library change, bypassed by history)."""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bot.answering.cache import AnswerCache, answer_key
from bot.engine import Zhen
from bot.generation.base import GeneratorError
from bot.settings import Settings
from bot.web.app import create_app
from index.batching import BatchingEmbedder, batched
from tests.conftest import FakeEmbedder, ScriptedGenerator

QUESTIONS = [
    "When did Tianjin and Kobe become friendship cities?",
    "How many pairs of friendship cities have China and Japan established?",
    "天津和神户什么时候结为友好城市？",
    "中日韩友好城市交流大会举办了几届？",
    "What is MIJBC?",
    "第二屆中日省長知事論壇在哪裡舉辦？",
    "Where was the first Sino-Japanese Governor Forum held?",
    "全国友协什么时候接待了第一个日本全国市长会代表团？",
]


class SlowEmbedder(FakeEmbedder):
    """The fake embedder with a model call that takes a while, counting calls and texts."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.calls: list[int] = []
        self.fail: Exception | None = None

    def embed_queries(self, texts):
        self.calls.append(len(texts))
        time.sleep(self.seconds)
        if self.fail is not None:
            raise self.fail
        return super().embed_queries(texts)


def _concurrently(fn, args):
    barrier = threading.Barrier(len(args))

    def call(arg):
        barrier.wait()
        return fn(arg)

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(call, args))


def test_concurrent_queries_share_model_calls_and_each_gets_its_own_vectors():
    inner = SlowEmbedder()
    embedder = BatchingEmbedder(inner, max_batch=32, wait_ms=20)
    got = _concurrently(lambda q: embedder.embed_queries([q, q.upper()]), QUESTIONS)
    for question, vectors in zip(QUESTIONS, got, strict=True):
        expected = FakeEmbedder().embed_queries([question, question.upper()])
        np.testing.assert_allclose(vectors, expected, rtol=1e-6)
    assert len(inner.calls) < len(QUESTIONS)
    assert sum(inner.calls) == 2 * len(QUESTIONS)


def test_a_batch_never_holds_more_texts_than_its_bound():
    inner = SlowEmbedder()
    embedder = BatchingEmbedder(inner, max_batch=3, wait_ms=20)
    _concurrently(lambda q: embedder.embed_queries([q]), QUESTIONS)
    assert max(inner.calls) <= 3 and sum(inner.calls) == len(QUESTIONS)


def test_a_model_error_reaches_every_waiting_request_and_the_worker_carries_on():
    inner = SlowEmbedder()
    embedder = BatchingEmbedder(inner, max_batch=8, wait_ms=20)
    inner.fail = RuntimeError("model fell over")

    def ask(q):
        try:
            embedder.embed_queries([q])
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert set(_concurrently(ask, QUESTIONS[:4])) == {"model fell over"}
    inner.fail = None
    assert embedder.embed_queries(["Tianjin"]).shape == (1, FakeEmbedder.dim)


def test_batching_off_calls_the_model_directly():
    inner = SlowEmbedder(0)
    assert batched(inner, 1, 5) is inner
    batching = batched(inner, 16, 5)
    assert isinstance(batching, BatchingEmbedder) and batching.id == inner.id


def test_answers_to_concurrent_distinct_questions_match_the_sequential_answers(settings):
    sequential = Zhen.load(settings.replace(answer_cache=0), FakeEmbedder())
    expected = [sequential.ask(q).to_dict() for q in QUESTIONS]
    inner = SlowEmbedder(0.02)
    embedder = BatchingEmbedder(inner, max_batch=32, wait_ms=10)
    concurrent = Zhen.load(settings.replace(answer_cache=0), embedder)
    inner.calls.clear()
    got = _concurrently(lambda q: concurrent.ask(q).to_dict(), QUESTIONS)
    drop = "timings_ms"
    assert [{k: v for k, v in g.items() if k != drop} for g in got] == [
        {k: v for k, v in e.items() if k != drop} for e in expected
    ]
    assert len(inner.calls) < len(QUESTIONS)  # some questions really were embedded together


@pytest.fixture
def cached_zhen(settings):
    return Zhen.load(settings.replace(answer_cache=4), FakeEmbedder())


def test_a_repeated_question_is_answered_from_the_cache_and_marked(cached_zhen):
    first = cached_zhen.ask("When did Tianjin and Kobe become friendship cities?")
    again = cached_zhen.ask("  when did Tianjin and Kobe become friendship cities ")
    assert "cache" not in first.timings_ms and again.timings_ms["cache"] is True
    assert again.answer == first.answer and again.citations == first.citations
    assert again.question == "when did Tianjin and Kobe become friendship cities"
    assert again.to_dict()["timings_ms"]["cache"] is True


def test_each_script_is_answered_in_its_own_script_not_from_the_others_cache(cached_zhen):
    simplified = cached_zhen.ask("天津和神户什么时候结为友好城市？")
    traditional = cached_zhen.ask("天津和神戶什麼時候結為友好城市？")
    assert "cache" not in traditional.timings_ms
    assert traditional.language == "zh-Hant" and simplified.language == "zh-Hans"


def test_the_cache_key_folds_case_width_space_and_punctuation_but_not_numbers():
    def key(q):
        return answer_key(q, "en", documents=None, k=5, generator="x", version=(1, 1))

    assert key("What is MIJBC?") == key("what is  mijbc") == key("ＷＨＡＴ　ＩＳ　ＭＩＪＢＣ？")
    assert key("Was it 1.8 million?") != key("Was it 18 million?")
    scoped = answer_key("q", "en", documents=["b", "a"], k=5, generator="x", version=(1, 1))
    assert scoped == answer_key("q", "en", documents=["a", "b"], k=5, generator="x", version=(1, 1))
    assert scoped != answer_key("q", "en", documents=None, k=5, generator="x", version=(1, 1))


def test_the_cache_never_holds_more_than_its_bound(cached_zhen):
    for q in QUESTIONS:
        cached_zhen.ask(q)
    assert len(cached_zhen.cache) == 4
    cache = AnswerCache(2)
    for n in range(100):
        cache.put(n, object())
    assert len(cache) == 2 and cache.get(99) is not None and cache.get(0) is None


def test_a_library_change_empties_the_cache(tmp_path):
    zhen = Zhen.load(Settings.from_env({}, home=tmp_path / "home"), FakeEmbedder())
    question = "How many visitors did Hamburg welcome?"
    before = zhen.ask(question)
    assert not before.grounded and len(zhen.cache) == 1
    doc = tmp_path / "tea.txt"
    doc.write_text("The third venue, Hamburg, welcomed 57,800 visitors.\n", "utf-8")
    zhen.add([doc])
    after = zhen.ask(question)
    assert "cache" not in after.timings_ms and after.grounded


def test_a_conversation_with_history_bypasses_the_cache(cached_zhen):
    history = [
        {"role": "user", "content": "When did Tianjin and Kobe become friendship cities?"},
        {"role": "assistant", "content": "On 24 June 1973."},
    ]
    cached_zhen.ask("And Osaka?")
    followed = cached_zhen.ask("And Osaka?", history=history)
    assert "cache" not in followed.timings_ms
    assert cached_zhen.cached("And Osaka?", history=history) is None


def test_a_failed_generation_is_not_remembered(cached_zhen):
    failing = ScriptedGenerator("x", fail=GeneratorError("down"))
    zhen = dataclasses.replace(cached_zhen, generator=failing)
    question = "When did Tianjin and Kobe become friendship cities?"
    assert zhen.ask(question).mode == "fallback"
    assert zhen.cached(question) is None


def test_the_server_answers_a_cached_question_even_when_every_slot_is_taken(settings):
    zhen = Zhen.load(settings.replace(answer_cache=8, rate_limit=0), FakeEmbedder())
    client = TestClient(create_app(zhen, zhen.settings, ui=False))
    question = {"question": "When did Tianjin and Kobe become friendship cities?"}
    first = client.post("/api/ask", json=question).json()
    service = client.app.state.service
    for _ in range(service.slots):
        assert service.busy.acquire(timeout=0)
    again = client.post("/api/ask", json=question).json()
    assert again["timings_ms"]["cache"] is True and again["answer"] == first["answer"]
    streamed = client.post("/api/ask/stream", json=question).text
    assert '"cache": true' in streamed


def test_serving_settings_come_from_the_environment():
    env = {"ZHEN_EMBED_BATCH": "1", "ZHEN_EMBED_WAIT_MS": "5", "ZHEN_ANSWER_CACHE": "0"}
    s = Settings.from_env(env)
    assert (s.embed_batch, s.embed_wait_ms, s.answer_cache) == (1, 5.0, 0)
    assert Settings.from_env({}).answer_cache > 0 and Settings.from_env({}).embed_batch > 1


def test_the_bundled_model_batched_gives_each_concurrent_question_its_own_answer(real_zhen):
    assert isinstance(real_zhen.embedder, BatchingEmbedder)  # Zhen.load batches by default
    zhen = dataclasses.replace(real_zhen, cache=AnswerCache(0))
    expected = [zhen.ask(q).answer for q in QUESTIONS]
    batches = real_zhen.embedder.batches
    got = _concurrently(lambda q: zhen.ask(q).answer, QUESTIONS)
    assert got == expected
    assert real_zhen.embedder.batches - batches < len(QUESTIONS)


def test_a_model_answering_within_other_limits_is_not_served_the_first_ones_answers(cached_zhen):
    zhen = dataclasses.replace(cached_zhen, generator=ScriptedGenerator("anything"))
    question = "When did Tianjin and Kobe become friendship cities?"
    zhen.ask(question)
    assert zhen.cached(question) is not None
    zhen.settings = zhen.settings.replace(gen_timeout=1.0)
    assert zhen.cached(question) is None
