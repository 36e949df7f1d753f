"""Question + Index → Answer: what is asked (a clause, a unit's duties, a notice), and whether we know.

A wrong clause given with confidence is the worst answer, so a clause is given only when specific
words of the question (not 服务/工作/提升) are what that clause is about, and the question names no
public-service topic the notices lack (公积金). Otherwise the answer says so and why (`reason`),
with the candidates kept for staff and for `--explain`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge import model
from knowledge.choice import clarifying, close_call
from knowledge.docref import QUESTION_REFS, item_reference, number_value, part_reference, reference_number
from knowledge.followup import ASKING, follow_up, qualified
from knowledge.model import ARTICLE, ITEM, SECTION, TABLE_ROW, Answer, Evidence, Hit, Notice
from knowledge.noise import looks_like_noise
from knowledge.normalize import normalize, strip_markup
from knowledge.places import places_in, spellings
from knowledge.rank import by_relevance
from knowledge.search import Index, Query
from knowledge.smalltalk import ABUSE, GOODBYE, GREETING, IDENTITY, THANKS, small_talk

MIN_COVERAGE = 0.1  # share of the question's weight the best clause must match
# Topical evidence (idf of matched concepts, by how central they are to the clause), as a share of
# the rarest possible word's idf, so the bar means the same for 5 clauses or 5,000.
MIN_EVIDENCE = 0.45
FULL_COVERAGE = 0.95  # share of the question matched that counts as all of it…
FULL_COVERAGE_EVIDENCE = 0.2  # …and the lower evidence bar it earns
IN_NOTICE_EVIDENCE = 0.15  # a lower bar for a clause of a notice the question has already named
CLEAR_MARGIN = 2.0  # times the runner-up's score for a clause of a named notice to stand alone
PASSING_FOCUS = 1.0  # below this centrality every matched word is a passing mention
MISSING_AGAINST_PASSING = 1.0  # missing weight, as a share of the evidence, that outweighs passing mentions
UNKNOWN_TOPIC_RATIO = 1.2  # an unknown noun weighing more than this times the evidence: another topic
DOC_WORDS = re.compile(r"文件|通知|方案|计划|意见|文号|讲了|讲的|内容|是什么|要求")
WHO = re.compile(
    r"找谁|谁管|谁负责|谁来管|哪个部门|哪些部门|什么部门|哪个单位|哪些单位|哪家单位|归谁|牵头|责任单位|由谁"
)
UNIT_DUTIES = re.compile(
    r"(?:负责|管|牵头|承担|参与)(?:了)?(?:哪些|什么|啥)|(?:有|干)(?:哪些|什么|啥)(?:事|工作|任务)|职责|任务有哪些"
)
TITLE_MATCH_MIN = 8  # characters a question shares with a notice title to ask for that notice
RESULTS = 5  # candidates an answer carries: the answer and what 下一条 pages through
RERANKED = 10  # candidates weighed by their evidence before the best RESULTS are kept


def answer(question: str, index: Index, limit: int = RESULTS, region: str = "",
           context: tuple[Hit, ...] = ()) -> Answer:
    """The channel-neutral answer to one question; `region` is the place the bot serves (BOT_REGION).

    :param context: the results last shown to this person, the clause on screen first; a message with
        no topic of its own continues it (knowledge/followup.py)
    """
    raw = strip_markup(question or "")
    text = normalize(raw)
    if not text:
        return not_covered(question, index, reason=model.EMPTY)
    if looks_like_noise(text, index.tokenizer.content_words):  # random characters: a chance match is no answer
        return not_covered(question, index, reason=model.NO_MATCH)
    reference = referenced_notice(raw, text, index)
    if reference.missing:  # 「黄政办发〔2022〕63号」: a notice that is not loaded is no other notice
        return Answer(question, False, model.NONE, reason=model.NO_SUCH_NOTICE, notices=tuple(index.notices))
    named = tuple(places_in(text))
    elsewhere = other_places(named, index)
    # 「湖北省公共服务质量提升行动方案…」 names another place's plan, whatever its title shares with ours;
    # a 文号 is exact and wins.
    if elsewhere and not reference.by_number:
        return Answer(question, False, model.NONE, reason=model.OTHER_PLACE, place=elsewhere[0],
                      notices=tuple(index.notices))
    if reference.notice is not None and named and not reference.by_number and not index.catalog.of_places(
            index.catalog.place_of_notice(reference.notice), named):
        reference = NoticeReference(None, text)  # 「鄂州市规定政策文件解读…」: not 黄石's notice of that title
    if reference.notice is not None:
        return notice_answer(question, reference.notice, index, limit, reference.rest)
    chat = small_talk_answer(question, raw, index, bool(context))
    if chat is not None:
        return chat
    unit = index.catalog.unit_in(text) if UNIT_DUTIES.search(text) else ""
    if unit:
        return unit_answer(question, unit, index)
    if context:
        continued = follow_up(question, context[0], context[1:], index)
        if continued is not None:
            return continued
    # Within the notices of a place the question names, the place is the scope, not the topic:
    # 「上海的居家适老化改造…」 is not answered by whatever 上海 notice says 上海 most.
    asked = without_places(raw, named)
    for within, in_named_notice in search_scopes(text, named, region, index):
        query, hits = index.search(asked, max(limit, RERANKED), within=within)
        hits = by_relevance(index.with_support(query, hits), query)[:limit]
        if hits and (confident(index, hits[0]) or in_named_notice and relevant_in_notice(index, hits)):
            break
    else:
        kept = qualified(question, context[0], context[1:], index) if context else None
        return kept or not_covered(question, index, hits, query)
    asks_who = bool(WHO.search(text))
    choices = close_call(hits, index, confident)
    if choices:
        return clarifying(question, hits, choices, asks_who=asks_who, evidence=evidence(query))
    return Answer(question, True, model.CLAUSE, same_topic_continued(hits, context), asks_who=asks_who,
                  evidence=evidence(query))


def search_scopes(text: str, named: tuple[str, ...], region: str, index: Index) -> list[tuple[frozenset | None, bool]]:
    """The clauses to search, in turn (None: all), each marked when it is a notice the question names."""
    scopes = [(within, False) for within in index.catalog.scopes(region, named)]
    mentioned = index.catalog.loosely_named(text)
    members = frozenset(index.members(mentioned)) if mentioned is not None else frozenset()
    # 「质量提升的计划里…」: that notice first, as a named one, then as usual; not another place's plan
    # when the question names a place (「鄂州市规定政策文件解读…」 is not 黄石's 政策文件解读 notice).
    if members and (not named or any(within is None or members <= within for within, _ in scopes)):
        scopes.insert(0, (members, True))
    return scopes


def same_topic_continued(hits: list[Hit], context: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """「她有糖尿病，门诊的也能结吗」 after 异地就医: a question that lands on the clause already on screen
    keeps the earlier results after its own, so 下一条 goes on through the topic."""
    if not context or not hits or hits[0].clause != context[0].clause:
        return tuple(hits)
    shown = {h.clause for h in hits}
    return tuple(hits) + tuple(h for h in context[1:] if h.clause not in shown)


def confident(index: Index, hit: Hit) -> bool:
    support = hit.support
    # Every concept of the question in the clause lowers the bar: 「2022到2024年新增残疾人就业多少人」
    # asks about words its whole notice shares, so none of them is rare.
    whole = support.share >= FULL_COVERAGE and len(hit.matched_terms) >= 2
    bar = FULL_COVERAGE_EVIDENCE if whole else MIN_EVIDENCE
    return (
        support.share >= MIN_COVERAGE
        and support.evidence >= bar * index.max_idf
        and support.unknown_topic <= UNKNOWN_TOPIC_RATIO * support.evidence
        and not merely_mentioned(hit)
    )


def merely_mentioned(hit: Hit) -> bool:
    """One word of the question, mentioned in passing, while a known word of it is missing: the clause
    names what was asked about (公务员 in a training centre's name) without being about it."""
    support = hit.support
    return (len(hit.matched_terms) <= 1 and support.focus < PASSING_FOCUS
            and support.missing >= MISSING_AGAINST_PASSING * support.evidence)


def evidence(query: Query | None) -> Evidence | None:
    return Evidence(query.text, query.concepts) if query is not None else None


def not_covered(question: str, index: Index, hits=(), query: Query | None = None, reason: str = "") -> Answer:
    if not reason:
        unknown_topic = bool(hits) and hits[0].support.unknown_topic > hits[0].support.evidence
        reason = model.UNKNOWN_TOPIC if unknown_topic else model.NO_MATCH
    return Answer(question, False, model.NONE, tuple(hits), reason=reason, topics=index.catalog.topics,
                  evidence=evidence(query))


# --- small talk: 「你好」, 「谢谢」, 「你是谁」 -------------------------------------------------------

EXAMPLES = 3  # example topics a greeting offers


def small_talk_answer(question: str, raw: str, index: Index, in_context: bool = False) -> Answer | None:
    """A reply to small talk, or None when the message (also) asks about something the notices may cover,
    or, `in_context` of an answer, asks more about it (「谢谢，那要带什么材料」)."""
    kind, rest = small_talk(raw)
    if not kind or has_topic(rest, index, known_only=kind == ABUSE):
        return None
    if in_context and kind in (GREETING, THANKS, GOODBYE) and ASKING.search(rest):
        return None
    topics = index.catalog.topics
    examples = tuple(topics[i * len(topics) // EXAMPLES] for i in range(min(EXAMPLES, len(topics))))
    return Answer(question, False, model.NONE, reason=model.SMALL_TALK, small_talk=kind,
                  topics=examples if kind in (GREETING, IDENTITY) else (),
                  notices=tuple(index.notices) if kind == IDENTITY else ())


def has_topic(text: str, index: Index, known_only: bool = False) -> bool:
    """Whether text names something a question could be about: a word the notices use, or (unless
    `known_only`) a noun they do not (公积金), which makes it a question they cannot answer."""
    if not text:
        return False
    query = index.analyze(text)
    for concept in query.concepts:
        # 帮, 好, 问题: single characters and generic words name no topic; nor does a word pieced together
        # from scattered characters (问…答 → 问答), which the person did not write.
        if not concept.evidence or concept.surface not in query.text:
            continue
        if any(term in index.df for term, _ in concept.terms):
            return True
        if not known_only and index.tokenizer.is_noun(concept.surface):
            return True
    return False


# --- notices: 「58号文」, 「黄政办发〔2022〕60号」, a notice's title ------------------------------


@dataclass(frozen=True)
class NoticeReference:
    """What a question says about a notice: the one it names, the rest of the question, or that the
    notice it names by 文号 is not loaded (`missing`)."""

    notice: Notice | None
    rest: str
    missing: bool = False
    by_number: bool = False  # named by its 文号 (exact), not by words of its title


def referenced_notice(raw: str, text: str, index: Index) -> NoticeReference:
    """The notice a question names by 文号 (full, 「58号文」, 「58号 第13条」) or title, and the rest."""
    nfkc = unicodedata.normalize("NFKC", raw)
    for pattern in QUESTION_REFS:
        m = pattern.search(nfkc)
        if m:
            found = index.catalog.numbered(reference_number(m))
            rest = nfkc[: m.start()] + " " + nfkc[m.end():]
            return NoticeReference(found[0] if found else None, rest, missing=not found, by_number=True)
    notice, shared = index.catalog.by_title(text)
    if notice is not None and (len(shared) >= TITLE_MATCH_MIN or DOC_WORDS.search(text)):
        return NoticeReference(notice, text.replace(shared, " "))
    item = item_reference(text)
    if item is not None:  # 「公共服务方案 第35条」: a notice named loosely, then a clause number
        notice = index.catalog.by_title_words(text[: item[1].start()])
        if notice is not None:
            return NoticeReference(notice, text[item[1].start():])
    return NoticeReference(None, text)


def notice_answer(question: str, notice: Notice, index: Index, limit: int, rest: str = "") -> Answer:
    """The named notice's clause that the rest of the question asks about, else its outline."""
    asks_who = bool(WHO.search(rest))
    part = part_reference(rest)
    if part:
        return part_answer(question, notice, part, asks_who)
    item = item_reference(rest)
    if item is not None:
        clause = numbered_clause(notice, item[0])
        if clause is None:
            return Answer(question, False, model.NONE, reason=model.NO_SUCH_ITEM, notice=notice)
        return Answer(question, True, model.CLAUSE, (Hit(clause, notice, 1.0),), notice=notice, asks_who=asks_who)
    rest = WHO.sub(" ", DOC_WORDS.sub(" ", rest))
    if index.has_content(rest):
        query, hits = index.search(rest, limit, within=index.members(notice))
        hits = index.with_support(query, hits)
        titled = headed_clauses(notice, rest, index)
        if titled:  # 「57号 工作考核」: the words of one of its headings
            hits = [Hit(c, notice, 1.0) for c in titled] + [h for h in hits if h.clause not in titled]
            return Answer(question, True, model.CLAUSE, tuple(hits[:limit]), notice=notice, asks_who=asks_who,
                          evidence=evidence(query))
        # 「…是哪份文件印发的」 asks about the notice, not one of its clauses.
        if hits and relevant_in_notice(index, hits):
            return Answer(question, True, model.CLAUSE, tuple(hits), notice=notice, asks_who=asks_who,
                          evidence=evidence(query))
    # 「58号文讲了什么」: the outline, clauses in order.
    return Answer(question, True, model.NOTICE, tuple(Hit(c, notice, 0.0) for c in notice.clauses[:limit]),
                  notice=notice)


def relevant_in_notice(index: Index, hits: list[Hit]) -> bool:
    """The bar for the best clause of a notice the question named: some evidence, or far ahead."""
    return hits[0].support.evidence >= IN_NOTICE_EVIDENCE * index.max_idf or clear_winner(hits)


def clear_winner(hits: list[Hit]) -> bool:
    """Within a notice the question named, one clause far ahead of the rest answers it even in common
    words (「质量提升三年行动计划里，公共服务质量满意度要达到多少分」)."""
    return len(hits) == 1 and hits[0].score > 0 or len(hits) > 1 and hits[0].score >= CLEAR_MARGIN * hits[1].score


def numbered_clause(notice: Notice, number: int):
    """The clause printed with that number: a task item (13.), an article (第十三条), a table row,
    else one numbered （十三） — 「57号 第4项」 means item 4., not the target （四） above the items."""
    numbered = [c for c in notice.clauses if number_value(c.number) == number]
    for wanted in (
        lambda c: c.kind in (ITEM, TABLE_ROW) and c.number.strip(".．、 ").isdigit() or c.kind == ARTICLE,
        lambda c: c.kind in (ITEM, ARTICLE, TABLE_ROW),
        lambda c: c.kind == SECTION,
    ):
        found = next((c for c in numbered if wanted(c)), None)
        if found is not None:
            return found
    return None


def headed_clauses(notice: Notice, rest: str, index: Index) -> list:
    """Clauses of the notice whose heading holds every content word of `rest` (工作考核 → 加强工作考核)."""
    words = [w for w in index.tokenizer.content_words(normalize(rest)) if len(w) >= 2]
    if not words:
        return []
    return [c for c in notice.clauses if c.title and all(w in normalize(c.title) for w in words)][:2]


def part_answer(question: str, notice: Notice, part: int, asks_who: bool) -> Answer:
    """「59号 第二部分」: the clauses under the notice's 二、, in order."""
    under = [c for c in notice.clauses if c.path and number_value(c.path[0]) == part]
    if not under:
        return Answer(question, False, model.NONE, reason=model.NO_SUCH_ITEM, notice=notice)
    return Answer(question, True, model.CLAUSE, tuple(Hit(c, notice, 1.0) for c in under), notice=notice,
                  asks_who=asks_who)


def without_places(text: str, named: tuple[str, ...]) -> str:
    for place in sorted(named, key=len, reverse=True):
        for spelling in dict.fromkeys(spellings(place)):
            if len(spelling) >= 2:
                text = text.replace(spelling, " ")
    return text


def other_places(named: tuple[str, ...], index: Index) -> tuple[str, ...]:
    """Places the question asks about whose notices are not loaded (none when one of them is)."""
    if not named or any(index.catalog.covers(place) for place in named):
        return ()
    return named


def doc_answer(reference: str, index: Index) -> Answer:
    """A notice's whole outline by 文号 (full, 「58号」 or 「58」) or title."""
    text = reference.strip()
    if text.isdigit():
        text += "号"
    notice = referenced_notice(text, normalize(text), index).notice
    if notice is None:
        return Answer(reference, False, model.NOTICE, reason=model.NO_SUCH_NOTICE, notices=tuple(index.notices))
    return Answer(reference, True, model.NOTICE, tuple(Hit(c, notice, 0.0) for c in notice.clauses), notice=notice)


# --- units: 「市人社局负责哪些事」 ----------------------------------------------------------------


def unit_answer(question: str, unit: str, index: Index) -> Answer:
    """Clauses the unit leads first, then those it shares, in notice order."""
    lead = [Hit(c, n, 2.0) for c, n in index.entries if unit in c.lead_units]
    shared = [Hit(c, n, 1.0) for c, n in index.entries if unit in c.responsible_units and unit not in c.lead_units]
    return Answer(question, True, model.UNITS, tuple(lead + shared), unit=unit)


def named_unit_answer(name: str, index: Index) -> Answer:
    """A unit's clauses by its full or short name (人社局)."""
    unit = index.catalog.unit(name)
    if not unit:
        return Answer(name, False, model.UNITS, unit=name, reason=model.NO_SUCH_UNIT)
    return unit_answer(name, unit, index)
