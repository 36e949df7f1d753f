"""Words of notices and questions: one jieba tokenizer with the knowledge base's own terms added."""

from __future__ import annotations

import logging
import re

import jieba

from knowledge.lexicon import Lexicon
from knowledge.model import Notice

jieba.setLogLevel(logging.WARNING)

QUOTED_TERM = re.compile(r"[“\"「]([^”\"」]{2,8})[”\"」]")
WORD = re.compile(r"[\u3400-\u9fffa-z0-9]")
TERM_FREQ = 20000  # high enough that a knowledge-base term wins segmentation


class Tokenizer:
    """jieba, initialised once per knowledge base, with units, quoted terms and 文号 kept whole."""

    def __init__(self, notices: list[Notice], lexicon: Lexicon):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word, freq in lexicon.userdict:
            self._jieba.add_word(word, freq or TERM_FREQ)
        for term in knowledge_terms(notices):
            self._jieba.add_word(term, TERM_FREQ)
        # Official terms the synonym map adds must be single tokens in the index too.
        for _, official in lexicon.synonyms:
            for term in official:
                self._jieba.add_word(term.lower(), TERM_FREQ)
        self.stopwords = lexicon.stopwords

    def words(self, text: str) -> list[str]:
        """Search-mode words (long words and their parts), lower-case, no punctuation."""
        return [w for w in self._jieba.lcut_for_search(text.lower()) if WORD.search(w)]

    def content_words(self, text: str) -> list[str]:
        """Words without filler: what a question is about."""
        return [w for w in self._jieba.lcut(text.lower()) if WORD.search(w) and w not in self.stopwords]


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
