"""From the words people type to the words notices use: synonyms, near spellings, homophones."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from itertools import accumulate

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from knowledge.lexicon import Lexicon

CJK = re.compile(r"[\u3400-\u9fff]")
UNITS = re.compile(r"[a-z]+|[\u3400-\u9fff]")  # what a pinyin typo is made of: syllables typed in letters, characters
MAX_FULL_FORM = 8  # characters of a term a short form may stand for
FULL_FORMS = 3  # full forms kept for one short form: the most used
MAX_PART_ENTRIES = 2  # a word inside more entries' phrases than this says too little about which
MAX_GAP = 2  # characters allowed between the characters of an everyday phrase: 「被公司裁」 ~ 被裁


class Expander:
    """Finds the synonym map's phrases in a question, and repairs unknown words."""

    def __init__(self, lexicon: Lexicon, vocabulary: list[str], key_terms: set[str], is_word=lambda w: False,
                 sounds: dict[tuple[str, ...], list[str]] | None = None):
        """`sounds`: the pinyin → terms map when already made (stored), else made from `key_terms`."""
        self.vocabulary = vocabulary
        self._known = set(vocabulary)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for term in vocabulary:
            self._by_length[len(term)].append(term)
        # Longer terms by their first character, for short forms (公厕 → 公共厕所, 扬尘 → 扬尘污染).
        self._by_first_char: dict[str, list[str]] = defaultdict(list)
        for term in vocabulary:
            if 3 <= len(term) <= MAX_FULL_FORM and CJK.match(term[0]):
                self._by_first_char[term[0]].append(term)
        self._entries = [(phrases, tuple(t.lower() for t in official)) for phrases, official in lexicon.synonyms]
        # Phrases by their first character, so a question only tries phrases that could occur in it.
        self._by_first: dict[str, list[tuple[str, int, frozenset]]] = defaultdict(list)
        for i, (phrases, _) in enumerate(self._entries):
            for phrase in phrases:
                self._by_first[phrase[0]].append((phrase, i, frozenset(phrase)))
        # Homophone repair aims only at the knowledge base's own terms (反诈, 异地就医), never at
        # everyday words, which would turn 「是干啥」 into 实干.
        self._is_word = is_word
        self.sounds: dict[tuple[str, ...], list[str]] = defaultdict(list)
        if sounds is not None:
            self.sounds.update(sounds)
        for term in sorted(key_terms & self._known) if sounds is None else ():
            if 2 <= len(term) <= 5 and all(CJK.match(ch) for ch in term):
                self.sounds[tuple(lazy_pinyin(term))].append(term)

    def synonyms(self, text: str, boundaries: frozenset[int] | None = None) -> list[tuple[str, tuple[str, ...], bool]]:
        """(phrase as found in the question, official terms, found exactly) for each concept.

        Of an entry's phrases found in the question, the best stands for it: exact before gapped,
        then the longest (the most specific), then the earliest. With `boundaries` (where the
        question's words start and end), a gapped phrase must not begin or end inside a word:
        保…税 in 「环境保护税」 is not 保税.
        """
        chars = set(text)
        best: dict[int, tuple] = {}
        for first in dict.fromkeys(text):
            for phrase, entry, needed in self._by_first.get(first, ()):
                if not needed <= chars:
                    continue
                exact = phrase in text
                span = phrase if exact else gapped(phrase, text)
                # 「资格认证」 holds 资格…证 but is a word of its own, not a way of typing 资格证.
                if not span or not exact and (self._is_word(span) or not aligned(span, text, boundaries)):
                    continue
                rank = (exact, len(phrase), -text.find(span))
                if entry not in best or rank > best[entry][0]:
                    best[entry] = (rank, span, exact)
        found = [(span, self._entries[entry][1], exact) for entry, (_, span, exact) in best.items()]
        return sorted(found, key=lambda f: (text.find(f[0]), f[0]))

    def lexicon_parts(self, word: str) -> tuple[str, ...]:
        """The official terms of the few synonym entries whose everyday phrases hold `word` whole
        (放学 in 放学早, 放学没人接 → 课后服务): a word the lexicon only lists inside longer phrases."""
        if len(word) < 2 or not all(CJK.match(ch) for ch in word):
            return ()
        entries = self._phrase_parts().get(word, ())
        if not 1 <= len(entries) <= MAX_PART_ENTRIES:
            return ()
        return tuple(dict.fromkeys(t for i in entries for t in self._entries[i][1]))

    @lru_cache(maxsize=1)  # noqa: B019 - one Expander per index, built once
    def _phrase_parts(self) -> dict[str, tuple[int, ...]]:
        parts: dict[str, set[int]] = defaultdict(set)
        for i, (phrases, _) in enumerate(self._entries):
            for phrase in phrases:
                for size in range(2, len(phrase)):
                    for start in range(len(phrase) - size + 1):
                        parts[phrase[start:start + size]].add(i)
        return {part: tuple(sorted(found)) for part, found in parts.items()}

    def full_forms(self, word: str, frequency) -> list[str]:
        """The knowledge base's longer terms a short form stands for: same first character, the other
        characters in order (公厕 → 公共厕所, 失业金 → 失业保险金, 扬尘 → 扬尘污染); the most used few."""
        if not 2 <= len(word) <= 4 or not all(CJK.match(ch) for ch in word):
            return []
        found = [t for t in self._by_first_char.get(word[0], ())
                 if len(t) > len(word) and len(t) <= 3 * len(word) and in_order(word[1:], t[1:])]
        return sorted(found, key=lambda t: (-frequency(t), t))[:FULL_FORMS]

    def near_spelling(self, word: str) -> str:
        """A known word one slip away from an unknown one (「失业保验金」 → 失业保险金).

        Only words of five or more characters: in shorter ones one character is too much of the word.
        """
        if word in self._known or len(word) < 5:
            return ""
        candidates = [w for n in range(len(word) - 1, len(word) + 2) for w in self._by_length.get(n, ())]
        match = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=80)
        return match[0] if match else ""

    def homophones(self, text: str, unknown: list[str]) -> list[tuple[str, str]]:
        """(typed span, known word) for pinyin-input typos: 「反炸」 → 反诈, 「yi地就医」 → 异地就医."""
        units = UNITS.findall(text)
        starts, position = [], 0
        for u in units:
            starts.append(position)
            position += len(u)
        starts.append(position)
        joined = "".join(units)
        # Only windows that overlap an unknown word can hold a typo: suspect[p] counts the suspect
        # characters before p, so a window's overlap is one subtraction.
        marked = bytearray(len(joined))
        for word in unknown:
            at = joined.find(word)
            if at >= 0:
                marked[at : at + len(word)] = b"\1" * len(word)
        suspect = list(accumulate(marked, initial=0))
        syllables = [u if u.isascii() else syllable(u) for u in units]
        found = []
        for size in (4, 3, 2):
            for i in range(len(units) - size + 1):
                if suspect[starts[i + size]] == suspect[starts[i]]:
                    continue
                terms = self.sounds.get(tuple(syllables[i : i + size]))
                if not terms:
                    continue
                span = "".join(units[i : i + size])
                if span not in self._known and not self._is_word(span):
                    found += [(span, term) for term in terms]
        return found


def in_order(chars: str, text: str) -> bool:
    """Whether every character of `chars` occurs in `text`, in that order."""
    position = 0
    for ch in chars:
        position = text.find(ch, position) + 1
        if not position:
            return False
    return True


@lru_cache(maxsize=8192)
def syllable(char: str) -> str:
    return lazy_pinyin(char)[0]


def aligned(span: str, text: str, boundaries: frozenset[int] | None) -> bool:
    if boundaries is None:
        return True
    start = text.find(span)
    return start in boundaries and start + len(span) in boundaries


def gapped(phrase: str, text: str) -> str:
    """The shortest stretch of text holding the phrase's characters in order, few characters apart."""
    if len(phrase) < 2:
        return ""
    m = _gapped_pattern(phrase).search(text)
    return m.group(0) if m else ""


@lru_cache(maxsize=4096)
def _gapped_pattern(phrase: str) -> re.Pattern:
    """Compiled once a phrase: the lexicon has thousands, more than the re module's own cache keeps."""
    return re.compile(f".{{0,{MAX_GAP}}}".join(map(re.escape, phrase)))
