"""Lookups by name over a knowledge base, built once when it is loaded: notices by 文号 or title,
units by any way they are written, and the topics it covers.

answer.py asks these questions; nothing here ranks clauses (that is search.py).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from knowledge.docref import doc_number
from knowledge.model import DocNumber, Notice
from knowledge.normalize import normalize
from knowledge.places import Place, in_region, place_of, places_in, region_place, same_place

LOOSE_DOC = re.compile(r"(计划|方案|意见|办法|规定|通知)")
LOOSE_TITLE_MIN = 4  # characters in a row a loose mention shares with a title
TITLE_PIECE_MIN = 6  # characters of a title a question must share to be tested as naming it
TOPIC_COUNT = 10


class Catalog:
    """Notices, units and topics of one knowledge base, by name."""

    def __init__(self, notices: list[Notice], topic_word=lambda title: "", stored: dict | None = None):
        """`stored`: what `parts()` gave for these notices at the build, so nothing is worked out again."""
        self.notices = notices
        self.numbers: list[tuple[DocNumber, Notice]] = [(doc_number(n.doc_no), n) for n in notices]
        if stored is None:
            stored = {"unit_names": _unit_names(notices), "titles": [_title_forms(n) for n in notices],
                      "topics": _topics(notices, topic_word), "places": sorted(_places(notices))}
        self.unit_names: dict[str, str] = stored["unit_names"]
        self._titles: list[tuple[str, ...]] = [tuple(forms) for forms in stored["titles"]]
        self._grams = _title_grams(self._titles)
        self._loose_grams = _title_grams(self._titles, LOOSE_TITLE_MIN, short_only=True)
        self.topics = tuple(stored["topics"])
        self.places = set(stored["places"])
        # Clauses are numbered notice by notice (Index.entries), so each notice owns one range.
        self._first_entry = [0]
        for notice in notices:
            self._first_entry.append(self._first_entry[-1] + len(notice.clauses))
        self._scopes: dict[tuple, list] = {}
        self._number_of = {id(n): i for i, n in enumerate(notices)}
        if stored.get("notice_places") is not None and len(stored["notice_places"]) == len(notices):
            # Stored by the build: no question waits while each notice's place is worked out.
            self.notice_places = [Place(name, level, tuple(within)) for name, level, within in stored["notice_places"]]
        if stored.get("notice_mentions") is not None and len(stored["notice_mentions"]) == len(notices):
            self.notice_mentions = [set(names) for names in stored["notice_mentions"]]  # 0.3 s at 300× otherwise

    @cached_property
    def notice_places(self) -> list[Place]:
        """Whose each notice is, worked out when first needed (it reads jieba's place names, which the
        warm-up thread loads meanwhile) when the build did not store it, not while the bot starts."""
        return [place_of(n.issuer, n.title, n.doc_no) for n in self.notices]

    def place_of_notice(self, notice: Notice) -> Place:
        return self.notice_places[self._number_of[id(notice)]]

    def scopes(self, region: str, named: tuple[str, ...] = ()) -> list[frozenset[int] | None]:
        """The entry numbers a question may be answered from, to try in turn; None stands for all.

        A question naming places is answered from those places' notices (and the places inside them);
        one naming none, from the notices that apply in the region the bot serves (its own, the levels
        above it, the districts inside it), then from notices whose place is unknown.
        """
        key = (region, named)
        if key not in self._scopes:
            if len(self._scopes) > 256:  # questions name many places; keep the memo small
                self._scopes.clear()
            self._scopes[key] = self._scopes_for(region, named)
        return self._scopes[key]

    def _scopes_for(self, region: str, named: tuple[str, ...]) -> list[frozenset[int] | None]:
        if named:
            own = [i for i, place in enumerate(self.notice_places) if self.of_places(place, named)]
            # No notice is that place's own: the notices that name it (大冶市人民政府 as a unit of 黄石's
            # plans) speak for it, and no others do (上海 in a news item's title is no licence to answer
            # 「上海的…」 from 黄石's notices).
            return [self._entries_of(own or self._naming(named))]
        home = region_place(region)
        if not home.name:
            return [None]
        known = self._entries_where(lambda place: bool(place.name) and in_region(place, home))
        with_unknown = self._entries_where(lambda place: in_region(place, home))
        return [known, with_unknown] if known is not None and known != with_unknown else [with_unknown]

    @staticmethod
    def of_places(place: Place, named: tuple[str, ...]) -> bool:
        """Whether a notice of `place` is one of the named places' own: a city's, or its districts';
        a province's own only (「湖北省…方案」 does not ask for 黄石市's plan)."""
        return any(place.name == asked or not asked.endswith(("省", "自治区")) and Place(asked).holds(place)
                   for asked in named)

    def _naming(self, named: tuple[str, ...]) -> list[int]:
        return [i for i, mentioned in enumerate(self.notice_mentions)
                if any(same_place(a, m) for a in named for m in mentioned)]

    @cached_property
    def notice_mentions(self) -> list[set[str]]:
        """The places each notice names in its issuer, title or units (what `covers` goes by)."""
        return [_places([n]) for n in self.notices]

    def _entries_where(self, applies) -> frozenset[int] | None:
        return self._entries_of([i for i, place in enumerate(self.notice_places) if applies(place)])

    def _entries_of(self, chosen: list[int]) -> frozenset[int] | None:
        """The entry numbers of the chosen notices (by position)."""
        if not chosen or len(chosen) == len(self.notices):
            return None  # nothing to choose from, or everything: no restriction
        return frozenset(e for i in chosen for e in range(self._first_entry[i], self._first_entry[i + 1]))

    def parts(self) -> dict:
        """What the catalog worked out from the notices (JSON-able), for the build to store."""
        return {"unit_names": self.unit_names, "titles": self._titles, "topics": self.topics,
                "places": sorted(self.places),
                "notice_places": [[p.name, p.level, list(p.within)] for p in self.notice_places],
                "notice_mentions": [sorted(names) for names in self.notice_mentions]}

    def covers(self, place: str) -> bool:
        """Whether notices of this place (or naming it in a unit, 大冶市人民政府) are loaded."""
        return any(same_place(place, p) for p in self.places)

    def loosely_named(self, text: str) -> Notice | None:
        """A notice named loosely by a few words of its title before the kind of document it is:
        「质量提升的计划里」 → 《黄石市质量提升三年行动计划》. None when no title, or more than one, fits."""
        found: set[int] = set()
        for m in LOOSE_DOC.finditer(text):
            before = text[max(0, m.start() - 10) : m.start()]
            pieces = {before[i : i + LOOSE_TITLE_MIN] for i in range(len(before) - LOOSE_TITLE_MIN + 1)}
            # The short titles (normalised) holding a piece, from their index: not every title at scale.
            found.update(number for piece in pieces for number in self._loose_grams.get(piece, ())
                         if m[1] in self._titles[number][0])
        return self.notices[found.pop()] if len(found) == 1 else None

    def by_title_words(self, text: str) -> Notice | None:
        """A notice named loosely by words of its title in order (公共服务方案 → 黄石市公共服务质量提升行动方案):
        the one whose title holds the most of the text's characters, in order, packed closest."""
        chars = [ch for ch in normalize(text) if "\u4e00" <= ch <= "\u9fff"]
        if len(chars) < 4:
            return None
        best, best_key = None, (0, 0)
        for notice, forms in zip(self.notices, self._titles, strict=True):
            span = _ordered_span(chars, forms[0])  # the short title, normalised
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
        # A title sharing a stretch of n characters holds the text's six-character pieces at n - 5
        # positions: titles are tried by how many they hold, until none could share a longer stretch.
        shares = Counter(i for k in range(len(text) - six + 1) for i in self._grams.get(text[k : k + six], ()))
        best, shared = -1, ""
        for i, count in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])):
            if count + six - 1 < len(shared):
                break
            piece = _longest_shared(text, self._titles[i])
            if len(piece) > len(shared) or (len(piece) == len(shared) and piece and i < best):
                best, shared = i, piece
        return (self.notices[best], shared) if shared else (None, "")

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
    for unit in _distinct_units(notices):
        places.update(places_in(unit, owners_only=False))
    return places


