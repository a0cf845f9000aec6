"""The language-neutral query vector passages are ranked by."""

from __future__ import annotations

import numpy as np

from bot.retrieval.neutral import Neutral


def _unit(*parts: tuple[int, float]) -> np.ndarray:
    v = np.zeros(8)
    for axis, weight in parts:
        v[axis] = weight
    return v / np.linalg.norm(v)


# axis 0 says only which language a text is in; axes 1-3 are what it says
EN, ZH = (0, 0.8), (0, -0.8)
PASSAGES = np.array(
    [_unit(ZH, (1, 0.6)), _unit(ZH, (2, 0.6)), _unit(EN, (2, 0.6)), _unit(EN, (3, 0.6))]
)
LANGS = np.array(["zh", "zh", "en", "en"])


def test_a_fact_only_the_other_language_states_outranks_an_unrelated_passage_in_the_askers():
    question = _unit(EN, (1, 0.6))  # asks, in English, what only the first (Chinese) passage says
    plain = PASSAGES @ question
    assert plain.argmax() != 0
    neutral = Neutral.of(PASSAGES, LANGS)
    assert neutral is not None
    assert (PASSAGES @ neutral(question)).argmax() == 0


def test_the_same_fact_in_either_language_scores_nearly_alike():
    neutral = Neutral.of(PASSAGES, LANGS)
    assert neutral is not None
    question = _unit(EN, (2, 0.6))
    plain, scores = PASSAGES @ question, PASSAGES @ neutral(question)
    assert abs(scores[1] - scores[2]) < abs(plain[1] - plain[2]) / 5
    assert min(scores[1], scores[2]) > max(scores[0], scores[3])


def test_a_one_language_index_has_no_language_direction_and_an_empty_one_nothing():
    one = Neutral.of(PASSAGES[:2], LANGS[:2])
    assert one is not None and one.direction is None
    assert Neutral.of(np.zeros((0, 8)), np.array([], dtype=str)) is None


def test_the_neutral_vector_is_float32_of_the_query_size():
    neutral = Neutral.of(PASSAGES, LANGS)
    assert neutral is not None
    out = neutral(_unit(ZH, (3, 0.6)).astype(np.float32))
    assert out.dtype == np.float32 and out.shape == (8,)
