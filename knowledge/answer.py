"""Question + Index → Answer: what is asked (a clause, a unit's duties, a notice), and whether we know.

A wrong clause given with confidence is the worst answer, so a clause is given only when specific
words of the question (not 服务/工作/提升) are what that clause is about, and the question names no
public-service topic the notices lack (公积金). Otherwise the answer says so, with the candidates
kept for staff and for `--explain`.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.docref import QUESTION_REFS, doc_number, reference_number
from knowledge.model import Answer, Hit, Notice
from knowledge.normalize import normalize, strip_markup
from knowledge.search import Index

MIN_COVERAGE = 0.1  # share of the question's weight the best clause must match
# Topical evidence (idf of matched concepts, by how central they are to the clause), as a share of
# the rarest possible word's idf, so the bar means the same for 5 clauses or 5,000.
MIN_EVIDENCE = 0.45
IN_NOTICE_EVIDENCE = 0.15  # a lower bar for a clause of a notice the question has already named
UNKNOWN_TOPIC_RATIO = 1.2  # an unknown noun weighing more than this times the evidence: another topic
DOC_WORDS = re.compile(r"文件|通知|方案|计划|意见|文号|讲了|讲的|内容|是什么|要求")
WHO = re.compile(
    r"找谁|谁管|谁负责|谁来管|哪个部门|哪些部门|什么部门|哪个单位|哪些单位|哪家单位|归谁|牵头|责任单位|由谁"
)
UNIT_DUTIES = re.compile(
    r"(?:负责|管|牵头|承担|参与)(?:了)?(?:哪些|什么|啥)|(?:有|干)(?:哪些|什么|啥)(?:事|工作|任务)|职责|任务有哪些"
)
TITLE_MATCH_MIN = 8  # characters a question shares with a notice title to ask for that notice
TOPIC_COUNT = 10


def answer(question: str, index: Index, limit: int = 5) -> Answer:
    """The channel-neutral answer to one question."""
    raw = strip_markup(question or "")
    text = normalize(raw)
    if not text:
        return not_covered(question, index)
    notice, rest = referenced_notice(raw, text, index)
    if notice is not None:
        return notice_answer(question, notice, index, limit, rest)
    unit = asked_unit(text, index)
    if unit:
        return unit_answer(question, unit, index)
    query, hits = index.search(raw, limit)
    if not hits or not confident(index, query, hits[0]):
        return not_covered(question, index, hits, query)
    return Answer(question, True, "clause", tuple(hits), asks_who=bool(WHO.search(text)),
                  explain={"query": query})


def confident(index: Index, query, hit: Hit) -> bool:
    support = index.support(query, hit)
    return (
        support.share >= MIN_COVERAGE
        and support.evidence >= MIN_EVIDENCE * index.max_idf
        and support.unknown_topic <= UNKNOWN_TOPIC_RATIO * support.evidence
    )


def not_covered(question: str, index: Index, hits=(), query=None) -> Answer:
    return Answer(question, False, "none", tuple(hits), topics=topics(index), explain={"query": query})


# --- notices: 「58号文」, 「黄政办发〔2022〕60号」, a notice's title ------------------------------


def referenced_notice(raw: str, text: str, index: Index) -> tuple[Notice | None, str]:
    """The notice a question names by 文号 (full, or 「58号文」) or title, and the rest of the question."""
    nfkc = unicodedata.normalize("NFKC", raw)
    for pattern in QUESTION_REFS:
        m = pattern.search(nfkc)
        if m:
            notice = notice_numbered(index, m)
            if notice is not None:
                return notice, nfkc[: m.start()] + " " + nfkc[m.end():]
    notice, shared = notice_by_title(text, index)
    return notice, text.replace(shared, " ") if notice else text


def notice_numbered(index: Index, m: re.Match) -> Notice | None:
    """The notice with that number, and year and issuer prefix when the question gives them.

    黄政发〔2023〕8号 and 黄政办发〔2023〕8号 are different notices, so a prefix that is a 文号's
    (ending in 发, 函, 字) must match; other words before the number (请问, 关于) are ignored.
    """
    asked = reference_number(m)
    keys = [(doc_number(n.doc_no), n) for n in index.notices]
    numbered = [(k, n) for k, n in keys if k.number == asked.number and (not asked.year or k.year == asked.year)]
    for key, notice in numbered:
        if asked.prefix and key.prefix and asked.prefix.endswith(key.prefix):
            return notice
    if asked.prefix.endswith(("发", "函", "字")):
        return None
    return numbered[0][1] if numbered else None


def notice_by_title(text: str, index: Index) -> tuple[Notice | None, str]:
    """A question that names a notice by (most of) its title, and the part of the title it used."""
    best, shared = None, ""
    pieces_by_notice, six = _title_cache(index)
    if not any(text[i : i + 6] in six for i in range(len(text) - 5)):
        return None, ""  # no six characters in a row from any title: the common case, decided fast
    for notice, pieces in pieces_by_notice:
        piece = longest_shared(text, pieces)
        if len(piece) > len(shared):
            best, shared = notice, piece
    if len(shared) >= TITLE_MATCH_MIN or (len(shared) >= 6 and DOC_WORDS.search(text)):
        return best, shared
    return None, ""


def _title_cache(index: Index) -> tuple[list, frozenset[str]]:
    """Every stretch of 6 or more characters of each notice's titles, and the 6-character ones of all
    titles together; computed once per index."""
    cached = index.cache.get("titles")
    if cached is None:
        pieces_by_notice = []
        for notice in index.notices:
            pieces = set()
            for title in {normalize(notice.short_title), normalize(notice.title)}:
                pieces |= {title[i:j] for i in range(len(title)) for j in range(i + 6, len(title) + 1)}
            pieces_by_notice.append((notice, frozenset(pieces)))
        six = frozenset(p for _, pieces in pieces_by_notice for p in pieces if len(p) == 6)
        cached = index.cache["titles"] = (pieces_by_notice, six)  # one assignment: threads see all or none
    return cached


def longest_shared(text: str, pieces: frozenset[str]) -> str:
    best = ""
    for i in range(len(text)):
        j = i + max(len(best) + 1, 6)
        while j <= len(text) and text[i:j] in pieces:
            best = text[i:j]
            j += 1
    return best


def notice_answer(question: str, notice: Notice, index: Index, limit: int, rest: str = "") -> Answer:
    """A notice's outline, or its clause that the rest of the question asks about."""
    hits: list[Hit] = []
    rest = DOC_WORDS.sub(" ", rest)
    if index.tokenizer.content_words(normalize(rest)):
        members = {i for i, (_, n) in enumerate(index.entries) if n is notice}
        query, hits = index.search(rest, limit, within=members)
        if hits and index.support(query, hits[0]).evidence < IN_NOTICE_EVIDENCE * index.max_idf:
            hits = []  # 「…是哪份文件印发的」 asks about the notice, not one of its clauses
    if not hits:  # 「58号文讲了什么」: the outline, clauses in order
        hits = [Hit(c, notice, 0.0) for c in notice.clauses[:limit]]
    return Answer(question, True, "notice", tuple(hits), notice=notice)


