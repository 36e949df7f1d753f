"""Close calls: when the best clauses fit a question equally well and are about different things,
asking which one is meant beats guessing; the person's pick then becomes the answer.

Kept conservative: the candidates must score within a few percent of each other, each be a
confident answer on its own, sit in different sections and share no specific word in their headings
(two items on 解读 are one topic, and the first of them is a fine answer).
"""

from __future__ import annotations

import re

from knowledge import model
from knowledge.model import Answer, Hit
from knowledge.normalize import normalize
from knowledge.search import Index

CLOSE = 0.95  # a candidate scoring at least this share of the best one's is as good a fit
CLOSE_EVIDENCE = 0.9  # a rival reading holds about as much of the question as the best one
MAX_CHOICES = 3
HEADING_VERB = re.compile(
    r"提升|加强|开展|推进|推动|强化|完善|优化|深化|实施|积极|进一|一步|持续|大力|做好|建立|健全|提高"
)


def close_call(hits: list[Hit], index: Index, confident) -> tuple[Hit, ...]:
    """The candidates to ask about (the best first), or () when the best one is the answer."""
    best = hits[0]
    if best.score <= 0:
        return ()
    choices = [best]
    for hit in hits[1:MAX_CHOICES]:
        if hit.score < CLOSE * best.score or hit.support is None or not confident(index, hit):
            break
        if hit.support.evidence < CLOSE_EVIDENCE * best.support.evidence:
            continue  # less of the question in it: a weaker reading, not a rival one
        if all(different(hit, chosen, index) for chosen in choices):
            choices.append(hit)
    return tuple(choices) if len(choices) > 1 else ()


def different(one: Hit, other: Hit, index: Index) -> bool:
    """About different things: other sections, and no specific word shared by the headings."""
    if one.clause.section == other.clause.section or one.clause.title == other.clause.title:
        return False
    return not (heading_words(one, index) & heading_words(other, index))


def heading_words(hit: Hit, index: Index) -> set[str]:
    """Every two characters of a heading but the commonest verbs of headings (提升, 加强, 开展): 解读主体 and
    规范解读内容 share 解读, 质量技术提升工程 and 制造业质量提升行动 share 质量."""
    title = normalize(hit.clause.title)
    pairs = {title[i:i + 2] for i in range(len(title) - 1)}
    return {p for p in pairs if p.isalnum() and not HEADING_VERB.fullmatch(p)}


def clarifying(question: str, hits: list[Hit], choices: tuple[Hit, ...], **fields) -> Answer:
    return Answer(question, False, model.NONE, tuple(hits), reason=model.CLARIFY, choices=choices, **fields)


def chosen(answer: Answer, number: int) -> Answer:
    """The answer once the person picked choice `number` (from 1): that clause, the others after it."""
    picked = answer.choices[number - 1]
    rest = tuple(h for h in answer.hits if h.clause != picked.clause)
    return Answer(answer.query, True, model.CLAUSE, (picked,) + rest, asks_who=answer.asks_who,
                  evidence=answer.evidence)
