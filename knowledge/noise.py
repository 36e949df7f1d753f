"""Random or garbled text is not a question: it must never get a clause.

Among 500 random Chinese characters a rare word can match a clause by chance. Real text, even a
dialect question with typos, is mostly made of words of two or more characters; random characters
seldom form one. So the share of a text's Chinese characters that fall in such words tells them apart
once the text is long enough to judge (measured on the dev questions, the bundled gazette's sentences
and random strings: real text ≥ 0.25 from 20 characters on, ≥ 0.4 from 35; random ≤ 0.1 at 20, ≤ 0.3
at 60, ≤ 0.24 at 500).
"""

from __future__ import annotations

import re
from collections.abc import Callable

HAN = re.compile(r"[\u4e00-\u9fff]")
# (at least this many Chinese characters, noise below this share of them in words)
THRESHOLDS = ((100, 0.33), (40, 0.2), (20, 0.12))


def word_share(text: str, words: Callable[[str], list[str]]) -> tuple[float, int]:
    """(share of the Chinese characters inside words of two or more Chinese characters, how many there are)."""
    han = len(HAN.findall(text))
    if not han:
        return 1.0, 0
    inside = sum(len(w) for w in words(text) if len(w) >= 2 and len(HAN.findall(w)) == len(w))
    return inside / han, han


def looks_like_noise(text: str, words: Callable[[str], list[str]]) -> bool:
    """Whether a (normalised) text is too long and too wordless to be a question."""
    if len(HAN.findall(text)) < THRESHOLDS[-1][0]:
        return False  # too short to judge: most questions, decided without segmenting them again
    share, han = word_share(text, words)  # as the search will segment it, so the cut is made once
    return any(han >= length and share < threshold for length, threshold in THRESHOLDS)
