"""Align Chinese paragraphs with their English counterparts, then chunks inside aligned pairs.

Paragraphs are aligned by a monotonic dynamic programme over 1–1, 1–2, 2–1, 1–0 and 0–1
beads, scored by cross-lingual similarity, agreement of the numbers both sides mention, and
how well the lengths fit the document's overall English/Chinese length ratio. Similarity is
read sentence by sentence (how well each side's sentences are matched on the other side,
hub-corrected so a sentence that resembles everything does not attract every match): one
half is often a condensed retelling of the other, not a translation. Titles are paired
separately because extracted PDFs often move them (here the English title is last). A
section one half moves elsewhere is paired afterwards, when two left-over paragraphs are
each other's best match. Headings and photo captions usually have no counterpart and stay
unaligned.

The weights were fitted on hand-made gold alignments of the development articles
(``data/dev/alignment``, ``benchmarks/alignment.py``), preferring no counterpart to a wrong one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.model import Chunk, Paragraph

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BILINGUAL_SPLIT = re.compile(r"\s*[|｜]\s*|\s+/\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？!?.;；:：”\"]$")
_CAPTION_START = re.compile(
    r"(\d{4}\s*年\s*\d{1,2}\s*月|(In )?(January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\s+\d{4})"
)


# a table row as ``index.tables`` writes it: "Year: 2024; Loans: 5,000." / "年份：2024，…"
_ROW = re.compile(r"^(?:[^:：;；。]{1,40}[:：][^;；:：]+[;；，,]\s*){2,}")
LENGTH_WEIGHT = 1.5  # per unit of |log| length misfit
PAIR_BIAS = -0.5  # a bead must earn its place: unrelated paragraphs score about 0
MERGE_COST = 0.75  # per paragraph beyond one on each side
MOVED_FLOOR = 1.0  # the least score for pairing two left-over paragraphs out of order
ABSORB_FLOOR = 2.5  # how well an orphan's sentences must match a neighbour's (in spreads)


_DATELINE = re.compile(r"(?:\d{4}|\d{1,2}日)\s*(?:[—–]+|--)\s*$|[0-9一二三四五六七八九十]+日电\s*$")


@dataclass(frozen=True)
class Link:
    """One bead of the alignment: paragraph ids on each side (one side may be empty)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]


# an item of a bulleted list ("- x", "* x", "• x"; not a rule "- - -" nor "*emphasis*")
BULLET = re.compile(r"^\s*[-+*•·▪‣]\s+(?![-*_\s]*$)")
# an item of a numbered list ("1. x", "2) x", "一、x", "（三）x"); a short one may be a
# numbered section heading instead ("1. Background", 一、合作缘起)
NUMBERED = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s+|[(（]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]\s*|"
    r"[一二三四五六七八九十]{1,3}、|\d{1,2}、)(?=\S)"
)
# A caption's own label: "Photo:", "*Photo caption: …*", "Figure 2.", 图：, 圖片：, 照片：
_CAPTION_LABEL = re.compile(
    r"^[*_(（\[]*\s*(?:(?:photo|picture|image|figure|fig\.)\s*(?:caption)?\s*\d*\s*[:：.]|"
    r"caption\s*[:：]|[图圖]片?\s*\d*\s*[:：]|照片\s*[:：])",
    re.IGNORECASE,
)


def is_caption(p: Paragraph) -> bool:
    """A photo caption: one short sentence that opens with a date ("2012年4月,…"), or a
    labelled caption ("Photo: …", 图：…) of up to a few sentences, emphasis marks aside."""
    text = p.text.strip().strip("*_ \t")
    short = len(text) <= 60 if p.lang == "zh" else len(text.split()) <= 30
    if short and _CAPTION_START.match(text):
        return True
    brief = len(text) <= 160 if p.lang == "zh" else len(text.split()) <= 80
    return brief and bool(_CAPTION_LABEL.match(text))


