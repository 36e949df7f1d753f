"""Follow-ups: a message that continues the topic of the clause last shown, or starts its own.

After 「失业金怎么领」, 「要带什么材料」 or 「找哪个部门」 names no topic of its own: it asks about a facet
(材料, 条件, 时间, 部门) of the clause just shown, so the answer is that clause again, with its units
first when the question is who or where. 「那农村呢」 names a broad group or place (a word found in
many clauses), which narrows the topic: the previous clause's heading is searched together with it,
and a clause about both is the answer. A message naming a specific topic (「那垃圾分类呢」) starts
afresh (None here), so two topics are never silently mixed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge import model
from knowledge.model import Answer, Concept, Hit
from knowledge.normalize import normalize, strip_markup
from knowledge.search import Index

# A word that asks (哪一条, 几座, 多久) is the question's form, not its topic.
ASKING = re.compile(r"[哪谁几啥怎]|什么|多少|多久|多长|多大|多远")
# Facets of any public service: what a person asks about a topic already on the table.
FACETS = re.compile(
    r"材料|证件|证明|手续|流程|程序|步骤|条件|要求|资格|标准|费用|价格|收费|钱|时间|时候|日期|期限|时限|"
    r"地点|地方|地址|位置|窗口|部门|单位|电话|联系|网址|渠道|方式|办法|文件|条款|出处|依据|规定|细节|内容|详情|"
    r"投诉|举报|反映|结果|进度|效果"
)
WHO_OR_WHERE = re.compile(
    r"找谁|谁管|谁负责|谁来管|归谁|由谁|哪个部门|哪些部门|什么部门|哪个单位|哪些单位|哪家|归哪|哪里办|在哪|去哪|哪儿|"
    r"牵头|责任单位|投诉|举报|反映"
)
CENTRAL = 0.8  # a qualifier a narrowed clause is about (its heading, or mentioned again and again)
BROAD = 0.6  # a word whose idf is below this share of the rarest word's is found in many clauses: a qualifier
BROAD_MIN_CLAUSES = 3  # …and in at least this many clauses


def follow_up(question: str, previous: Hit, others: tuple[Hit, ...], index: Index) -> Answer | None:
    """The answer when `question` continues the topic of `previous` (the clause last shown), else None.

    :param others: the other results shown with `previous`, kept for 下一条
    """
    text = normalize(strip_markup(question or ""))
    if not text:
        return None
    topics, other_words = own_words(text, index)
    asks_who = bool(WHO_OR_WHERE.search(text))
    if not topics:  # 「要带什么材料」, 「找哪个部门」: the same clause, its sentences on what was asked first
        return continued(question, focused(previous, text, index), others, asks_who)
    if other_words or not all(broad(c, index) for c in topics):
        return None  # a topic of its own (垃圾分类), or a whole new question (老年人有什么优惠)
    # 「那农村呢」: nothing but a broad qualifier of the topic on the table
    return continued(question, narrowed_hit(text, previous, topics, index), others, asks_who)


def broad(concept: Concept, index: Index) -> bool:
    """A word of many clauses (农村, 老人): common across the notices, and in several clauses at least,
    so that in a knowledge base of a few clauses every word is not taken for a qualifier."""
    clauses = max((index.df.get(term, 0) for term, _ in concept.terms), default=0)
    return concept.importance < BROAD * index.max_idf and clauses >= BROAD_MIN_CLAUSES


def qualified(question: str, previous: Hit, others: tuple[Hit, ...], index: Index) -> Answer | None:
    """「那城区呢」 when no clause is about 城区 on its own: the previous clause still, if the message is
    nothing but words the notices use (an unknown service, 「那公积金呢」, stays not covered)."""
    text = normalize(strip_markup(question or ""))
    topics, other_words = own_words(text, index)
    known = all(any(term in index.df for term, _ in c.terms) for c in topics)
    if topics and known and not other_words:
        return continued(question, previous, others, bool(WHO_OR_WHERE.search(text)))
    return None


def own_words(text: str, index: Index) -> tuple[list[Concept], list[Concept]]:
    """(the nouns a message names, its other content words), leaving out asking words and facets."""
    topics, others = [], []
    query = index.analyze(text)
    for concept in query.concepts:
        surface = concept.surface
        if not concept.evidence or len(surface) < 2 or ASKING.search(surface) or FACETS.search(surface):
            continue
        if surface not in query.text:  # pieced together from scattered characters: not what was written
            continue
        # An everyday phrase the synonym map stands for official terms (空气污染 → 空气质量) names a topic.
        mapped = all(term != surface for term, _ in concept.terms)
        if mapped or index.tokenizer.is_noun(surface) or surface in index.tokenizer.key_terms:
            topics.append(concept)
        else:
            others.append(concept)
    return topics, others


def narrowed_hit(text: str, previous: Hit, topics: list[Concept], index: Index) -> Hit:
    """The previous clause when it speaks of the message's qualifiers too (社区养老 + 农村), else a clause
    about them that shares the previous topic (政务服务 + 老人 → 适老化), else the previous clause still."""
    doc = index.doc_of(previous)
    if all(index.matches(c, doc) or place_stem(c.surface) in previous.clause.text for c in topics):
        return previous
    query, hits = index.search(f"{previous.clause.title} {text}", 5)
    for hit in hits:
        doc = index.doc_of(hit)
        if all(index.centrality(c, doc) >= CENTRAL for c in topics) and shares_topic(previous, hit, index):
            return hit
    return previous


def place_stem(word: str) -> str:
    """「村里」 → 「村」, 「城里」 → 「城」: a place word without its locative (in the village → village)."""
    stem = word.rstrip("里上中内边")
    return stem if stem and stem != word else "\0"


def shares_topic(previous: Hit, hit: Hit, index: Index) -> bool:
    """Whether a clause is still about the previous one's topic: the same clause, or a specific word of
    its heading."""
    if hit.clause == previous.clause:
        return True
    doc = index.doc_of(hit)
    words = [w for w in index.tokenizer.content_words(normalize(previous.clause.title))
             if len(w) >= 2 and w not in index.lexicon.generic and index.idf(w) >= BROAD * index.max_idf * 0.5]
    return any(w in index.doc_terms[doc] for w in words)


def focused(hit: Hit, text: str, index: Index) -> Hit:
    """The hit with the message's own words that the clause uses (材料, 条件, 检修) leading its matched
    terms, so the excerpt shows the sentences about them."""
    words = {w for w in index.tokenizer.content_words(text) if len(w) >= 2}
    asked = tuple(w for w in words if w in hit.clause.text and w not in hit.matched_terms)
    return replace(hit, matched_terms=asked + hit.matched_terms) if asked else hit


def continued(question: str, hit: Hit, others: tuple[Hit, ...], asks_who: bool) -> Answer:
    """The clause again (its units first for who/where), the other results after it for 下一条."""
    rest = tuple(h for h in others if h.clause != hit.clause)
    return Answer(question, True, model.CLAUSE, (hit,) + rest, asks_who=asks_who)
