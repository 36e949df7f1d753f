"""Answer → what each channel sends: Telegram HTML, WeChat plain text, console text, JSON.

The Answer says what to say; this module decides how it looks. Nothing here sends anything.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers import texts
from knowledge import model, smalltalk
from knowledge.answer import RESULTS
from knowledge.errors import KnowledgeBaseError
from knowledge.model import PARAGRAPH, TABLE_ROW, Answer, Clause, Hit, Notice, ReloadReport

TELEGRAM_LIMIT = 4096  # characters per message
WECHAT_LIMIT = 2048  # bytes of UTF-8 per passive reply
EXCERPT_CHARS = 220  # of matched sentences shown before 完整条款
SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


@dataclass(frozen=True)
class Reply:
    """One message for one channel; `rest` is what 「更多」 sends next."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()  # rows of (label, action)
    rest: tuple[str, ...] = field(default=())


# --- records --------------------------------------------------------------------------------------


def clause_record(clause: Clause, notice: Notice) -> dict:
    """A clause as `kb export --json` and `ask --json` print it: `text` as a reader sees it, its units
    included (「哪些单位牵头」 is answered by them), `body` without them."""
    return {
        "doc_no": clause.doc_no, "doc_title": notice.title, "doc_date": notice.date, "issuer": notice.issuer,
        "path": clause.path_text, "title": clause.title, "text": printed_text(clause), "body": clause.text,
        "lead_units": list(clause.lead_units), "responsible_units": list(clause.responsible_units),
        "kind": clause.kind, "number": clause.number, **({"deadline": clause.deadline} if clause.deadline else {}),
        **({"leaders": list(clause.leaders)} if clause.leaders else {}),
    }


def printed_text(clause: Clause) -> str:
    """The clause with its unit annotation, as notices print it: 「…。〔牵头单位：…；责任单位：…〕」."""
    units = "；".join(unit_annotation(clause))
    return f"{clause.text}〔{units}〕" if units else clause.text


def render_json(answer: Answer) -> str:
    hits = [
        {**clause_record(h.clause, h.notice), "score": h.score, "matched_terms": list(h.matched_terms)}
        for h in answer.hits[:RESULTS]
    ]
    payload = {"query": answer.query, "answered": answer.answered, "kind": answer.kind, "reason": answer.reason,
               **({"small_talk": answer.small_talk} if answer.small_talk else {}), "hits": hits}
    return json.dumps(payload, ensure_ascii=False)


# --- pieces shared by every channel ---------------------------------------------------------------