# --- units: 「市人社局负责哪些事」 ----------------------------------------------------------------


def unit_names(index: Index) -> dict[str, str]:
    """Every way a unit is written → its name as printed (「人社局」 → 市人社局)."""
    names: dict[str, str] = {}
    for clause, _ in index.entries:
        for unit in clause.units:
            names.setdefault(normalize(unit), unit)
            short = re.sub("^[市省区县]", "", unit)
            if len(short) >= 3:
                names.setdefault(normalize(short), unit)
    return names


def asked_unit(text: str, index: Index) -> str:
    if not UNIT_DUTIES.search(text):
        return ""
    names = unit_names(index)
    found = [alias for alias in names if alias and alias in text]
    return names[max(found, key=len)] if found else ""


def unit_answer(question: str, unit: str, index: Index) -> Answer:
    """Clauses the unit leads first, then those it shares, in notice order."""
    lead = [Hit(c, n, 2.0) for c, n in index.entries if unit in c.lead_units]
    shared = [Hit(c, n, 1.0) for c, n in index.entries if unit in c.responsible_units and unit not in c.lead_units]
    return Answer(question, True, "units", tuple(lead + shared), unit=unit)


# --- what the knowledge base covers --------------------------------------------------------------


def topics(index: Index) -> tuple[str, ...]:
    """What the bot can answer, in a few words for the 「not covered」 reply; computed once per index."""
    if "topics" not in index.cache:
        index.cache["topics"] = _topics(index)
    return index.cache["topics"]


def _topics(index: Index) -> tuple[str, ...]:
    """Domain terms of task clauses' headings, spread over the whole knowledge base."""
    words: list[str] = []
    for clause, _ in index.entries:
        word = topic_word(clause.title, index) if clause.units else ""
        if word and word not in words:
            words.append(word)
    if len(words) <= TOPIC_COUNT:
        return tuple(words)
    step = len(words) / TOPIC_COUNT
    return tuple(words[int(i * step)] for i in range(TOPIC_COUNT))


def topic_word(title: str, index: Index) -> str:
    """The heading's longest domain term (失业保险金 in 优化失业保险金发放领取程序), if it has one."""
    tokenizer = index.tokenizer
    words = [w for w in tokenizer.content_words(title) if len(w) >= 2 and w not in index.lexicon.generic]
    return max((w for w in words if w in tokenizer.key_terms or w in tokenizer.topics), key=len, default="")