def is_heading(p: Paragraph) -> bool:
    """Short and without closing punctuation (emphasis marks aside): a title or a section
    heading, not a labelled photo caption ("*圖：…參加。*", "Photo: the kiln") nor an item
    of a bulleted list ("- Prague, 21 March 2019")."""
    if BULLET.match(p.text):
        return False
    text = p.text.strip().strip("*_ \t")
    # a heading given in both languages on one line ("冷库选址 | Choosing the sites") is
    # judged by its parts
    parts = [s.strip() for s in _BILINGUAL_SPLIT.split(text)]
    if len(parts) == 2 and {bool(_CJK.search(s)) for s in parts} == {True, False}:
        sized = [(s, "zh" if _CJK.search(s) else "en") for s in parts]
    else:
        sized = [(text, p.lang)]
    short = all(len(s) <= 40 if lang == "zh" else len(s.split()) <= 20 for s, lang in sized)
    return short and not any(_SENTENCE_END.search(s) for s, _ in sized) and not is_caption(p)


def _kind(p: Paragraph) -> str:
    """heading, caption, item (of a list), row (of a table) or body: a bead joins one kind."""
    if is_heading(p):
        return "heading"
    if is_caption(p):
        return "caption"
    if BULLET.match(p.text) or NUMBERED.match(p.text):
        return "item"
    return "row" if _ROW.match(p.text.strip()) else "body"


def _numbers(text: str) -> set[str]:
    return {n for n in _NUMBER.findall(text) if n not in {"1", "2", "3"}}


def _hub_corrected(sim: np.ndarray) -> np.ndarray:
    """Similarity minus each row's and column's mean, in units of its spread."""
    if sim.size == 0:
        return sim
    corrected = sim - sim.mean(1, keepdims=True) - sim.mean(0, keepdims=True) + sim.mean()
    spread = corrected.std() or 1.0
    return corrected / spread


def is_dateline(p: Paragraph) -> bool:
    """A news dateline opening an article: "Yancheng, Jiangsu, 23 October 2024 —",
    新华社北京10月22日电."""
    text = p.text.strip()
    return len(text) <= 80 and bool(_DATELINE.search(text))


def find_title(paragraphs: list[Paragraph]) -> Paragraph | None:
    """The title among one language's paragraphs: a heading first (after any dateline) or
    (as extracted PDFs sometimes leave it) last."""
    body = [p for p in paragraphs[:2] if not is_dateline(p)] + paragraphs[2:]
    if not body:
        return None
    for candidate in (body[0], body[-1]):
        if is_heading(candidate):
            return candidate
    return None


class _Scorer:
    def __init__(
        self,
        zh: list[Paragraph],
        en: list[Paragraph],
        vectors: dict[str, np.ndarray] | None,
    ):
        self.zh, self.en = zh, en
        zh_len = sum(len(p.text) for p in zh) or 1
        en_len = sum(len(p.text) for p in en) or 1
        self.ratio = en_len / zh_len
        self.zh_numbers = [_numbers(p.text) for p in zh]
        self.en_numbers = [_numbers(p.text) for p in en]
        self.sentences: _Sentences | None = None
        self.sim = np.zeros((len(zh), len(en)))  # paragraph to paragraph, hub-corrected
        if vectors and zh and en:
            self.sentences = _Sentences([vectors[p.id] for p in zh], [vectors[p.id] for p in en])
            self.sim = _hub_corrected(
                _mean_rows([vectors[p.id] for p in zh]) @ _mean_rows([vectors[p.id] for p in en]).T
            )

    def bead(self, zi: list[int], ei: list[int]) -> float:
        zh_len = sum(len(self.zh[i].text) for i in zi)
        en_len = sum(len(self.en[j].text) for j in ei)
        sim = self.sentences.match(zi, ei) if self.sentences else 0.0
        length = abs(math.log((en_len + 20) / (zh_len * self.ratio + 20)))
        zn = set().union(*(self.zh_numbers[i] for i in zi))
        en = set().union(*(self.en_numbers[j] for j in ei))
        numbers = len(zn & en) / len(zn | en) if zn | en else 0.0
        merged = len(zi) + len(ei) - 2
        kinds = {_kind(self.zh[i]) for i in zi} | {_kind(self.en[j]) for j in ei}
        mixed = 3.0 if len(kinds) > 1 else 0.0
        return (
            sim + 2.0 * numbers - LENGTH_WEIGHT * length + PAIR_BIAS - MERGE_COST * merged - mixed
        )