def chinese_date(iso: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else ""


def path_label(clause: Clause) -> str:
    """Where a clause sits in its notice (二、（四）13, 第二章第五条); nothing for a preamble paragraph."""
    if clause.kind == TABLE_ROW:  # 「某县重点工作任务分工表 序号2」
        return f"{clause.path[0]} 序号{clause.number}" if clause.number else clause.path[0]
    return "".join(clause.path).rstrip(".") if clause.kind != PARAGRAPH else ""


def source_line(hit: Hit, with_title: bool = True) -> str:
    notice, parts = hit.notice, []
    if with_title:
        parts.append(f"《{notice.short_title}》")
    if notice.doc_no:
        parts.append(notice.doc_no)
    if notice.date:
        parts.append(f"（{chinese_date(notice.date)}）")
    label = path_label(hit.clause)
    return "".join(parts) + (f" {label}" if label else "")


def excerpt(clause: Clause, terms: tuple[str, ...], limit: int = EXCERPT_CHARS) -> list[str]:
    """The sentences that carry the matched terms, in order, with 「…」 where some were left out."""
    sentences = [s.strip() for s in SENTENCE.findall(clause.text) if s.strip()]
    if not sentences:
        return []
    wanted = [i for i, s in enumerate(sentences) if any(t and t in s.lower() for t in terms)] or [0]
    out, used, last = [], 0, -1
    for i in wanted:
        if used and used + len(sentences[i]) > limit:
            break
        out.append(("…" if i > last + 1 else "") + sentences[i])
        used += len(sentences[i])
        last = i
    if last < len(sentences) - 1:
        out[-1] += "…"
    return out


def unit_annotation(clause: Clause) -> list[str]:
    """「牵头单位：…」 and 「责任单位：…」, for the units a clause names."""
    lines = []
    if clause.lead_units:
        lines.append(texts.LEAD.format(units="、".join(clause.lead_units)))
    if clause.responsible_units:
        lines.append(texts.RESPONSIBLE.format(units="、".join(clause.responsible_units)))
    return lines


def unit_lines(clause: Clause) -> list[str]:
    lines = unit_annotation(clause)
    if clause.deadline:
        lines.append(texts.DEADLINE.format(deadline=clause.deadline))
    return lines


def unanswered_lines(answer: Answer) -> list[str]:
    """An unknown unit or notice for a lookup; for a question, what the notices do cover."""
    if answer.reason == model.NO_SUCH_UNIT:
        return [texts.UNKNOWN_UNIT.format(unit=(answer.unit or answer.query).strip()[:40])]
    if answer.reason == model.NO_SUCH_NOTICE and answer.kind == model.NOTICE:  # a lookup: /doc 63号
        return [texts.UNKNOWN_DOC.format(reference=answer.query.strip()[:40])]
    if answer.reason == model.NO_SUCH_NOTICE:
        return [texts.NO_SUCH_NOTICE] + notice_list(answer.notices)
    if answer.reason == model.NO_SUCH_ITEM:
        return [texts.NO_SUCH_ITEM.format(title=answer.notice.short_title, doc_no=answer.notice.doc_no)]
    if answer.reason == model.OTHER_PLACE:
        return [texts.OTHER_PLACE.format(place=answer.place, places="、".join(covered_places(answer.notices)))]
    if answer.reason == model.EMPTY:
        return [texts.EMPTY_QUESTION]
    if answer.reason == model.SMALL_TALK:
        return small_talk_lines(answer)
    if answer.reason == model.CLARIFY:
        return choice_lines(answer)
    return not_covered_lines(answer)


def choice_lines(answer: Answer) -> list[str]:
    """「您问的是哪一项？」, the candidates numbered, and how to pick one (「回复 1 或 2」)."""
    lines = [texts.CHOOSE]
    for n, hit in enumerate(answer.choices, 1):
        lines.append(texts.CHOICE.format(n=n, heading=hit.clause.title, source=source_line(hit, False).strip()))
    numbers = [str(n) for n in range(1, len(answer.choices) + 1)]
    return lines + [texts.CHOOSE_HINT.format(numbers="、".join(numbers[:-1]) + " 或 " + numbers[-1])]


def small_talk_lines(answer: Answer) -> list[str]:
    """A greeting with example questions from the notices' own headings, who we are, 12345…"""
    kind = answer.small_talk
    examples = [texts.EXAMPLE_QUESTION.format(topic=t) for t in answer.topics]
    if kind == smalltalk.GREETING:
        return [texts.GREETING] + (examples or [texts.EMPTY_QUESTION])
    if kind == smalltalk.IDENTITY:
        lines = [texts.IDENTITY.format(places="、".join(covered_places(answer.notices)), count=len(answer.notices))]
        lines += notice_list(answer.notices, 5)
        return lines + ([texts.HOW_TO_ASK.format(topic=answer.topics[0])] if answer.topics else [])
    fixed = {smalltalk.THANKS: texts.YOU_ARE_WELCOME, smalltalk.GOODBYE: texts.GOODBYE,
             smalltalk.HUMAN: texts.HUMAN, smalltalk.ABUSE: texts.ABUSE}
    return [fixed.get(kind, texts.EMPTY_QUESTION)]


def notice_list(notices, limit: int = 15) -> list[str]:
    """「· 《title》文号」 for each notice, the first `limit` of them."""
    lines = [f"· 《{n.short_title}》{n.doc_no}" for n in notices[:limit]]
    if len(notices) > limit:
        lines.append(f"……（共 {len(notices)} 件）")
    return lines


def covered_places(notices) -> list[str]:
    """The places whose notices are loaded, as their issuers name them (黄石市)."""
    from knowledge.places import places_in

    return list(dict.fromkeys(p for n in notices for p in places_in(n.issuer, owners_only=False))) or ["本地"]


def not_covered_lines(answer: Answer) -> list[str]:
    question = answer.query.strip()[:40] or "您的问题"
    lines = [texts.NOT_COVERED.format(question=question)]
    if answer.topics:
        lines.append(texts.NOT_COVERED_TOPICS.format(topics="、".join(answer.topics)))
    lines.append(texts.NOT_COVERED_HINT)
    return lines


OUTLINE_INDENT = "  "
OUTLINE_GIST = 24  # an item without a heading of its own shows this much of its text


def notice_outline(notice: Notice) -> list[str]:
    """The notice's headings and items in its own order and levels: 「二、重点任务」 > 「（一）…」 > 「1. …」."""
    head = " · ".join(p for p in (notice.doc_no, notice.issuer, chinese_date(notice.date)) if p)
    lines, previous = [f"《{notice.short_title}》", head], ()
    for clause in notice.clauses:
        if not clause.numbered:
            continue
        for depth in range(len(clause.path)):
            # A level is shown where it starts: a plan after its covering notice starts again at 一、.
            if clause.path[: depth + 1] == previous[: depth + 1] and depth < len(clause.path) - 1:
                continue
            name = outline_name(clause, depth)
            marker = clause.path[depth]
            gap = " " if marker.endswith(".") or marker[-1].isalnum() else ""  # 「13. 标题」, 「（一）标题」
            lines.append(f"{OUTLINE_INDENT * depth}{marker}{gap}{name}".rstrip())
        previous = clause.path
    if notice.attachments:
        lines.append(texts.ATTACHMENTS.format(names="、".join(notice.attachments)))
    return lines


def outline_name(clause: Clause, depth: int) -> str:
    """A level's heading; the clause's own level without one shows the start of its text."""
    heading = clause.headings[depth] if depth < len(clause.headings) else ""
    if heading or depth < len(clause.path) - 1:
        return heading
    if clause.headings or not clause.title:
        gist = re.split(r"[。；;，,：:（(]", clause.text, maxsplit=1)[0]
        return gist[:OUTLINE_GIST] + ("…" if len(gist) > OUTLINE_GIST else "")
    return clause.title


def unit_listing(answer: Answer) -> list[str]:
    lead = [h for h in answer.hits if answer.unit in h.clause.lead_units]
    shared = [h for h in answer.hits if h not in lead]
    lines = [texts.UNIT_LEADS.format(unit=answer.unit, count=len(lead))]
    lines += [unit_item(i, h) for i, h in enumerate(lead, 1)]
    lines.append(texts.UNIT_SHARES.format(count=len(shared)))
    lines += [unit_item(i, h) for i, h in enumerate(shared, 1)]
    return lines


def unit_item(i: int, hit: Hit) -> str:
    """「3. 优化失业保险金发放领取程序 — 黄政办发〔2022〕58号 二、（四）13」: the item's number tells
    apart items that share a heading."""
    where = " ".join(p for p in (hit.notice.doc_no, path_label(hit.clause)) if p)
    return f"{i}. {hit.clause.title or hit.clause.path_text} — {where}"


def clause_lines(answer: Answer, hit: Hit, full: bool = False) -> tuple[str, list[str], list[str]]:
    """(heading, body sentences, unit and source lines) of one hit."""
    body = [hit.clause.text] if full else excerpt(hit.clause, hit.matched_terms)
    tail = unit_lines(hit.clause) + [texts.SOURCE.format(source=source_line(hit))]
    return hit.clause.title, body, tail


# --- console and command line ----------------------------------------------------------------------


def render_console(answer: Answer, position: int = 0, full: bool = False) -> str:
    """Plain text, as the chat channels would say it."""
    if not answer.answered:
        return "\n".join(unanswered_lines(answer))
    if answer.kind == model.UNITS:
        return "\n".join(unit_listing(answer))
    if not answer.shows_clause:  # a notice asked about as a whole
        return "\n".join(notice_outline(answer.notice))
    hit = answer.hits[position]
    heading, body, tail = clause_lines(answer, hit, full)
    if answer.asks_who:  # 「…找谁」: the units first, the source still last
        tail = tail[-1:]
        body = unit_lines(hit.clause) + body
    return "\n".join(([f"【{heading}】"] if heading else []) + body + tail)


def render_candidates(answer: Answer, count: int) -> str:
    """Staff (`ask -n 5`): the top candidates, each clause in full, after what a citizen would be told."""
    hits = answer.hits[:count] if answer.kind == model.CLAUSE else ()
    if not hits:
        return render_console(answer, full=True)
    parts = [] if answer.shows_clause else [render_console(answer), texts.NOT_CONFIDENT]
    for i, hit in enumerate(hits):
        shown = answer if answer.shows_clause else Answer(answer.query, True, hits=(hit,))
        parts.append(texts.CANDIDATE.format(n=i + 1, total=len(hits), score=hit.score))
        parts.append(render_console(shown, i if answer.shows_clause else 0, full=True))
    return "\n".join(parts)


def render_explain(answer: Answer) -> str:
    """Tokens, expansions and per-field scores: the admins' hit test."""
    evidence = answer.evidence
    lines = [f"意图：{answer.kind}；已回答：{'是' if answer.answered else '否'}（{answer.reason}）"]
    if evidence is not None:
        lines.append(f"规范化：{evidence.text}")
        for c in evidence.concepts:
            terms = "、".join(f"{t}×{w:.2f}" for t, w in c.terms)
            lines.append(f"  概念「{c.surface}」→ {terms}（权重 {c.importance:.2f}{'' if c.evidence else '，泛词'}）")
    for i, hit in enumerate(answer.hits[:RESULTS], 1):
        fields = "，".join(f"{name} {score}" for name, score in hit.field_scores if score)
        lines.append(f"{i}. {hit.score:.2f} {hit.notice.doc_no} {path_label(hit.clause)} {hit.clause.title}")
        lines.append(f"   命中：{'、'.join(hit.matched_terms)}；字段：{fields}")
        support = hit.support
        if support is not None:
            lines.append(
                f"   覆盖 {support.share:.0%}，证据 {support.evidence:.2f}，未知主题 {support.unknown_topic:.2f}"
            )
    return "\n".join(lines)


def render_reload_report(report: ReloadReport) -> str:
    lines = [
        texts.RELOAD_DONE.format(seconds=report.seconds),
        texts.RELOAD_COUNTS.format(files=report.files, notices=len(report.notices), clauses=report.clauses),
    ]
    for template, items in ((texts.RELOAD_ADDED, report.added), (texts.RELOAD_REMOVED, report.removed),
                            (texts.RELOAD_CHANGED, report.changed)):
        if items:
            lines.append(template.format(items="、".join(items)))
    if report.without_units:
        shown = "；".join(report.without_units[:8]) + ("……" if len(report.without_units) > 8 else "")
        lines.append(texts.RELOAD_NO_UNITS.format(count=len(report.without_units), items=shown))
    if report.warnings:
        lines.append(texts.RELOAD_WARNINGS.format(count=len(report.warnings)))
        lines += [f"  {w}" for w in report.warnings]
    return "\n".join(lines)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def render_stats(stats) -> str:
    """Volumes, answered share, the most asked clauses and unanswered questions, 👍/👎 per clause."""
    if stats is None:
        return texts.STATS_NO_LOG
    period = texts.STATS_DAYS.format(days=stats.days) if stats.days else texts.STATS_ALL_TIME
    lines = [texts.STATS.format(
        period=period, questions=stats.questions, unanswered=stats.questions - stats.answered,
        share=stats.unanswered_share, channels="、".join(f"{c} {n}" for c, n in stats.by_channel) or "—",
    )]
    for header, rows in ((texts.STATS_TOP, stats.top_clauses), (texts.STATS_UNANSWERED, stats.top_unanswered)):
        if rows:
            lines.append(header)
            lines += [f"  {n} × {label}" for label, n in rows]
    if stats.feedback:
        lines.append(texts.STATS_FEEDBACK)
        lines += [f"  {up}/{down}  {label}" for label, up, down in stats.feedback]
    return "\n".join(lines)


# --- Telegram: HTML, 4096 characters a message ------------------------------------------------------


def render_telegram(answer: Answer, position: int = 0, full: bool = False) -> list[Reply]:
    """One or more messages (split under 4096 characters); buttons ride on the last one."""
    if answer.reason == model.CLARIFY:  # one button per candidate, under the question
        buttons = tuple(((f"{n}. {h.clause.title}"[:60], f"pick{n}"),) for n, h in enumerate(answer.choices, 1))
        messages = escaped_messages("\n".join(choice_lines(answer)[:-1]))
        return [Reply(m) for m in messages[:-1]] + [Reply(messages[-1], buttons)]
    if not answer.shows_clause:
        return [Reply(text) for text in escaped_messages(render_console(answer))]
    hit = answer.hits[position]
    heading, body, tail = clause_lines(answer, hit, full)
    lines = [(heading, lambda t: f"<b>{escape(t)}</b>")] if heading else []
    lines += [(line, lambda t: bold_terms(t, hit.matched_terms)) for line in body]
    lines += [("", escape)] + [(line, escape) for line in tail]
    messages = html_messages(lines)
    return [Reply(m) for m in messages[:-1]] + [Reply(messages[-1], clause_buttons(answer, position, full))]


def html_messages(lines: list[tuple[str, Callable[[str], str]]], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Render plain lines to HTML, each on its own so no tag or entity is ever cut, then pack them."""
    rendered = []
    for plain, render in lines:
        rendered += [render(piece) for piece in cut(plain, limit, lambda t, r=render: len(r(t)))]
    return pack(rendered, limit, len)


def escaped_messages(text: str) -> list[str]:
    """Plain text as HTML messages (escaped line by line, split under the limit)."""
    return html_messages([(line, escape) for line in text.split("\n")])


def has_next(answer: Answer, position: int) -> bool:
    """Whether 下一条 has a result to show after the one at `position`."""
    return position + 1 < min(len(answer.hits), RESULTS)


def clause_buttons(answer: Answer, position: int, full: bool) -> tuple:
    first = []
    if not full:
        first.append((texts.BUTTON_FULL, "full"))
    if has_next(answer, position):
        total = min(len(answer.hits), RESULTS)
        first.append((texts.BUTTON_NEXT.format(n=position + 2, total=total), "next"))
    rows = [tuple(first)] if first else []
    rows.append(((texts.BUTTON_UP, "up"), (texts.BUTTON_DOWN, "down"), (texts.BUTTON_DOC, "doc")))
    return tuple(rows)


def bold_terms(plain: str, terms: tuple[str, ...]) -> str:
    """HTML of plain text with each matched term in bold; longest first, one pass, never nested.

    Terms are found in the plain text and each piece escaped on its own, so a term can never
    land inside an entity such as &amp;.
    """
    words = sorted({t for t in terms if len(t) >= 2}, key=len, reverse=True)
    if not words:
        return escape(plain)
    pieces = re.split(f"({'|'.join(map(re.escape, words))})", plain, flags=re.IGNORECASE)
    return "".join(f"<b>{escape(p)}</b>" if i % 2 else escape(p) for i, p in enumerate(pieces))


def split_text(text: str, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Pieces of plain text within `limit` (by `size`), split at line breaks, else at sentence ends."""
    return pack([piece for line in text.split("\n") for piece in cut(line, limit, size)], limit, size)


def cut(line: str, limit: int, size: Callable[[str], int]) -> list[str]:
    """A line too long for one message, cut after a sentence's end where possible."""
    pieces = []
    while size(line) > limit:
        end = len(line)
        while end > 1 and size(line[:end]) > limit:
            end = end * 9 // 10 if end > 40 else end - 1
        while end < len(line) and size(line[: end + 1]) <= limit:
            end += 1
        stop = max(line.rfind(mark, 0, end) for mark in "。；！？，")
        end = stop + 1 if stop > end // 2 else end
        pieces.append(line[:end])
        line = line[end:]
    return pieces + [line]


def pack(lines: list[str], limit: int, size: Callable[[str], int]) -> list[str]:
    """Join lines into as few messages as fit within `limit`."""
    messages, current = [], None
    for line in lines:
        candidate = line if current is None else f"{current}\n{line}"
        if current is not None and size(candidate) > limit:
            messages.append(current)
            current = line
        else:
            current = candidate
    return messages + [current or ""]


def render_search_list(answer: Answer) -> str:
    """Staff lookups: the top results as a compact list (HTML)."""
    if not answer.hits:
        return escape(render_console(answer))
    lines = [escape(texts.SEARCH_HEADER.format(question=answer.query.strip()[:40], count=len(answer.hits[:RESULTS])))]
    for i, hit in enumerate(answer.hits[:RESULTS], 1):
        units = "、".join(hit.clause.lead_units or hit.clause.responsible_units)
        title = escape(hit.clause.title or hit.clause.path_text)
        lines.append(f"{i}. <b>{title}</b> — {escape(source_line(hit, False))}")
        if units:
            lines.append(f"   {escape(units)}")
    return "\n".join(lines)


# --- WeChat: plain text, 2048 bytes a passive reply ---------------------------------------------------


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def render_wechat(answer: Answer, position: int = 0, full: bool = False) -> Reply:
    """A passive reply within 2048 bytes; what does not fit waits in `rest` for 「更多」."""
    text = render_console(answer, position, full)
    if answer.shows_clause and not full:
        text += "\n" + (texts.WECHAT_FOLLOW_UP if has_next(answer, position) else texts.WECHAT_FOLLOW_UP_LAST)
    return fit_wechat(text)


def fit_wechat(text: str) -> Reply:
    hint = "\n" + texts.MORE_HINT
    if utf8_len(text) <= WECHAT_LIMIT:
        return Reply(text)
    chunks = split_text(text, WECHAT_LIMIT - utf8_len(hint), size=utf8_len)
    last = len(chunks) - 1
    return Reply(chunks[0] + hint, rest=tuple(c + (hint if i < last else "") for i, c in enumerate(chunks) if i))


# --- help and reload failures (used by handlers/telegram.py) ------------------------------------------

HELP_NOTICES = 15  # notices listed by /help; more are summarised


def render_help(notices) -> str:
    """The welcome with example questions, then the notices the knowledge base holds (plain text)."""
    return "\n".join([texts.WELCOME, texts.KNOWN_NOTICES] + notice_list(notices, HELP_NOTICES))


def render_reload_failure(exc: Exception) -> str:
    """Why a reload failed, naming each file or lexicon line (plain text); nothing was changed."""
    reasons = exc.reasons if isinstance(exc, KnowledgeBaseError) else [str(exc) or type(exc).__name__]
    return "\n".join([texts.RELOAD_FAILED, *reasons])
