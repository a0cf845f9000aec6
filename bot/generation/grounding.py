"""Grounding for generated answers: the prompt's numbered passages, and checking the reply.

All pure functions. A reply is accepted only when it cites passages that exist, it is
written in the asker's language, and its sentences are supported by what they cite (shared
normalised tokens, and no number the passages do not contain). Words and numbers the
question itself states are given: a reply restating the question in its own wording adds
only what it answers with, and that is what the passages must hold. A sentence no passage
supports is left out; a reply with no supported sentence is rejected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot.answering.conversation import Message
from bot.answering.numbers import numbers_in
from bot.generation.prompts import render_prompt
from bot.i18n import MESSAGES
from bot.retrieval.hybrid import Hit
from index.lang import Language, detect_lang, match_form, normalize, to_script
from index.lexical import tokenize

MIN_SUPPORT = 0.6  # share of a sentence's tokens that its cited passages must contain
MAX_PASSAGES = 3
MARK = "**"  # around the sentences the extractive answer chose, in the passages shown

_MARKER = re.compile(r"\s*[\[【](\d+(?:\s*[,，、]\s*\d+)*)[\]】]")
# a sentence ends at . ! ? (not a decimal point: "2.1 million") or a line break
_SENTENCE = re.compile(r"(?:[^.!?。！？\n]|(?<=\d)\.(?=\d))+(?:[.!?。！？]+|\n|$)(?:\s*\[\d+\])*")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Passage:
    n: int
    hit: Hit
    text: str  # as shown to the model: the asker's language where aligned, the asker's script
    marked: tuple[str, ...] = ()  # sentences of ``text`` shown between ``MARK``s

    @property
    def shown(self) -> str:
        """The text with the chosen sentences marked."""
        text = self.text
        for sentence in self.marked:
            text = text.replace(sentence, f"{MARK}{sentence}{MARK}", 1)
        return text

    def holds(self, passage_id: str) -> bool:
        """Whether this passage is, or is the aligned translation of, ``passage_id``."""
        translation = self.hit.translation
        return passage_id in (self.hit.chunk.id, translation.id if translation else None)


@dataclass
class Verdict:
    """What checking a reply found. ``text`` is the reply cleaned and in the asker's script."""

    ok: bool
    text: str
    cited: list[int] = field(default_factory=list)
    not_found: bool = False
    reason: str = ""
    dropped: list[str] = field(default_factory=list)  # sentences no passage supports


def build_passages(
    hits: Sequence[Hit],
    language: Language,
    limit: int = MAX_PASSAGES,
    chosen: Mapping[str, Sequence[str]] | None = None,
) -> list[Passage]:
    """Number the top hits; each is already in the asker's language where a translation exists.

    ``chosen`` maps a passage id to the sentences the extractive answer chose there: they are
    marked, and the first ``limit`` of those passages are shown even when they rank below it
    (in place of the lowest-ranked passages nothing was chosen from)."""
    chosen = chosen or {}
    wanted = [i for i, h in enumerate(hits) if _ids(h) & chosen.keys()][:limit]
    others = [i for i in range(min(limit, len(hits))) if i not in wanted]
    top = [hits[i] for i in sorted(wanted + others[: limit - len(wanted)])]
    passages = []
    for n, hit in enumerate(top, start=1):
        text = to_script(hit.chunk.text, language) if hit.chunk.lang == "zh" else hit.chunk.text
        said = [to_script(s, language) for i in _ids(hit) for s in chosen.get(i, ())]
        passages.append(Passage(n, hit, text, tuple(s for s in said if s and s in text)))
    return passages


def _ids(hit: Hit) -> set[str]:
    return {hit.chunk.id} | ({hit.translation.id} if hit.translation else set())


def format_passages(passages: Sequence[Passage]) -> str:
    return "\n\n".join(f"[{p.n}] {p.shown}" for p in passages)


def answer_messages(
    question: str, language: Language, passages: Sequence[Passage]
) -> list[Message]:
    prompt = render_prompt(
        "answer", language, passages=format_passages(passages), question=question
    )
    return [{"role": "user", "content": prompt}]


def clean_citations(text: str, count: int) -> tuple[str, list[int]]:
    """Rewrite markers as ``[n]``, drop those pointing to no passage; the valid numbers cited."""
    cited: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= count]
        cited.extend(n for n in valid if n not in cited)
        lead = " " if match.group(0)[:1].isspace() else ""
        return lead + "".join(f"[{n}]" for n in valid) if valid else ""

    cleaned = _MARKER.sub(keep, text)
    return re.sub(r"[ \t]+", " ", cleaned).strip(), cited


def strip_citations(text: str) -> str:
    return _MARKER.sub("", text).strip()


def is_not_found(text: str) -> bool:
    """The reply is the prompt's exact "does not say" answer (any language, any script)."""
    reply = _loose(strip_citations(text))
    return bool(reply) and any(_loose(m) == reply for m in MESSAGES["not_found"].values())


def _loose(text: str) -> str:
    return re.sub(r"[\s.。!！:：]+", "", match_form(text))