class _Sentences:
    """Sentence-to-sentence similarity across the halves, hub-corrected, computed per bead."""

    SAMPLE = 1_000_000  # sentence pairs that estimate the spread of a large document

    def __init__(self, zh: list[np.ndarray], en: list[np.ndarray]):
        self.z, self.e = np.concatenate(zh), np.concatenate(en)
        self.zrows = np.cumsum([0] + [len(v) for v in zh])
        self.erows = np.cumsum([0] + [len(v) for v in en])
        self.row_mean = self.z @ self.e.mean(0)
        self.col_mean = self.e @ self.z.mean(0)
        self.grand = float(self.z.mean(0) @ self.e.mean(0))
        n, m = len(self.z), len(self.e)
        if n * m <= self.SAMPLE:
            spread = self._corrected(np.arange(n), np.arange(m)).std()
        else:
            rng = np.random.default_rng(0)
            i, j = rng.integers(0, n, self.SAMPLE), rng.integers(0, m, self.SAMPLE)
            raw = np.einsum("ij,ij->i", self.z[i], self.e[j])
            spread = (raw - self.row_mean[i] - self.col_mean[j] + self.grand).std()
        self.spread = float(spread) or 1.0

    def _corrected(self, zr: np.ndarray, er: np.ndarray) -> np.ndarray:
        block = self.z[zr] @ self.e[er].T
        return block - self.row_mean[zr, None] - self.col_mean[None, er] + self.grand

    def _block(self, zi: list[int], ei: list[int]) -> np.ndarray:
        zr = np.concatenate([np.arange(self.zrows[i], self.zrows[i + 1]) for i in zi])
        er = np.concatenate([np.arange(self.erows[j], self.erows[j + 1]) for j in ei])
        return self._corrected(zr, er) / self.spread

    def match(self, zi: list[int], ei: list[int]) -> float:
        """How well each side's sentences find a match on the other, averaged both ways."""
        block = self._block(zi, ei)
        return float((block.max(1).mean() + block.max(0).mean()) / 2)

    def covered(self, zi: list[int], ei: list[int], zh_side: bool) -> float:
        """How well the sentences of one side (Chinese when ``zh_side``) find a match."""
        block = self._block(zi, ei)
        return float(block.max(1).mean() if zh_side else block.max(0).mean())


def _dp(scorer: _Scorer, zh_idx: list[int], en_idx: list[int]) -> list[tuple[list[int], list[int]]]:
    n, m = len(zh_idx), len(en_idx)
    best = np.full((n + 1, m + 1), -np.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0, 0] = 0.0
    moves = [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i, j] == -np.inf:
                continue
            for di, dj in moves:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                gain = 0.0
                if di and dj:
                    gain = scorer.bead(zh_idx[i:ni], en_idx[j:nj])
                if best[i, j] + gain > best[ni, nj]:
                    best[ni, nj] = best[i, j] + gain
                    back[(ni, nj)] = (i, j)
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        beads.append((zh_idx[pi:i], en_idx[pj:j]))
        i, j = pi, pj
    return beads[::-1]


def align_paragraphs(
    paragraphs: list[Paragraph], sentence_vectors: dict[str, np.ndarray] | None = None
) -> list[Link]:
    """Alignment beads covering every paragraph once, in document order.

    ``sentence_vectors`` maps a paragraph id to the normalised vectors of its sentences
    (any multilingual embedder); without them, numbers, lengths and kinds alone decide.
    """
    zh = [p for p in paragraphs if p.lang == "zh"]
    en = [p for p in paragraphs if p.lang == "en"]
    scorer = _Scorer(zh, en, sentence_vectors)
    zh_title, en_title = find_title(zh), find_title(en)
    titled = zh_title is not None and en_title is not None
    zi = [i for i, p in enumerate(zh) if not (titled and p is zh_title)]
    ei = [j for j, p in enumerate(en) if not (titled and p is en_title)]
    beads = _dp(scorer, zi, ei)
    if sentence_vectors and zh and en:  # a one-language corpus has nothing to absorb into
        beads = _absorb_orphans(beads, scorer)
        beads = _pair_moved(beads, scorer)
    links = [Link(tuple(zh[i].id for i in zs), tuple(en[j].id for j in es)) for zs, es in beads]
    if titled:
        links.append(Link((zh_title.id,), (en_title.id,)))
    order = {p.id: n for n, p in enumerate(paragraphs)}
    links.sort(key=lambda link: order[(link.zh or link.en)[0]])
    return links


