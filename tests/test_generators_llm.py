"""Real language models behind each backend: llama.cpp's OpenAI-compatible server, the
bundled GGUF in-process, and a tiny transformers model built here from a config."""

import dataclasses
import os
import subprocess
import sys

import pytest

from bot.answering.answer import Answer
from bot.engine import Zhen
from bot.evaluation.metrics import language_matches
from bot.generation.backends.gguf import GGUFGenerator
from bot.generation.backends.openai_compat import OpenAIGenerator
from tests.conftest import free_port, wait_until_up

pytestmark = [pytest.mark.llm, pytest.mark.real]

EN_Q = "When did Tianjin and Kobe become friendship cities?"
ZH_Q = "天津和神户什么时候结为友好城市？"
WORDS = [
    "the",
    "article",
    "tianjin",
    "kobe",
    "1973",
    "friendship",
    "cities",
    "passage",
    "answer",
    "user",
    "assistant",
]


@pytest.fixture(scope="session")
def bundled_gguf(tmp_path_factory):
    """The bundled GGUF, joined and verified once per test session."""
    pytest.importorskip("llama_cpp", reason="needs the gguf extra: pip install -e '.[gguf]'")
    from bot.generation.backends.bundled import bundled_model

    return bundled_model(tmp_path_factory.mktemp("llm-home"))


def _with(zhen: Zhen, generator) -> Zhen:
    return dataclasses.replace(zhen, generator=generator)


@pytest.fixture(scope="module")
def llama_server(bundled_gguf, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(proc, f"{url}/models", log, 60, name="llama_cpp.server")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("question", [EN_Q, ZH_Q])
def test_llama_server_answers_through_the_openai_backend(real_zhen, llama_server, question):
    zhen = _with(real_zhen, OpenAIGenerator(llama_server, "bundled"))
    items = list(zhen.stream(question))
    final = items[-1]
    assert isinstance(final, Answer) and final.grounded
    assert "".join(p for p in items[:-1] if isinstance(p, str)).strip()  # the model wrote
    assert final.mode in ("generated", "fallback")
    assert final.timings_ms["generate"] > 0
    assert "1973" in final.answer
    assert language_matches(final.answer, final.language)
    assert all(c.passage_id for c in final.citations)


def test_the_bundled_gguf_answers_in_process(real_zhen, bundled_gguf):
    gen = GGUFGenerator(bundled_gguf, bundled_gguf.parent)
    reply = gen.generate(
        [{"role": "user", "content": "Reply with one word: the capital of France."}],
        max_tokens=8,
        timeout=30,
    )
    assert "Paris" in reply
    result = _with(real_zhen, gen).ask(EN_Q)
    assert result.grounded and "1973" in result.answer
    assert result.mode in ("generated", "fallback")


def test_a_too_short_timeout_stops_the_in_process_model_with_a_fallback(real_zhen, bundled_gguf):
    zhen = _with(real_zhen, GGUFGenerator(bundled_gguf, bundled_gguf.parent))
    zhen.settings = zhen.settings.replace(gen_timeout=0.05)
    result = zhen.ask(EN_Q)
    assert result.mode == "fallback" and "time" in result.note


@pytest.fixture(scope="module")
def tiny_hf_model(tmp_path_factory):
    """A 1-layer random Llama and a word-level tokenizer, built offline."""
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "</s>", *WORDS])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="</s>"
    )
    tokenizer.chat_template = (
        "{% for m in messages %}{{ m['role'] }} {{ m['content'] }} {% endfor %}assistant"
    )
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        eos_token_id=vocab["</s>"],
        pad_token_id=vocab["[PAD]"],
    )
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_the_hf_backend_generates_and_streams_from_a_local_folder(tiny_hf_model, fake_zhen):
    from bot.generation.backends.hf import HFGenerator

    gen = HFGenerator(str(tiny_hf_model))
    messages = [{"role": "user", "content": "the article tianjin kobe"}]
    whole = gen.generate(messages, max_tokens=6, timeout=30)
    pieces = list(gen.stream(messages, max_tokens=6, timeout=30))
    assert whole.split() and len(whole.split()) <= 6
    assert "".join(pieces).split() == whole.split()  # greedy: the same tokens either way
    assert set(whole.split()) <= {"[UNK]", *WORDS}
    result = _with(fake_zhen, gen).ask(EN_Q)  # random words cite nothing: the article is quoted
    assert result.mode == "fallback" and result.grounded