def in_language(text: str, language: Language) -> bool:
    """The reply's own words are Chinese for a Chinese question, English for an English one."""
    words = strip_citations(text)
    return detect_lang(words) == ("en" if language == "en" else "zh")


def sentences(text: str) -> list[str]:
    """Sentences of a reply, each with the citation markers that follow it."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def support(sentence: str, passages: Sequence[str], given: Collection[str] = ()) -> float:
    """Share of the sentence's tokens beyond ``given`` (the question's) found in
    ``passages``; 1.0 for a sentence with none.

    A Chinese token also counts when it occurs inside the passage text, so a different
    word segmentation of the same characters is not held against the reply.
    """
    tokens = set(tokenize(strip_citations(sentence))) - set(given)
    return share_found(tokens, passages) if tokens else 1.0


def share_found(tokens: set[str], texts: Sequence[str]) -> float:
    """The share of ``tokens`` (non-empty) that ``texts`` hold, a Chinese token also inside
    their text."""
    known: set[str] = set()
    for text in texts:
        known.update(tokenize(text))
    flat = normalize("".join(texts)).replace(" ", "")
    return sum(1 for t in tokens if t in known or (not t.isascii() and t in flat)) / len(tokens)


def invented_numbers(sentence: str, passages: Sequence[str]) -> list[str]:
    """Numbers in the sentence that none of the passages contain, however either writes them
    (3 for "three", 十名 for "10 names"): digits as written or by value, figures in words by
    value."""
    have = unicodedata.normalize("NFKC", " ".join(passages))
    said = unicodedata.normalize("NFKC", strip_citations(sentence))
    written, values = set(_NUMBER.findall(have)), numbers_in(have)
    digits = [n for n in _NUMBER.findall(said) if n not in written and float(n) not in values]
    worded = numbers_in(_NUMBER.sub(" ", said), exact=True) - values
    return digits + [f"{v:g}" for v in sorted(worded)]


def verify(
    reply: str, language: Language, passages: Sequence[Passage], question: str = ""
) -> Verdict:
    """Check a generated reply to ``question`` against the passages it was given."""
    text, cited = clean_citations(reply.replace(MARK, ""), len(passages))
    if not strip_citations(text):
        return Verdict(False, text, reason="empty")
    if is_not_found(text):
        return Verdict(False, text, not_found=True, reason="not_found")
    if not in_language(text, language):
        return Verdict(False, text, cited, reason="language")
    text = to_script(text, language)
    given = Given.of(question)
    evidence = {p.n: _evidence(p) for p in passages}
    checked: list[str] = []
    dropped: list[str] = []
    for sentence in sentences(text):
        marks = [n for n in cited if f"[{n}]" in sentence] or cited
        if not _supported(sentence, [t for n in marks for t in evidence[n]], given):
            source = _source(sentence, evidence, given)
            if source is None:
                dropped.append(sentence)
                continue
            sentence = _recited(sentence, source, language)
        elif not marks:
            return Verdict(False, text, reason="no_citation")
        checked.append(sentence)
    if not checked:
        return Verdict(False, text, cited, reason="unsupported" if cited else "no_citation")
    return kept(checked, language, dropped)


def kept(checked: Sequence[str], language: Language, dropped: Sequence[str] = ()) -> Verdict:
    """The accepted verdict of a reply's checked sentences, joined, with the passages they
    cite."""
    text = ("" if language != "en" else " ").join(checked)
    cited = [int(n) for n in dict.fromkeys(re.findall(r"\[(\d+)\]", text))]
    return Verdict(True, text, cited, dropped=list(dropped))


@dataclass(frozen=True)
class Given:
    """What the question states: its text (for the numbers it gives) and its tokens."""

    question: str = ""
    tokens: frozenset[str] = frozenset()

    @classmethod
    def of(cls, question: str) -> Given:
        return cls(question, frozenset(tokenize(question)))


def _supported(sentence: str, sources: Sequence[str], given: Given = Given()) -> bool:
    return support(sentence, sources, given.tokens) >= MIN_SUPPORT and not invented_numbers(
        sentence, [*sources, given.question]
    )


def _source(
    sentence: str, evidence: Mapping[int, Sequence[str]], given: Given = Given()
) -> int | None:
    """The one passage that supports a sentence its own markers do not (small models often
    cite the wrong number, or none); the best supported when several do."""
    ok = [n for n, texts in evidence.items() if _supported(sentence, texts, given)]
    return max(ok, key=lambda n: support(sentence, evidence[n], given.tokens)) if ok else None


def _recited(sentence: str, n: int, language: Language) -> str:
    """The sentence with its markers replaced by ``[n]``, before its closing punctuation."""
    body = strip_citations(sentence)
    end = re.search(r"[.!?。！？]+$", body)
    stop = end.group(0) if end else ("." if language == "en" else "。")
    body = body[: end.start()] if end else body
    return f"{body} [{n}]{stop}" if language == "en" else f"{body}[{n}]{stop}"


def _evidence(passage: Passage) -> list[str]:
    """The passage as shown and its aligned translation: a reply may draw on either."""
    hit = passage.hit
    return [passage.text, hit.chunk.text] + ([hit.translation.text] if hit.translation else [])
