"""Words of notices and questions: one jieba tokenizer with the knowledge base's own terms added."""

from __future__ import annotations

import logging
import math
import re
import threading

import jieba

from knowledge.lexicon import Lexicon
from knowledge.model import Notice

jieba.setLogLevel(logging.WARNING)

QUOTED_TERM = re.compile(r"[“\"「]([\u3400-\u9fffA-Za-z0-9]{2,8})[”\"」]")
WORD = re.compile(r"[\u3400-\u9fffa-z0-9]")
TERM_FREQ = 20000  # high enough that a knowledge-base term wins segmentation


class Tokenizer:
    """jieba, initialised once per knowledge base, with units, quoted terms and 文号 kept whole."""

    def __init__(self, notices: list[Notice], lexicon: Lexicon, terms: list[str] | None = None):
        """`terms`: the knowledge base's own terms when already known (stored), else found in the notices."""
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.key_terms: set[str] = set()  # the knowledge base's own terms, added to jieba
        self._everyday_freq: dict[str, int] = {}  # jieba's own frequency of words we boosted
        for word, freq in lexicon.userdict:
            self._add(word, freq or TERM_FREQ)
        for word in lexicon.topics:
            self._add(word, TERM_FREQ)
        self.topics = lexicon.topics
        self.knowledge_terms = set(terms) if terms is not None else knowledge_terms(notices)
        for term in self.knowledge_terms:
            self._add(term, TERM_FREQ)
        # Official terms the synonym map adds must be single tokens in the index too.
        for _, official in lexicon.synonyms:
            for term in official:
                self._add(term.lower(), TERM_FREQ)
        self.stopwords = lexicon.stopwords
        self._cuts: dict[str, tuple[str, ...]] = {}
        self._parts: dict[str, tuple[str, ...]] = {}

    def _add(self, word: str, freq: int) -> None:
        if not self.is_dictionary_word(word):
            self.key_terms.add(word)
        self._everyday_freq.setdefault(word, self._jieba.FREQ.get(word, 0))
        self._jieba.add_word(word, freq)

    def is_dictionary_word(self, word: str) -> bool:
        """A word of everyday Chinese (in jieba's own dictionary), as opposed to one we added."""
        return self._jieba.FREQ.get(word, 0) > 0 and word not in self.key_terms

    def words(self, text: str) -> list[str]:
        """Search-mode words (long words and their parts), lower-case, no punctuation.

        jieba's search mode yields the 2- and 3-character parts of a long word; the longer known
        words inside it (农家书屋 in 数字农家书屋) are added too.
        """
        out = []
        for word in self._jieba.lcut_for_search(text.lower()):
            if not WORD.search(word):
                continue
            out.append(word)
            for size in range(4, len(word)):
                out += [word[i : i + size] for i in range(len(word) - size + 1)
                        if self._jieba.FREQ.get(word[i : i + size])]
        return out

    def boundaries(self, text: str) -> frozenset[int]:
        """Offsets in text where its words (dictionary segmentation, as content_words) start or end."""
        offsets, position = {0}, 0
        for word in self._dictionary_cut(text.lower()):
            position += len(word)
            offsets.add(position)
        return frozenset(offsets)

    def parts(self, word: str) -> list[str]:
        """The shorter dictionary words inside a long one: 预约挂号 → 预约, 挂号 (kept: questions share words)."""
        return list(kept(self._parts, word, 4096, lambda: tuple(
            w for w in self._jieba.lcut_for_search(word) if w != word and len(w) >= 2)))

    def is_noun(self, word: str) -> bool:
        """Nouns by jieba's dictionary tags (n, nz, vn, j…); Latin words are not treated as topics."""
        if word.isascii():
            return False
        tagged = dictionary_tags()
        if word not in tagged.known:
            return len(word) >= 3  # not in jieba's dictionary: a name or term, treat as a noun
        return word in tagged.nouns

    def content_words(self, text: str) -> list[str]:
        """Words without filler: what a question is about.

        Dictionary words only (no HMM): on colloquial questions the HMM glues function words into
        pseudo-words (「领点」, 「水有」) that then look like unknown topics.
        """
        return [w for w in self._dictionary_cut(text.lower()) if WORD.search(w) and w not in self.stopwords]

    def _dictionary_cut(self, text: str) -> tuple[str, ...]:
        """jieba's dictionary segmentation (no HMM); a question's is asked for twice, so the last few are kept."""
        return kept(self._cuts, text, 64, lambda: tuple(self._jieba.lcut(text, HMM=False)))

    def rarity(self, word: str) -> float:
        """0.2 for everyday words (孩子, 家里) up to 1.0 for rare ones (契税) or words jieba lacks."""
        freq = self._everyday_freq.get(word, self._jieba.FREQ.get(word, 0))
        if not freq or word in self.key_terms:
            return 1.0
        return min(1.0, max(0.2, (math.log(self._jieba.total / freq) - 9.0) / 5.0))


def kept(cache: dict, key: str, limit: int, make):
    """cache[key], made once; the cache is emptied when it reaches `limit` entries. A plain dict, not an
    LRU: threads asking at once at worst make the same value twice, and nothing can fail."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= limit:
            cache.clear()
        value = cache[key] = make()
    return value


class DictionaryTags:
    """Which words of jieba's dictionary it tags as nouns (n…, j, vn), read once from dict.txt."""

    def __init__(self):
        self.known: set[str] = set()
        self.nouns: set[str] = set()
        self.verbal_nouns: set[str] = set()  # vn: 统一, 管理 — as much verbs as nouns
        for line in jieba.get_dict_file():
            parts = line.decode("utf-8").split()  # word, frequency, tag
            if not parts:
                continue
            self.known.add(parts[0])
            tag = parts[2] if len(parts) > 2 else ""
            if tag[:1] in ("n", "j") or tag == "vn":
                self.nouns.add(parts[0])
            if tag == "vn":
                self.verbal_nouns.add(parts[0])


_tags_lock = threading.Lock()
_tags: list[DictionaryTags] = []


def dictionary_tags() -> DictionaryTags:
    """Loaded once per process, by whichever thread asks first (about half a second)."""
    with _tags_lock:
        if not _tags:
            _tags.append(DictionaryTags())
        return _tags[0]


def knowledge_terms(notices: list[Notice]) -> set[str]:
    """Units, quoted terms (“一网通办”, “双减”) and 文号 from the knowledge base itself."""
    terms: set[str] = set()
    for notice in notices:
        if notice.doc_no:
            terms.add(notice.doc_no.lower())
        for clause in notice.clauses:
            for unit in clause.units:
                if len(unit) <= 12:
                    # 「市人社局」 and the 「人社局」 people say both become words.
                    terms.update({unit.lower(), re.sub("^[市省区县]", "", unit).lower()})
            terms.update(m.lower() for m in QUOTED_TERM.findall(clause.text + clause.title) if "，" not in m)
    return terms
