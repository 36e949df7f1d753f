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
class Hit:
    """One ranked candidate clause and why it matched."""

    clause: Clause
    notice: Notice
    score: float
    matched_terms: tuple[str, ...] = ()
    field_scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Answer:
    """What to say, not how. `kind` is clause, units, notice or none."""

    query: str
    answered: bool
    kind: str = "clause"
    hits: tuple[Hit, ...] = ()
    notice: Notice | None = None  # for kind "notice"
    unit: str = ""  # for kind "units"
    topics: tuple[str, ...] = ()  # for kind "none": what the knowledge base does cover
    asks_who: bool = False  # 「…找谁」: the units matter more than the text
    explain: dict = field(default_factory=dict, compare=False, repr=False)


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
