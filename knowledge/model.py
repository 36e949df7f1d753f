"""Plain data passed between the steps: parse → store → search → answer → render.

Standard library only; no step hands another a database row or a chat-platform object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PATH_SEPARATOR = " > "

# What a clause is (Clause.kind).
ITEM = "item"  # a numbered task or point: 13. / （三） / ① with no items below it
SECTION = "section"  # a numbered heading's own text, above its items
ARTICLE = "article"  # 第五条 of a regulation
PARAGRAPH = "paragraph"  # unnumbered text before the outline (a preamble)
ATTACHMENT = "attachment"  # an attachment read as a whole (a list, a form)
TABLE_ROW = "table_row"  # one row of a task table (序号 | 任务 | 牵头单位 | 责任单位 | 完成时限)
KINDS = (ITEM, SECTION, ARTICLE, PARAGRAPH, ATTACHMENT, TABLE_ROW)


@dataclass(frozen=True)
class Clause:
    """One answerable piece of a notice: a numbered task item, a section, an article, an attachment."""

    doc_no: str
    path: tuple[str, ...]  # outline markers, e.g. ("二、", "（四）", "13.")
    title: str  # the clause's heading, e.g. 「优化失业保险金发放领取程序」
    text: str  # the clause without its unit annotation
    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()
    section: str = ""  # the heading of the section the clause sits in
    position: int = 0  # order within its notice, from 0
    kind: str = ITEM
    number: str = ""  # as printed: 「13」, 「（三）」, 「第五条」, a table row's 序号; "" when unnumbered
    deadline: str = ""  # 完成时限 when the notice gives one, as written
    leaders: tuple[str, ...] = ()  # 责任领导: the persons answering for it, never units
    headings: tuple[str, ...] = ()  # the heading at each level of `path` ("" where a level has none)

    @property
    def numbered(self) -> bool:
        """Part of the notice's outline (an item, section, article or row), not a preamble or an attachment."""
        return self.kind not in (PARAGRAPH, ATTACHMENT)

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    @property
    def units(self) -> tuple[str, ...]:
        return self.lead_units + tuple(u for u in self.responsible_units if u not in self.lead_units)


@dataclass(frozen=True)
class DocNumber:
    """A 文号 taken apart: (issuer prefix, year, number); empty parts when not given."""

    prefix: str
    year: str
    number: str


@dataclass(frozen=True)
class Notice:
    """One document with one 文号: a covering notice and the plan it issues belong together."""

    doc_no: str  # "" when the notice has none
    title: str
    issuer: str = ""
    date: str = ""  # ISO date, "" when unknown
    source: str = ""  # file name it came from
    attachments: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = field(default=(), repr=False)

    @property
    def key(self) -> str:
        """A stable identity: the 文号, or the title when there is none."""
        return self.doc_no or self.title

    @property
    def short_title(self) -> str:
        """The issued plan's own title for 「关于印发《X》的通知」, else the title."""
        m = re.search(r"印发《?(.+?)》?的通知$", self.title)
        if m and len(m.group(1)) >= 4:
            return m.group(1)
        return self.title


@dataclass(frozen=True)
class Concept:
    """One thing a question asks about, and the terms that would show a clause covers it."""

    surface: str  # as typed: 失业金
    terms: tuple[tuple[str, float], ...]  # (term, weight): 失业保险金 0.9, 失业金 1.0
    importance: float  # idf of its rarest term; unknown words are as rare as can be
    evidence: bool = True  # False for generic words and single characters


@dataclass(frozen=True)
class Support:
    """Why a clause would (or would not) be a confident answer.

    share: how much of the question's weight the clause matches; evidence: the weight it matches,
    counted fully where the words are what the clause is about (heading, units, repeated) and partly
    where mentioned in passing; unknown_topic: the weight of the strongest noun of the question that
    the notices never use (公积金), a sign the question is about something else.
    """

    share: float
    evidence: float
    unknown_topic: float
    focus: float = 1.0  # how central the most central matched word is (1.0: in the heading, or repeated)
    missing: float = 0.0  # the weight of known words of the question that the clause lacks
    named_heading: int = 0  # characters of the clause's heading when the question writes it out whole


@dataclass(frozen=True)
class Hit:
    """One ranked candidate clause and why it matched."""

    clause: Clause
    notice: Notice
    score: float
    matched_terms: tuple[str, ...] = ()
    field_scores: tuple[tuple[str, float], ...] = ()
    support: Support | None = None  # for a ranked candidate; None in outlines and unit lists


# Answer.kind: what the reply shows.
CLAUSE = "clause"  # ranked clauses, one at a time (the first is the answer when answered)
UNITS = "units"  # the clauses a unit leads or shares
NOTICE = "notice"  # a notice's outline
NONE = "none"  # nothing to show

# Answer.reason: why it was or was not answered.
ANSWERED = "answered"
EMPTY = "empty"  # nothing to ask about (blank, emoji, punctuation)
NO_MATCH = "no_match"  # no clause is about what was asked
UNKNOWN_TOPIC = "unknown_topic"  # a public-service topic the notices never mention (公积金)
OTHER_PLACE = "other_place"  # a place whose notices are not loaded
NO_SUCH_NOTICE = "no_such_notice"  # a 文号 or title that is not loaded
NO_SUCH_UNIT = "no_such_unit"
NO_SUCH_ITEM = "no_such_item"  # 「58号 第99条」: the notice is loaded, the item is not in it
SMALL_TALK = "small_talk"  # greetings, thanks, who-are-you…: a reply, not an answer from the notices
CLARIFY = "clarify"  # two or three clauses about different things fit equally well: ask which is meant
REASONS = (ANSWERED, EMPTY, NO_MATCH, UNKNOWN_TOPIC, OTHER_PLACE, NO_SUCH_NOTICE, NO_SUCH_UNIT, NO_SUCH_ITEM,
           SMALL_TALK, CLARIFY)


@dataclass(frozen=True)
class Evidence:
    """How the engine read the question: the normalised text and the concepts it looked for."""

    text: str
    concepts: tuple[Concept, ...] = ()
    unknown_words: tuple[str, ...] = ()  # words the notices never use


@dataclass(frozen=True)
class Answer:
    """What to say, not how: `kind` says what to show, `reason` why it was (not) answered."""

    query: str
    answered: bool
    kind: str = CLAUSE
    hits: tuple[Hit, ...] = ()
    reason: str = ANSWERED
    notice: Notice | None = None  # the notice asked about (kind notice, or a clause of a named notice)
    unit: str = ""  # for kind units
    topics: tuple[str, ...] = ()  # when not answered: what the knowledge base does cover
    asks_who: bool = False  # 「…找谁」: the units matter more than the text
    evidence: Evidence | None = None
    place: str = ""  # the place a question named, when it matters to the reply
    notices: tuple[Notice, ...] = ()  # for NO_SUCH_NOTICE / OTHER_PLACE: what is loaded instead
    small_talk: str = ""  # for SMALL_TALK: greeting, thanks, identity, goodbye, human, abuse
    choices: tuple[Hit, ...] = ()  # for CLARIFY: the candidates to choose from, in order

    @property
    def shows_clause(self) -> bool:
        """Whether the reply shows ranked clauses one at a time, so 全文 and 下一条 apply."""
        return self.answered and self.kind == CLAUSE and bool(self.hits)


@dataclass(frozen=True)
class ReloadReport:
    """What a rebuild of the knowledge base found."""

    files: int
    notices: tuple[str, ...]  # keys of all notices
    clauses: int
    without_units: tuple[str, ...] = ()  # "文号 path" of clauses with no unit annotation
    warnings: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    seconds: float = 0.0
