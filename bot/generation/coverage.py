"""Whether a generated reply carries what the quote says: the sentences a question without a
single-valued answer holds it to, compared word for word, or through the dictionary bridge
across languages, and the quoted sentences to add back when it leaves them out."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.answering.analysis import keyword_only, question_parts
from bot.answering.extent import asks_for_list
from bot.answering.tagging import sentence_entities
from bot.generation.grounding import share_found
from bot.generation.quotes import Quote, best_of
from index.anchors import dated_ordinals
from index.bridge import Bridge
from index.lang import normalize
from index.lexical import tokenize

UNTYPED = ("other", "reason", "manner")  # parts no single value answers
COVERED = 0.5  # share of a quoted sentence's own words a reply must carry to cover it
# The share of a paragraph's dictionary words whose CC-CEDICT renderings its aligned
# translation uses: 0.42 on the development articles, both directions
# (scripts/bridge_recall.py). A reply in the other language than a quote must carry that
# share of ``COVERED``.
BRIDGE_RECALL = 0.42


def uncovered(
    question: str, quotes: Sequence[Quote], reply: str, bridge: Bridge | None = None
) -> list[Quote]:
    """For a question without a typed answer (what, how, why, which ones), the chosen quotes
    whose own words, beyond the question's, the reply mostly leaves out: two items of a list
    of five answer with less than the quote. A date, number, place or name is held to the
    quote by ``missing_parts`` instead (and a runner-up passage's sentence by ``covers``,
    whatever the question asks)."""
    if not untyped(question):
        # keywords alone name no answer type for certain (预警提前时间 reads as a date, but the
        # lead time is in hours): the reply must carry the sentence that answers best
        best = best_of(question, quotes) if keyword_only(question) else None
        return [best] if best is not None and not covers(question, best, reply, bridge) else []
    listed = asks_for_list(question)
    return [
        q
        for q in quotes
        if not covers(question, q, reply, bridge) or (listed and not _names_said(q, reply))
    ]


def _names_said(quote: Quote, reply: str) -> bool:
    """Whether the reply names what an item of a list names (a list of stops is answered by
    the cities, not by their dates); a quote in the other language is not compared."""
    said = normalize(reply)
    return not quote.own_language or all(e in said for e in sentence_entities(quote.text))


def untyped(question: str) -> bool:
    """Whether a part of the question has no single-valued answer (what, why, how), or it
    asks for a list ("list the stops and their dates"): every quoted item answers."""
    return bool(set(question_parts(question)) & set(UNTYPED)) or asks_for_list(question)


def covers(question: str, quote: Quote, reply: str, bridge: Bridge | None = None) -> bool:
    """Whether the reply carries most of the quote's own words beyond the question's. A quote
    in the other language is compared through ``bridge``'s dictionary renderings (without a
    bridge it is taken as covered)."""
    # a list item's marker (第一, "first") is no word of what it says
    own = {t for t in tokenize(quote.text) if not t.startswith("#") and not dated_ordinals(t)}
    own -= set(tokenize(question))
    if not own:
        return True
    if quote.own_language:
        return share_found(own, [reply]) >= COVERED
    if bridge is None:
        return True
    return rendered_share(bridge, list(own), question, reply) >= COVERED * BRIDGE_RECALL


class _Anything:
    def __contains__(self, _: object) -> bool:
        return True


def rendered_share(bridge: Bridge, words: list[str], question: str, reply: str) -> float:
    """Of the words (of one language) a dictionary renders, beyond those the question
    renders, the share ``reply`` (in the other language) renders. A word counts with the
    pieces jieba also cut it into (亲眼看到: 亲眼, 看到), once."""

    def within(word: str, found: Collection[str]) -> bool:
        return word in found or (not word.isascii() and any(w in found for w in words if w in word))

    renderable = bridge.translate(words, _Anything())
    asked = bridge.translate(words, set(tokenize(question)))
    said = bridge.translate(words, set(tokenize(reply)))
    whole = [w for w in words if w.isascii() or not any(w != u and w in u for u in words)]
    counted = [w for w in whole if within(w, renderable) and not within(w, asked)]
    if not counted:
        return 1.0
    return sum(within(w, said) for w in counted) / len(counted)


def widened(
    missing: Sequence[tuple[str, Quote | None]], left: Sequence[Quote]
) -> list[tuple[str, Quote | None]]:
    """The clauses to add for the missing parts, each widened to the whole quote it is part
    of when that quote is among those ``left`` out (the quotes ``uncovered`` finds for an
    untyped question, and a runner-up's): "…old tea was found in one corner" would drop
    "…identified it as Lapsang souchong". Then the other quotes left out, as details."""

    def whole(clause: Quote | None) -> Quote | None:
        return next(
            (
                q
                for q in left
                if clause and q.passage_id == clause.passage_id and clause.text in q.text
            ),
            clause,
        )

    out = [(kind, whole(clause)) for kind, clause in missing]
    return out + [("details", q) for q in left if all(c != q for _, c in out)]
