"""What an answer quotes beyond its chunk: the neighbours in the chunk's paragraph that bear
on the question (a long paragraph is cut into chunks, so the name may be in one and the count
in the next)."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from bot.answering.analysis import Analysis, constraints_met, question_parts
from bot.retrieval.terms import Terms
from index.align import BULLET, NUMBERED
from index.anchors import ordinals
from index.lang import normalize
from index.lexical import content_pieces, tokenize
from index.model import Chunk
from index.store import Index

# a request for several items: "list the…", "all the stops", 列出, 所有 (not 所有权), 哪些, 哪几条
_LIST_REQUEST = re.compile(
    r"^\s*(?:please\s+)?list\b|\blist (?:all|the|every|each)\b|列出|列举|哪些|哪几"
)
# "all the venues" asks for each of them, unless the question counts them: a total
_ALL_OF = re.compile(r"\ball (?:of )?the \w+s\b|所有(?![权人者制])")
LEAD_IN = re.compile(r"[:：]\s*$")  # a sentence that introduces what follows


@lru_cache(maxsize=8192)
def token_set(text: str) -> frozenset[str]:
    """A text's search tokens, as a set."""
    return frozenset(tokenize(text))


def extent(
    index: Index, chunk: Chunk, terms: Terms, analysis: Analysis, whole: bool = False
) -> list[Chunk]:
    """A chunk with the neighbours in its paragraph that bear on the question: a long
    paragraph is cut into chunks, and the name may be in one while the count is in the
    next. A neighbour must hold a question term the chunk lacks (for a question of several
    parts or one asking why, how or what, ``whole``, any question term) and meet the year,
    number or edition the question states; for such a question, the further items of a list
    the last neighbour goes on with are taken as well, and the bulleted list a passage ending
    in a colon introduces (``bullets_after``). In document order."""
    at = index.position(chunk.id)
    own = [chunk, index.chunk(chunk.counterpart_id)]
    have = set() if whole else terms.found(set().union(*(token_set(c.text) for c in own if c)))
    numeric = analysis.numeric()
    out = [chunk]
    for step in (-1, 1):
        i = at + step
        if 0 <= i < len(index.chunks) and index.chunks[i].paragraph_id == chunk.paragraph_id:
            near = index.chunks[i]
            adds = terms.found(set(token_set(near.text))) - have
            other = index.chunk(near.counterpart_id)
            text = near.text + ("\n" + other.text if other else "")
            bears = any(len(t) > 1 and content_pieces(t) for t in adds) or (
                whole and step > 0 and continues(chunk, near)
            )
            if bears and constraints_met(numeric, text) == 1.0:
                out.insert(0 if step < 0 else len(out), near)
    if whole:  # a list going on past the next chunk (第三，… / 第四，…) is quoted to its end
        i = index.position(out[-1].id) + 1
        while i < len(index.chunks) and index.chunks[i].paragraph_id == chunk.paragraph_id:
            near = index.chunks[i]
            if out[-1] is chunk or not next_item(out[-1], near):
                break
            out.append(near)  # an item of a list that met the constraints: not held to them
            i += 1
        out += bullets_after(index, out[-1])
    return out


def bullets_after(index: Index, chunk: Chunk) -> list[Chunk]:
    """The items of the bulleted list a chunk introduces ("Its stops were:" / 巡演各站如下：
    then "- Leipzig, 14 March 2019", "1. Leipzig …", 一、…), each its own paragraph."""
    if not LEAD_IN.search(chunk.text):
        return []
    items = []
    for near in itertools.islice(index.chunks, index.position(chunk.id) + 1, None):
        paragraph = index.paragraph(near.paragraph_id)
        if near.doc_id != chunk.doc_id or paragraph is None or not _item(paragraph.text):
            break
        if near.lang == chunk.lang:  # interleaved halves: the other language's items between
            items.append(near)
    return items


def _item(text: str) -> bool:
    return bool(BULLET.match(text) or NUMBERED.match(text))


def continues(chunk: Chunk, near: Chunk) -> bool:
    """Whether the chunk after ``chunk`` opens by going on about what its last sentence
    named ("…来自赞助商长帆航运集团。" then "长帆航运还免费承担了…"), or with the next item
    of the list that sentence is one of (第三，… then 第四，…): one answer to a question of
    several parts."""
    if not chunk.sentences or not near.sentences:
        return False
    if next_item(chunk, near):
        return True
    start, end = chunk.sentences[-1]
    words = token_set(chunk.text[start:end])
    opening = _opening(near, 0)
    return any(len(t) > 1 and t in words and content_pieces(t) for t in tokenize(opening))


def next_item(chunk: Chunk, near: Chunk) -> bool:
    """Whether ``near`` opens with the next item of the list ``chunk`` ends in (第三，… then
    第四，…; third … then fourth …)."""
    if not chunk.sentences or not near.sentences:
        return False
    return any(n + 1 in ordinals(_opening(near, 0)) for n in ordinals(_opening(chunk, -1)))


def _opening(chunk: Chunk, sentence: int) -> str:
    """The first words of one of the chunk's sentences."""
    start, end = chunk.sentences[sentence]
    text = chunk.text[start:end]
    return text[:8] if chunk.lang == "zh" else " ".join(text.split()[:2])


def open_ended(question: str) -> bool:
    """A question of several parts (or of several question sentences: "哪家公司？还提供了什么
    支持？"), asking why, how or what, or asking for a list ("list all the stops", 哪几条
    规则): its answer is a paragraph rather than one figure or name."""
    parts = question_parts(question)
    asked = [q for q in re.split(r"[?？]", question) if q.strip()]
    return (
        len(parts) > 1
        or len(asked) > 1
        or parts[0] in ("reason", "manner", "other")
        or asks_for_list(question)
    )


def asks_for_list(question: str) -> bool:
    """Whether the question asks for several items ("list all the stops", 哪几条规则; not
    "how many came to all the venues", one total)."""
    norm = normalize(question)
    if _LIST_REQUEST.search(norm):
        return True
    return bool(_ALL_OF.search(norm)) and tuple(question_parts(question)) != ("number",)
