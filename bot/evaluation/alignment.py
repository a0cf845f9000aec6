"""The pairing of a bilingual document's halves, scored against a hand-made gold alignment.

A gold file (``data/dev/alignment/NAME.json``) lists which Chinese paragraphs render which
English ones, each paragraph named by how its text begins; paragraphs with no counterpart are
left out. A paragraph the index pairs is *right* when one of its partners is a gold partner,
else *wrong*; a paragraph with gold partners that the index leaves unpaired is *missed*.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.store import Index


@dataclass(frozen=True)
class AlignmentScore:
    right: int
    wrong: int
    missed: int
    wrong_pairs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (paragraph, its partners)
    missed_paragraphs: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missed) if self.right + self.missed else 1.0


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _resolve(texts: dict[str, str], start: str) -> str:
    """The paragraph whose text begins with ``start`` (the one that is exactly it, if several)."""
    hits = [pid for pid, text in texts.items() if text.startswith(start)]
    if len(hits) > 1:
        hits = [pid for pid in hits if texts[pid] == start]
    if len(hits) != 1:
        raise ValueError(f"the gold alignment names no single paragraph: {start!r}")
    return hits[0]


def score_alignment(index: Index, gold: dict) -> AlignmentScore:
    """How the index's paragraph links agree with ``gold``."""
    texts = {p.id: p.text for p in index.paragraphs}
    want = {
        (_resolve(texts, z), _resolve(texts, e))
        for link in gold["links"]
        for z in link["zh"]
        for e in link["en"]
    }
    got = {(z, e) for link in index.links for z in link.zh for e in link.en}
    right, wrong, missed = 0, [], []
    for p in index.paragraphs:
        side = 0 if p.lang == "zh" else 1
        wanted = {pair[1 - side] for pair in want if pair[side] == p.id}
        partners = {pair[1 - side] for pair in got if pair[side] == p.id}
        if partners & wanted:
            right += 1
        elif partners:
            wrong.append((p.text, tuple(texts[q] for q in sorted(partners))))
        elif wanted:
            missed.append(p.text)
    return AlignmentScore(right, len(wrong), len(missed), tuple(wrong), tuple(missed))
