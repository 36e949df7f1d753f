"""Lookups by name over a knowledge base, built once when it is loaded: notices by 文号 or title,
units by any way they are written, and the topics it covers.

answer.py asks these questions; nothing here ranks clauses (that is search.py).
"""

from __future__ import annotations

import re

from knowledge.docref import doc_number
from knowledge.model import DocNumber, Notice
from knowledge.normalize import normalize
from knowledge.places import places_in, same_place

TITLE_PIECE_MIN = 6  # characters of a title a question must share to be tested as naming it
TOPIC_COUNT = 10


class Catalog:
    """Notices, units and topics of one knowledge base, by name."""

    def __init__(self, notices: list[Notice], topic_word=lambda title: "", topics: tuple[str, ...] | None = None):
        """`topics`: the topics when already known (stored), else found with `topic_word`."""
        self.notices = notices
        self.numbers: list[tuple[DocNumber, Notice]] = [(doc_number(n.doc_no), n) for n in notices]
        self.unit_names = _unit_names(notices)
        self._titles = [(n, _title_pieces(n)) for n in notices]
        self._six = frozenset(p for _, pieces in self._titles for p in pieces if len(p) == TITLE_PIECE_MIN)
        self.topics = tuple(topics) if topics is not None else _topics(notices, topic_word)
        self.places = _places(notices)

    def covers(self, place: str) -> bool:
        """Whether notices of this place (or naming it in a unit, 大冶市人民政府) are loaded."""
        return any(same_place(place, p) for p in self.places)

    def by_title_words(self, text: str) -> Notice | None:
        """A notice named loosely by words of its title in order (公共服务方案 → 黄石市公共服务质量提升行动方案):
        the one whose title holds the most of the text's characters, in order, packed closest."""
        chars = [ch for ch in normalize(text) if "\u4e00" <= ch <= "\u9fff"]
        if len(chars) < 4:
            return None
        best, best_key = None, (0, 0)
        for notice in self.notices:
            span = _ordered_span(chars, normalize(notice.short_title))
            if span and (len(chars), -span) > best_key:
                best, best_key = notice, (len(chars), -span)
        return best

    def numbered(self, asked: DocNumber) -> list[Notice]:
        """Notices with the asked number (and year, when given); an issuer prefix that is a 文号's
        own (ending in 发, 函, 字) must match, other words before the number (请问, 关于) are ignored."""
        found = [(k, n) for k, n in self.numbers
                 if k.number == asked.number and (not asked.year or k.year == asked.year)]
        exact = [n for k, n in found if asked.prefix and k.prefix and asked.prefix.endswith(k.prefix)]
        if exact:
            return exact
        if asked.prefix.endswith(("发", "函", "字")):
            return []
        return [n for _, n in found]

    def by_title(self, text: str) -> tuple[Notice | None, str]:
        """The notice whose title shares the longest stretch with `text`, and that stretch."""
        six = TITLE_PIECE_MIN
        if not any(text[i : i + six] in self._six for i in range(len(text) - six + 1)):
            return None, ""  # no six characters in a row from any title: the common case, decided fast
        best, shared = None, ""
        for notice, pieces in self._titles:
            piece = _longest_shared(text, pieces)
            if len(piece) > len(shared):
                best, shared = notice, piece
        return best, shared

    def unit(self, name: str) -> str:
        """A unit as printed, from its full or short name (人社局, 人社); "" when unknown."""
        key = normalize(name)
        if key in self.unit_names:
            return self.unit_names[key]
        # A part of a name (人社) finds the unit; one character (市, 局) is too little to go on.
        return next((u for alias, u in self.unit_names.items() if len(key) >= 2 and key in alias), "")

    def unit_in(self, text: str) -> str:
        """The longest unit name that occurs in `text`."""
        found = [alias for alias in self.unit_names if alias and alias in text]
        return self.unit_names[max(found, key=len)] if found else ""


def _ordered_span(chars: list[str], title: str) -> int:
    """How many title characters it takes to find all `chars` in order (0 when they are not all there)."""
    start = position = -1
    for ch in chars:
        position = title.find(ch, position + 1)
        if position < 0:
            return 0
        start = position if start < 0 else start
    return position - start + 1


def _places(notices: list[Notice]) -> set[str]:
    """The places whose notices are loaded: issuers and titles, and the places in unit names."""
    places: set[str] = set()
    for notice in notices:
        places.update(places_in(f"{notice.issuer} {notice.title}", owners_only=False))
        for clause in notice.clauses:
            for unit in clause.units:
                places.update(places_in(unit, owners_only=False))
    return places


def _unit_names(notices: list[Notice]) -> dict[str, str]:
    """Every way a unit is written → its name as printed (「人社局」 → 市人社局)."""
    names: dict[str, str] = {}
    for notice in notices:
        for clause in notice.clauses:
            for unit in clause.units:
                names.setdefault(normalize(unit), unit)
                short = re.sub("^[市省区县]", "", unit)
                if len(short) >= 3:
                    names.setdefault(normalize(short), unit)
    return names


def _title_pieces(notice: Notice) -> frozenset[str]:
    pieces: set[str] = set()
    for title in {normalize(notice.short_title), normalize(notice.title)}:
        pieces |= {title[i:j] for i in range(len(title)) for j in range(i + TITLE_PIECE_MIN, len(title) + 1)}
    return frozenset(pieces)


def _longest_shared(text: str, pieces: frozenset[str]) -> str:
    best = ""
    for i in range(len(text)):
        j = i + max(len(best) + 1, TITLE_PIECE_MIN)
        while j <= len(text) and text[i:j] in pieces:
            best = text[i:j]
            j += 1
    return best


def _topics(notices: list[Notice], topic_word) -> tuple[str, ...]:
    """Domain terms of task clauses' headings, spread over the whole knowledge base."""
    words: list[str] = []
    for notice in notices:
        for clause in notice.clauses:
            word = topic_word(clause.title) if clause.units else ""
            if word and word not in words:
                words.append(word)
    if len(words) <= TOPIC_COUNT:
        return tuple(words)
    step = len(words) / TOPIC_COUNT
    return tuple(words[int(i * step)] for i in range(TOPIC_COUNT))
