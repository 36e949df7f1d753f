"""Answers → what the web pages show: one card per candidate clause, the reply a citizen gets, unit lists.

Plain dicts for the templates; every reply text comes from handlers/render.py, so what staff copy
is exactly what the chat channels send.
"""

from __future__ import annotations

from collections import Counter

from handlers.render import chinese_date, path_label, render_console, source_line
from knowledge import model
from knowledge.model import Answer, Hit, Notice

CANDIDATES = 5  # cards side by side on the search page

REASONS = {
    model.ANSWERED: "已回答",
    model.EMPTY: "问题为空",
    model.NO_MATCH: "没有条款讲这件事",
    model.UNKNOWN_TOPIC: "问到文件未涉及的公共服务",
    model.OTHER_PLACE: "问的是其他地方的政策",
    model.NO_SUCH_NOTICE: "没有这份文件",
    model.NO_SUCH_UNIT: "没有这个单位",
    model.NO_SUCH_ITEM: "文件中没有这一条",
    model.SMALL_TALK: "寒暄",
    model.CLARIFY: "几条同样合适，需问清是哪一项",
}
KINDS = {model.ITEM: "条目", model.SECTION: "章节", model.ARTICLE: "条", model.PARAGRAPH: "段落",
         model.ATTACHMENT: "附件", model.TABLE_ROW: "表格行"}


def candidate_cards(answer: Answer, limit: int = CANDIDATES) -> list[dict]:
    """The top candidates of a question, each with the reply a citizen would get for it."""
    if answer.kind != model.CLAUSE:
        return []
    return [card(hit, answer, i) for i, hit in enumerate(answer.hits[:limit])]


def card(hit: Hit, answer: Answer | None = None, position: int = 0) -> dict:
    """One clause as a card: heading, number, full text, units, source, why it matched, replies to copy."""
    clause, notice = hit.clause, hit.notice
    if answer is None or not answer.shows_clause:
        # A candidate the engine did not give as the answer (or a clause opened from an outline):
        # the reply it would be if it were, so staff can still pass it on.
        answer, position = Answer(query=clause.title, answered=True, hits=(hit,)), 0
    support = hit.support
    return {
        "heading": clause.title or path_label(clause) or notice.short_title,
        "number": clause.number,
        "kind": KINDS.get(clause.kind, clause.kind),
        "path": path_label(clause),
        "text": clause.text,
        "lead_units": clause.lead_units,
        "responsible_units": clause.responsible_units,
        "deadline": clause.deadline,
        "notice_title": notice.short_title,
        "doc_no": notice.doc_no,
        "date": chinese_date(notice.date),
        "source": source_line(hit),
        "notice_ref": notice.key,
        "position": clause.position,
        "score": hit.score,
        "matched_terms": hit.matched_terms,
        "field_scores": [(name, score) for name, score in hit.field_scores if score],
        "support": support,
        "reply": render_console(answer, position),
        "reply_full": render_console(answer, position, full=True),
    }


def reason_label(answer: Answer) -> str:
    return REASONS.get(answer.reason, answer.reason)


def concepts(answer: Answer) -> list[dict]:
    """How the engine read the question: each concept and the words it looked for."""
    if answer.evidence is None:
        return []
    return [{"surface": c.surface, "terms": [t for t, _ in c.terms], "evidence": c.evidence}
            for c in answer.evidence.concepts]


def find_notice(notices: list[Notice], reference: str) -> Notice | None:
    """A notice by its key (文号, or title when it has none), as the pages link to it."""
    return next((n for n in notices if n.key == reference), None)


def find_clause(notice: Notice, position: int):
    return next((c for c in notice.clauses if c.position == position), None)


def outline_rows(notice: Notice) -> list[dict]:
    """The notice's outline: section headings and the clauses under them, each linkable."""
    rows, section = [], None
    for clause in notice.clauses:
        if clause.numbered and clause.section and clause.section != section and clause.section != clause.title:
            section = clause.section
            rows.append({"section": f"{''.join(clause.path[:-1])} {section}".strip()})
        label = clause.path[-1] if clause.path else ""
        rows.append({"position": clause.position, "label": label if clause.numbered else KINDS.get(clause.kind, ""),
                     "title": clause.title or clause.text[:40], "units": "、".join(clause.units),
                     "numbered": clause.numbered})
    return rows


def unit_counts(notices: list[Notice]) -> list[tuple[str, int, int]]:
    """(unit, clauses it leads, clauses it shares) for every unit named, the busiest first."""
    lead, shared = Counter(), Counter()
    for notice in notices:
        for clause in notice.clauses:
            lead.update(clause.lead_units)
            shared.update(u for u in clause.responsible_units if u not in clause.lead_units)
    names = set(lead) | set(shared)
    return sorted(((u, lead[u], shared[u]) for u in names), key=lambda row: (-row[1] - row[2], row[0]))