def _distinct_units(notices: list[Notice]) -> dict[str, None]:
    """Every unit named, once, in order of first mention (units repeat across thousands of clauses)."""
    return dict.fromkeys(unit for notice in notices for clause in notice.clauses for unit in clause.units)


def _unit_names(notices: list[Notice]) -> dict[str, str]:
    """Every way a unit is written → its name as printed (「人社局」 → 市人社局)."""
    names: dict[str, str] = {}
    for unit in _distinct_units(notices):
        names.setdefault(normalize(unit), unit)
        short = re.sub("^[市省区县]", "", unit)
        if len(short) >= 3:
            names.setdefault(normalize(short), unit)
    return names


def _title_forms(notice: Notice) -> tuple[str, ...]:
    """The ways a question may quote a notice's title: short and full, normalised."""
    return tuple(dict.fromkeys((normalize(notice.short_title), normalize(notice.title))))


def _title_grams(titles: list[tuple[str, ...]], size: int = TITLE_PIECE_MIN, short_only: bool = False
                 ) -> dict[str, list[int]]:
    """Every `size` characters of the titles (of the short title alone with `short_only`) → the notices
    (by position) whose title holds them: one entry per character of title, so the map grows with the
    titles, not with their substrings."""
    grams: dict[str, list[int]] = {}
    for i, forms in enumerate(titles):
        for gram in {f[k : k + size] for f in forms[: 1 if short_only else None] for k in range(len(f) - size + 1)}:
            grams.setdefault(gram, []).append(i)
    return grams


def _longest_shared(text: str, forms: tuple[str, ...]) -> str:
    """The longest stretch (six characters at least, the first of equals) of text found in a title form."""
    best = ""
    for i in range(len(text)):
        j = i + max(len(best) + 1, TITLE_PIECE_MIN)
        while j <= len(text) and any(text[i:j] in form for form in forms):
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
