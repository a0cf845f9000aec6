"""Property-based tests: arbitrary Unicode never crashes the text stages, and chunk
offsets always rebuild the text."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.analysis import analyse, constraints_met, sentence_types, supplies
from bot.answering.question import check_question
from bot.errors import InvalidQuestion
from index.align import align_paragraphs
from index.anchors import anchors
from index.chunk import chunk_document, split_sentences
from index.clean import clean
from index.lang import detect_language, normalize, to_script
from index.lexical import tokenize
from index.model import Document

# Mixed scripts on purpose: CJK (both scripts), Latin with ligature-like breaks, pinyin
# tone marks, emoji, right-to-left text, zero-width and control characters, lone surrogates.
PIECES = st.sampled_from(
    [
        "發(fā)展",
        "协(xié)",
        "fi rst",
        "diffi cult",
        "。",
        "！",
        "？",
        "；",
        ". ",
        "! ",
        "? ",
        "\n",
        "\n\n",
        "  ",
        "\u200b",
        "\u200f",
        "\ufeff",
        "🙂",
        "👨‍👩‍👧",
        "שלום",
        "مرحبا",
        "正?;詠碜罾щy局面",
        "第十二次",
        "twelfth",
        "May 2009",
        "2009年5月",
        "(",
        ")",
        "（",
        "天津",
        "Kobe",
        "\x00",
        "\x7f",
        "\ud800",
        "é",
        "ｆｕｌｌ",
        "１２",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_clean_keeps_a_valid_map_back_to_the_original(text):
    cleaned = clean(text)
    for offset in range(len(cleaned.text)):
        original = cleaned.to_original(offset)
        assert 0 <= original < len(text)
        assert text[original] == cleaned.text[offset]
    for start, end in cleaned.garbled:
        assert 0 <= start < end <= len(cleaned.text)


@SETTINGS
@given(TEXT, st.integers(min_value=10, max_value=200))
def test_chunks_tile_every_paragraph_exactly(text, size):
    cleaned = clean(text).text
    doc = Document("d", "d.txt", text, cleaned)
    paragraphs, chunks = chunk_document(doc, size=size)
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert "".join(chunk.text[s:e] for s, e in chunk.sentences) == chunk.text
    for p in paragraphs:
        assert "".join(c.text for c in chunks if c.paragraph_id == p.id) == p.text


@SETTINGS
@given(TEXT, st.sampled_from(["zh", "en"]))
def test_sentence_spans_cover_the_text_in_order(text, lang):
    spans = split_sentences(text, lang)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(s < e for s, e in spans)


@SETTINGS
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_alignment_covers_every_paragraph_once(texts):
    doc_text = "\n\n".join(texts)
    doc = Document("d", "d.txt", doc_text, clean(doc_text).text)
    paragraphs, _ = chunk_document(doc)
    rng = np.random.default_rng(0)
    vectors = {}
    for p in paragraphs:
        v = rng.normal(size=(1, 8)).astype(np.float32)
        vectors[p.id] = v / np.linalg.norm(v)
    links = align_paragraphs(paragraphs, vectors)
    seen = [pid for link in links for pid in (*link.zh, *link.en)]
    assert sorted(seen) == sorted(p.id for p in paragraphs)


@SETTINGS
@given(TEXT)
def test_language_and_normalisation_never_crash(text):
    language = detect_language(text)
    assert language in ("en", "zh-Hans", "zh-Hant")
    assert isinstance(normalize(text), str)
    assert isinstance(to_script(text, language), str)
    assert all(isinstance(t, str) and t for t in tokenize(text))
    assert all(a.startswith("#") for a in anchors(text))


@SETTINGS
@given(TEXT)
def test_question_checks_accept_or_refuse_clearly(text):
    try:
        question, language = check_question(text, max_chars=200)
    except InvalidQuestion as exc:
        assert exc.text and "\n" not in exc.text
        return
    assert question == question.strip() and question
    wanted = analyse(question)
    assert isinstance(supplies(wanted, question), bool)
    assert 0.0 <= constraints_met(wanted, question) <= 1.0
    assert "other" in sentence_types(question)
    assert language in ("en", "zh-Hans", "zh-Hant")
