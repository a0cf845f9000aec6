"""A question's search terms: IDF weights, and the corpus words that render each term.

A term counts as present in a text when the text holds the term itself or one of its
renderings through the index's bridge (乒乓球 for "table tennis", the full name of an
abbreviation). Terms the corpus never uses, in any rendering, weigh the most.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.store import Index


@dataclass(frozen=True)
class Terms:
    weights: dict[str, float]  # term → IDF weight
    renderings: dict[str, frozenset[str]]  # term → {term} ∪ its bridged renderings
    known: frozenset[str]  # terms the corpus uses, directly or through a rendering

    @classmethod
    def of(cls, tokens: list[str], index: Index) -> Terms:
        idf = index.bm25.idf
        top = max(idf.values(), default=1.0)
        bridged = index.bridge.translate(tokens, idf)
        weights, renderings, known = {}, {}, set()
        for term in dict.fromkeys(tokens):
            forms = frozenset({term} | bridged.get(term, set()))
            used = [idf[f] for f in forms if f in idf]
            weights[term] = idf[term] if term in idf else max(used, default=top)
            renderings[term] = forms
            if used:
                known.add(term)
        return cls(weights, renderings, frozenset(known))

    def found(self, tokens: set[str]) -> set[str]:
        """The terms present in ``tokens`` (directly or through a rendering)."""
        return {t for t, forms in self.renderings.items() if forms & tokens}

    def share(self, tokens: set[str]) -> float:
        """The IDF-weighted share of the terms present in ``tokens``."""
        total = sum(self.weights.values()) or 1.0
        return sum(self.weights[t] for t in self.found(tokens)) / total

    def bridged(self) -> list[str]:
        """Renderings that are not question terms themselves (for lexical search)."""
        own = set(self.weights)
        return sorted({f for forms in self.renderings.values() for f in forms} - own)
