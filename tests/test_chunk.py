from index.chunk import chunk_document, split_sentences
from index.model import Document
from index.read import read_document
from tests.conftest import ARTICLE


def _doc(text: str) -> Document:
    return Document("d", "d.txt", text, text)


def test_chinese_sentences_end_at_chinese_punctuation():
    text = "今年是43周年。從此揭開新篇章！真的嗎？是；好"
    pieces = [text[s:e] for s, e in split_sentences(text, "zh")]
    assert pieces == ["今年是43周年。", "從此揭開新篇章！", "真的嗎？", "是；", "好"]


def test_english_sentences_split_even_without_a_space_after_the_period():
    text = "It has remarkable achievements.Up to now, there are 250 pairs. So far, 13 visits."
    pieces = [text[s:e] for s, e in split_sentences(text, "en")]
    assert pieces == [
        "It has remarkable achievements.",
        "Up to now, there are 250 pairs. ",
        "So far, 13 visits.",
    ]


def test_an_abbreviation_ends_no_sentence_but_a_plain_no_does():
    text = "Dr. Li taught at No. 2 Middle School. He said no. Then he left."
    pieces = [text[s:e] for s, e in split_sentences(text, "en")]
    assert pieces == ["Dr. Li taught at No. 2 Middle School. ", "He said no. ", "Then he left."]


def test_the_mark_closing_an_italic_caption_stays_with_its_sentence():
    for text, lang in [("*圖：推車「QE-07號」。*", "zh"), ("*Photo: the cart QE-07.*", "en")]:
        assert split_sentences(text, lang) == [(0, len(text))]


def test_chunks_rebuild_the_cleaned_article_exactly():
    doc = read_document(ARTICLE)
    paragraphs, chunks = chunk_document(doc, size=60)
    rebuilt = list(doc.text)
    covered = [False] * len(doc.text)
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        for i in range(chunk.start, chunk.end):
            assert not covered[i], "chunks overlap"
            covered[i] = True
        assert "".join(chunk.text[s:e] for s, e in chunk.sentences) == chunk.text
    # What no chunk covers is only the whitespace between paragraphs.
    assert all(c.isspace() for c, cov in zip(rebuilt, covered, strict=True) if not cov)
    for p in paragraphs:
        assert "".join(c.text for c in chunks if c.paragraph_id == p.id) == p.text


def test_every_chunk_records_where_it_comes_from():
    doc = read_document(ARTICLE)
    paragraphs, chunks = chunk_document(doc, size=100)
    langs = {p.id: p.lang for p in paragraphs}
    assert {c.lang for c in chunks} == {"zh", "en"}
    for c in chunks:
        assert c.doc_id == doc.id and c.lang == langs[c.paragraph_id]
        assert c.start < c.end


def test_chunk_size_controls_how_many_sentences_a_chunk_holds():
    doc = read_document(ARTICLE)
    small = chunk_document(doc, size=20)[1]
    large = chunk_document(doc, size=300)[1]
    assert len(small) > len(large)


def test_paragraph_language_is_detected():
    doc = _doc("中日友好城市交流。\nThe friendship cities exchange.\n")
    paragraphs, _ = chunk_document(doc)
    assert [p.lang for p in paragraphs] == ["zh", "en"]