def _mean_rows(blocks: list[np.ndarray]) -> np.ndarray:
    rows = np.stack([b.mean(0) for b in blocks])
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def _absorb_orphans(
    beads: list[tuple[list[int], list[int]]], scorer: _Scorer
) -> list[tuple[list[int], list[int]]]:
    """Join an unaligned body paragraph to the neighbouring bead that renders it.

    A translator often splits or merges paragraphs: the English may give one Chinese
    paragraph as two. The orphan joins the adjacent bead whose other-language sentences
    match its own best, when they match it well (hub-corrected, ``ABSORB_FLOOR``).
    """
    sentences = scorer.sentences
    if sentences is None:
        return beads
    beads = [(list(z), list(e)) for z, e in beads]
    for b, (zs, es) in enumerate(beads):
        if (zs and es) or _kind(scorer.zh[zs[0]] if zs else scorer.en[es[0]]) != "body":
            continue
        options = []
        for nb in (b - 1, b + 1):
            if 0 <= nb < len(beads) and beads[nb][0] and beads[nb][1]:
                z, e = (zs, beads[nb][1]) if zs else (beads[nb][0], es)
                options.append((sentences.covered(z, e, zh_side=bool(zs)), nb))
        if options:
            best, nb = max(options)
            if best > ABSORB_FLOOR:
                side = 0 if zs else 1
                beads[nb][side].extend(beads[b][side])
                beads[nb][side].sort()
                beads[b] = ([], [])
    return [(z, e) for z, e in beads if z or e]


def _pair_moved(
    beads: list[tuple[list[int], list[int]]], scorer: _Scorer
) -> list[tuple[list[int], list[int]]]:
    """Pair left-over paragraphs that are each other's best match, wherever they sit: a
    section that one half tells elsewhere (headings aside, which match by wording only)."""
    lone_zh = {zs[0] for zs, es in beads if zs and not es}
    lone_en = {es[0] for zs, es in beads if es and not zs}
    moved = []
    for i in sorted(lone_zh):
        j = int(np.argmax(scorer.sim[i]))
        if (
            j in lone_en
            and int(np.argmax(scorer.sim[:, j])) == i
            and _kind(scorer.zh[i]) != "heading"
            and scorer.bead([i], [j]) > MOVED_FLOOR
        ):
            moved.append(([i], [j]))
    paired_zh = {zs[0] for zs, _ in moved}
    paired_en = {es[0] for _, es in moved}
    kept = [
        (zs, es)
        for zs, es in beads
        if not (zs and not es and zs[0] in paired_zh) and not (es and not zs and es[0] in paired_en)
    ]
    return kept + moved


def link_chunks(chunks: list[Chunk], vectors: np.ndarray, links: list[Link]) -> None:
    """Set each chunk's ``counterpart_id`` to its best match inside the aligned paragraphs.

    The match weighs similarity against distance in relative position within the bead.
    """
    by_paragraph: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        by_paragraph.setdefault(chunk.paragraph_id, []).append(i)
    for link in links:
        zs = [i for pid in link.zh for i in by_paragraph.get(pid, [])]
        es = [i for pid in link.en for i in by_paragraph.get(pid, [])]
        if not zs or not es:
            continue
        sim = vectors[zs] @ vectors[es].T
        zpos, epos = _positions(chunks, zs), _positions(chunks, es)
        score = sim - 0.3 * np.abs(zpos[:, None] - epos[None, :])
        for a, i in enumerate(zs):
            chunks[i].counterpart_id = chunks[es[int(score[a].argmax())]].id
        for b, j in enumerate(es):
            chunks[j].counterpart_id = chunks[zs[int(score[:, b].argmax())]].id


def _positions(chunks: list[Chunk], idx: list[int]) -> np.ndarray:
    """Relative centre of each chunk within its bead (0 … 1)."""
    lengths = np.array([len(chunks[i].text) for i in idx], dtype=float)
    ends = np.cumsum(lengths)
    return (ends - lengths / 2) / ends[-1]
