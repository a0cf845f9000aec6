"""Answers remembered for questions asked again: a bounded, thread-safe LRU.

Visitors of a site ask the same popular questions over and over; the answer only changes
when the library does. The key folds what does not change the answer: script (traditional
and simplified ask the same, but each is answered in its own script, so the asker's script
is part of the key), letter case, width, whitespace and punctuation.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable

from bot.answering.answer import Answer
from index.lang import normalize

# punctuation and spaces, except a decimal point or thousands separator between digits
_FOLDED = re.compile(r"(?<=\d)([.,])(?=\d)|[\W_]+")


def answer_key(
    question: str,
    language: str,
    *,
    documents: Collection[str] | None,
    k: int,
    generator: str,
    version: Hashable,
) -> tuple:
    """What an answer depends on: the folded question, the asker's language and script, the
    document scope, ``k``, the answerer, and the library version."""
    folded = _FOLDED.sub(lambda m: m.group(1) or "", normalize(question))
    scope = None if documents is None else tuple(sorted(set(documents)))
    return (folded, language, scope, k, generator, version)


class AnswerCache:
    """At most ``size`` answers; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
