"""A question's search terms: IDF weights, and the corpus words that render each term.

A term counts as present in a text when the text holds the term itself or one of its
renderings: through the index's bridge (乒乓球 for "table tennis", the full name of an
abbreviation), a Chinese abbreviation formed from the halves' first characters (友好城市 ⇄
友城), the corpus words a clipped English term is short for (techs → technicians),
the corpus word a misspelt English term means (visiter → visitor), the
content words of a Chinese term jieba cut differently from the corpus (那站 → 站), or the
corpus word a mistyped Chinese one sounds like (主仁 → 主任). Terms the
corpus never uses, in any rendering, weigh the most; function words (那个, 一共, 呀) are
never counted as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.bridge import english_word, pinyin_syllables, pinyin_table
from index.lexical import content_pieces, frequency
from index.store import Index

RARER = 100  # how much commoner a homophone must be for a listed word to be its typo


def _respelt(term: str, index: Index) -> set[str]:
    """Corpus words an unknown term stands for: the word a misspelling means, the content
    words of a Chinese term when the corpus has them all, or the word a Chinese term that is
    no word at all sounds like."""
    if term.isascii():
        # a clipped word (techs, prof) when no dictionary lists it, else a misspelling
        named = english_word(term) or term in pinyin_syllables()  # a word, or part of a name
        clipped = [] if named else index.bm25.clipped(term)
        if clipped:
            return set(clipped)
        closest = index.bm25.closest(term)
        return {closest} if closest else set()
    pieces = set(content_pieces(term)) - {term}
    if pieces and all(p in index.bm25.idf for p in pieces):
        return pieces
    # a word the dictionary lists is no typo, unless a corpus word that sounds the same is far
    # commoner (分岐 for 分歧: an input method offers the common word first, not always)
    sounded = index.bm25.sounds_like(term, pinyin_table())
    return {sounded} if sounded and frequency(sounded) >= RARER * frequency(term) else set()


@dataclass(frozen=True)
class Terms:
    weights: dict[str, float]  # term → IDF weight
    renderings: dict[str, frozenset[str]]  # term → {term} ∪ its bridged renderings
    known: frozenset[str]  # terms the corpus uses, directly or through a rendering
    function: frozenset[str] = frozenset()  # unknown terms without content of their own
    respelt: frozenset[str] = frozenset()  # corpus words unknown terms were respelt as

    @classmethod
    def of(cls, tokens: list[str], index: Index) -> Terms:
        idf = index.bm25.idf
        top = max(idf.values(), default=1.0)
        bridged = index.bridge.translate(tokens, idf)
        weights, renderings, known, function, respelt = {}, {}, set(), set(), set()
        for term in dict.fromkeys(tokens):
            forms = {term} | bridged.get(term, set()) | index.bm25.abbreviations(term)
            if not any(f in idf for f in forms):
                fixed = _respelt(term, index)
                # the word as meant is rendered as a word spelt right would be
                forms |= fixed | {
                    f for word in fixed for f in index.bridge.translate([word], idf).get(word, ())
                }
                respelt |= fixed
            used = [idf[f] for f in forms if f in idf]
            weights[term] = idf[term] if term in idf else max(used, default=top)
            renderings[term] = frozenset(forms)
            if used:
                known.add(term)
            elif not content_pieces(term):
                function.add(term)
        return cls(weights, renderings, frozenset(known), frozenset(function), frozenset(respelt))

    def unknown_share(self) -> float:
        """The IDF-weighted share of the question's content terms the corpus never uses."""
        total = sum(self.weights.values()) or 1.0
        absent = set(self.weights) - self.known - self.function
        return sum(self.weights[t] for t in absent) / total

    def found(self, tokens: set[str]) -> set[str]:
        """The terms present in ``tokens`` (directly or through a rendering)."""
        return {t for t, forms in self.renderings.items() if forms & tokens}

    def share(self, tokens: set[str]) -> float:
        """The IDF-weighted share of the terms present in ``tokens``."""
        total = sum(self.weights.values()) or 1.0
        return sum(self.weights[t] for t in self.found(tokens)) / total

    def bridged(self) -> list[str]:
        """Renderings that are neither question terms nor respellings of them (for lexical
        search, where they weigh less than the question's own words)."""
        own = set(self.weights) | self.respelt
        return sorted({f for forms in self.renderings.values() for f in forms} - own)

    def corrected(self) -> list[str]:
        """The corpus words unknown terms were respelt as (holse → hole): the question's own
        words, mistyped or clipped, so they weigh as much as its other words."""
        return sorted(self.respelt - set(self.weights))
