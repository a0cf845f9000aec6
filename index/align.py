"""Align Chinese paragraphs with their English counterparts, then chunks inside aligned pairs.

Paragraphs are aligned by a monotonic dynamic programme over 1–1, 1–2, 2–1, 1–0 and 0–1
beads, scored by cross-lingual similarity (hub-corrected, so a paragraph that resembles
everything does not attract every match), agreement of the numbers both sides mention, and
how well the lengths fit the document's overall English/Chinese length ratio. Titles are
paired separately because extracted PDFs often move them (here the English title is last).
Headings and photo captions usually have no counterpart and stay unaligned.
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
    return "heading" if is_heading(p) else "caption" if is_caption(p) else "body"


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
    def __init__(self, zh: list[Paragraph], en: list[Paragraph], sim: np.ndarray | None):
        self.zh, self.en = zh, en
        self.sim = _hub_corrected(sim) if sim is not None else np.zeros((len(zh), len(en)))
        zh_len = sum(len(p.text) for p in zh) or 1
        en_len = sum(len(p.text) for p in en) or 1
        self.ratio = en_len / zh_len
        self.zh_numbers = [_numbers(p.text) for p in zh]
        self.en_numbers = [_numbers(p.text) for p in en]

    def bead(self, zi: list[int], ei: list[int]) -> float:
        zh_len = sum(len(self.zh[i].text) for i in zi)
        en_len = sum(len(self.en[j].text) for j in ei)
        weights = [len(self.zh[i].text) * len(self.en[j].text) for i in zi for j in ei]
        sims = [self.sim[i, j] for i in zi for j in ei]
        sim = float(np.average(sims, weights=weights))
        length = abs(math.log((en_len + 20) / (zh_len * self.ratio + 20)))
        zn = set().union(*(self.zh_numbers[i] for i in zi))
        en = set().union(*(self.en_numbers[j] for j in ei))
        numbers = len(zn & en) / len(zn | en) if zn | en else 0.0
        merged = len(zi) + len(ei) - 2
        kinds = {_kind(self.zh[i]) for i in zi} | {_kind(self.en[j]) for j in ei}
        mixed = 3.0 if len(kinds) > 1 else 0.0
        return sim + 2.0 * numbers - 2.5 * length + 1.0 - 0.75 * merged - mixed


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
    sim = None
    if sentence_vectors and zh and en:
        sim = (
            _mean_rows([sentence_vectors[p.id] for p in zh])
            @ _mean_rows([sentence_vectors[p.id] for p in en]).T
        )
    scorer = _Scorer(zh, en, sim)
    zh_title, en_title = find_title(zh), find_title(en)
    titled = zh_title is not None and en_title is not None
    zi = [i for i, p in enumerate(zh) if not (titled and p is zh_title)]
    ei = [j for j, p in enumerate(en) if not (titled and p is en_title)]
    beads = _dp(scorer, zi, ei)
    if sentence_vectors and zh and en:  # a one-language corpus has nothing to absorb into
        beads = _absorb_orphans(beads, zh, en, sentence_vectors)
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
    beads: list[tuple[list[int], list[int]]],
    zh: list[Paragraph],
    en: list[Paragraph],
    vectors: dict[str, np.ndarray],
) -> list[tuple[list[int], list[int]]]:
    """Join an unaligned body paragraph to the neighbouring bead that renders it.

    A translator often splits or merges paragraphs: the English may give one Chinese
    paragraph as two. The orphan joins the adjacent bead whose other-language sentences
    match it best, when that match stands out from the orphan's usual similarity.
    """
    beads = [(list(z), list(e)) for z, e in beads]
    sides = {"zh": (zh, en, 0), "en": (en, zh, 1)}
    for b, (zs, es) in enumerate(beads):
        if zs and es:
            continue
        lang = "zh" if zs else "en"
        own, other, side = sides[lang]
        para = own[(zs or es)[0]]
        if _kind(para) != "body":
            continue
        vec = vectors[para.id].mean(0)
        all_other = np.concatenate([vectors[p.id] for p in other]) @ vec
        baseline = float(all_other.mean() + all_other.std())
        options = []
        for nb in (b - 1, b + 1):
            if 0 <= nb < len(beads) and beads[nb][0] and beads[nb][1]:
                other_ids = beads[nb][1 - side]
                best = max(float((vectors[other[k].id] @ vec).max()) for k in other_ids)
                options.append((best, nb))
        if options:
            best, nb = max(options)
            if best > baseline:
                beads[nb][side].extend(beads[b][side])
                beads[nb][side].sort()
                beads[b] = ([], [])
    return [(z, e) for z, e in beads if z or e]


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
