"""The order of a question's candidates: score and evidence together, and what overrides them.

A clause whose heading the question writes out comes first; a notice written for one group of people
(促进残疾人就业…) weighs less when the question names none of them.
"""

from __future__ import annotations

from knowledge.model import Hit, Notice
from knowledge.search import Query

NAMED_HEADING = 6  # characters of a heading written out in a question that name its clause
EVIDENCE_WEIGHT = 0.6  # evidence (as a share of the best candidate's) against score (likewise)


def by_relevance(hits: list[Hit], query: Query | None = None) -> list[Hit]:
    """Best first by score and by how much of the question each clause is about (its evidence), so a
    list that repeats one word of the question (有限公司 ×13) does not outrank the clause on its topic."""
    if not hits:
        return hits
    top_score = max(h.score for h in hits) or 1.0
    top_evidence = max(h.support.evidence for h in hits) or 1.0
    unnamed = unnamed_audiences(query)

    def relevance(h: Hit) -> float:
        value = h.score / top_score + EVIDENCE_WEIGHT * h.support.evidence / top_evidence
        return value * AUDIENCE_PENALTY if audience_of(h.notice) in unnamed else value

    # A clause whose whole heading the question writes out (「公共服务质量监测表 满意度怎么打分」) is
    # the one asked about, whatever else shares its words.
    return sorted(hits, key=lambda h: (h.support.named_heading < NAMED_HEADING, -relevance(h)))


# The people a whole notice is written for, by its title (促进残疾人就业…), and the words that show a
# question is about them. A question naming none of them is not asking about their own arrangements.
AUDIENCES = {
    "残疾人": ("残疾", "残障", "残联", "残友", "盲人", "聋", "轮椅"),
    "老年人": ("老年", "老人", "养老"),
    "退役军人": ("退役", "军人", "老兵"),
    "农民工": ("农民工",),
    "妇女": ("妇女", "女性"),
    "儿童": ("儿童", "孩子", "未成年"),
}
AUDIENCE_PENALTY = 0.8


def audience_of(notice: Notice) -> str:
    return next((who for who in AUDIENCES if who in (notice.title or "")), "")


def unnamed_audiences(query: Query | None) -> set[str]:
    if query is None:
        return set()
    said = query.text + "".join(query.terms)
    return {who for who, marks in AUDIENCES.items() if not any(m in said for m in marks)}
