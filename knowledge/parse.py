"""Gazette text → notices → clauses. Pure functions: text in, plain data out, no I/O.

A gazette holds several notices, each starting with its title and its 文号 on a line of its own;
a file without such a line is one notice (often flattened to a single line, 文号 inline or absent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.actors import named_actors
from knowledge.brackets import strip_unbalanced_ends
from knowledge.docref import DOC_NO, DOC_NO_LINE
from knowledge.model import ARTICLE, ATTACHMENT, ITEM, PARAGRAPH, SECTION, TABLE_ROW, Clause, Notice
from knowledge.pdftext import DATE_LINE, METADATA_LINE, TITLE_LINE, join_wrapped, paragraphs
from knowledge.tables import table_rows
from knowledge.tasktable import TaskRow, split_task_tables
from knowledge.units import column_units, find_annotation, find_annotations

METADATA = re.compile(r"\[(?P<key>[\u4e00-\u9fa5]{2,6})\]\s*(?P<value>[^\[\s]*)")
SALUTATION = re.compile(
    r"(?<=[\s。号])(?P<sal>[^\s：:。]{0,12}各[^：:。\n]{1,160}|[^\s：:。]{2,40}(?:人民政府|部门|单位|机构)[^：:。\n]{0,120})[：:]"
)
SIGNATURE = re.compile(
    r"(?:^|(?<=[\s。]))(?P<issuer>[\u4e00-\u9fa5]{1,30}(?:政府|办公室|办公厅|委员会|局|厅|院|委|部|办|会))"
    r"\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?=\s|$|（|\()"
)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
COVERING = re.compile(r"印发给你们|现印发|现将.{0,60}印发")

# (level, pattern, how the marker is written in a clause's path). Regulations (办法, 规定) number
# 第一章 > 第一条; plans 一、 > （一） > 1. > （1）. A 条 may hold （一） items, so it sits between.
CN_NUMBER = "一二三四五六七八九十百零〇"
LEVEL_PATTERNS = [
    (0.5, re.compile(rf"^第(?P<m>[{CN_NUMBER}]{{1,4}})章\s*"), "第{}章"),
    (0.7, re.compile(rf"^第(?P<m>[{CN_NUMBER}]{{1,4}})节\s*"), "第{}节"),
    (1, re.compile(r"^(?P<m>[一二三四五六七八九十]{1,3})[、.．]\s*"), "{}、"),
    (1.5, re.compile(rf"^第(?P<m>[{CN_NUMBER}]{{1,5}})条\s*"), "第{}条"),
    (2, re.compile(r"^[（(](?P<m>[一二三四五六七八九十]{1,3})[）)]\s*"), "（{}）"),
    (3, re.compile(r"^(?P<m>\d{1,2})\s*(?:[.、](?!\d)|．|。(?=[\u4e00-\u9fff]))\s*"), "{}."),
    (4, re.compile(r"^[（(](?P<m>\d{1,2})[）)]\s*"), "（{}）"),
    (5, re.compile(r"^(?P<m>[①-⑳])\s*"), "{}"),
]
ARTICLE_MARKER = re.compile(rf"^第[{CN_NUMBER}]+条$")
ATTACHMENT_HEAD = re.compile(r"^附件\s*\d*$")
ATTACHMENT_LIST = re.compile(r"^附件\s*\d*\s*[：:]\s*(?P<names>.+)$")
HEADING_MAX = 40  # a first sentence longer than this is text, not a heading
HEADING_WITH_COMMA_MAX = 24
ENUM_ITEM_MAX = 100  # numbered items shorter than this, after a lead-in with 「：」, form a list


@dataclass
class Node:
    """An outline entry while the tree is being built."""

    level: float
    marker: str
    lines: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.lines[0] if self.lines else ""


def parse_gazette(text: str, source: str = "") -> list[Notice]:
    """All notices in one file's text."""
    paras = paragraphs(text)
    starts = notice_starts(paras)
    if not starts:
        return [parse_notice(paras, source)] if paras else []
    bounds = starts + [len(paras)]
    return [parse_notice(paras[a:b], source) for a, b in zip(bounds, bounds[1:], strict=False)]


def notice_starts(paras: list[str]) -> list[int]:
    """Index of each notice's title: the paragraph just before a 文号 on a line of its own."""
    starts = []
    for i, p in enumerate(paras):
        if DOC_NO_LINE.match(p) and i > 0 and not DOC_NO_LINE.match(paras[i - 1]):
            start = i - 1
            # 「国务院关于促进综合保税区」「高水平开放高质量发展的若干意见」: a title wrapped over lines.
            for _ in range(2):
                if "关于" in "".join(paras[start:i]) or start == 0 or not title_fragment(paras[start - 1]):
                    break
                start -= 1
            if "关于" not in "".join(paras[start:i]) and not re.search("关于|印发", paras[start]):
                start = i - 1  # no 关于 found above: the title is the one line before the 文号
            elif start > 0 and ISSUER_LINE.match(paras[start - 1]) and paras[start].startswith("关于"):
                start -= 1  # 「黄石市人民政府」「关于…」: the issuer on a line of its own
            starts.append(start)
        elif untitled_notice_start(paras, i):
            starts.append(i)
    return sorted(set(starts))


def untitled_notice_start(paras: list[str], i: int) -> bool:
    """A notice without a 文号: its 「…关于…的通知」 title right after a date, then its addressees."""
    return (
        0 < i < len(paras) - 1
        and bool(TITLE_LINE.match(join_wrapped(paras[i])))
        and DATE_LINE.match(paras[i - 1]) is not None
        and paras[i + 1].rstrip().endswith(("：", ":"))
    )


ISSUER_LINE = re.compile(r"^[\u4e00-\u9fa5]{2,20}(?:政府|办公室|办公厅|委员会|局|厅|委)$")


def title_fragment(para: str) -> bool:
    """A short line without sentence punctuation: possibly part of a title wrapped over lines."""
    return len(para) <= 40 and not re.search("[。；：:]", para) and not DATE_LINE.match(para)


def parse_notice(paras: list[str], source: str = "") -> Notice:
    text = "\n".join(paras)
    meta = {m.group("key"): m.group("value") for m in METADATA.finditer(text[:1500])}
    header, body = split_header(text)
    doc_no = own_doc_no(header, meta, text)
    title = notice_title(header, doc_no)
    if DECREE_NO.fullmatch(doc_no) and not TITLE_KIND.search(title) and (named := PROMULGATED.search(text[:800])):
        title = named["name"]  # 「国务院令第693号」 heads the page; the regulation it issues is the title
    body, issuer, date = take_signature(body)
    issuer = issuer or meta.get("发文机构", "") or issuer_from_title(title)
    date = date or iso_date(meta.get("成文日期", "") or meta.get("发布日期", "")) or line_end_date(text[:1500])
    issuer = issuer or (doc_no.split("令")[0] if DECREE_NO.fullmatch(doc_no) else "")
    lines = [p for p in body.split("\n") if p.strip() and not METADATA_LINE.match(p)]
    body_paras, attachments = split_attachments(lines)
    body_paras = [p for p in body_paras if not is_covering_note(p, title)]
    body_paras, rows = split_task_tables(body_paras)
    notice = Notice(doc_no=doc_no, title=title, issuer=issuer, date=date, source=source)
    clauses = outline_clauses(notice, body_paras) + row_clauses(notice, rows, "任务分工表")
    clauses += attachment_clauses(notice, attachments, len(body_paras))
    clauses = [c.__class__(**{**c.__dict__, "position": i}) for i, c in enumerate(clauses)]
    names = tuple(a[0] for a in attachments)
    return Notice(doc_no, title, issuer, date, source, names, tuple(clauses))


# --- header: title, 文号, issuer, date ----------------------------------------------------------


def split_header(text: str) -> tuple[str, str]:
    """Header (title, 文号, metadata) and body, split at the salutation 「各区人民政府，…：」."""
    # The addressees come before the outline: 「…主管部门…下列信息：」 in 第十五条 is not a salutation.
    outline = re.search(r"^(?:第[一二三四五六七八九十]{1,3}[章条]|[一二三四五六七八九十]{1,3}、)", text, re.M)
    head, pos = text[: min(2000, outline.start() if outline else 2000)], 0
    while m := SALUTATION.search(head, pos):
        # A title (关于…通知) or an annotation (责任单位：) is not the list of addressees.
        if not re.search("关于|通知|意见|措施|印发|责任|牵头", m["sal"]) and not DOC_NO.search(m["sal"]):
            return text[: m.start("sal")], text[m.end():]
        pos = m.start("sal") + 1
    first, _, rest = text.partition("\n")
    if rest and DOC_NO_LINE.match(rest.split("\n", 1)[0]):
        second, _, rest = rest.partition("\n")
        first += "\n" + second
    return first, rest


# A decree's number: 国务院令第693号, 粤府令第197号 (「以粤府令第197号公布」 in a note).
DECREE_NO = re.compile(
    r"(?:中华人民共和国)?(?:国务院|[\u4e00-\u9fa5]{1,5}?(?:府|部|委|局|厅|署|行|院))令\s*第\s*\d{1,4}\s*号"
)
DECREE_NOISE = re.compile(r"^.*?(?:中华人民共和国|[以于经据])(?=.{3})")
# 「…分工方案的通知国办发〔2020〕43号」: a title run into its 文号 on one line.
TITLE_END = re.compile(r"^.*(?:通知|意见|决定|方案|办法|规定|批复|公告|通告)(?=.)")  # not 函: 某政办函〔…〕


def own_doc_no(header: str, meta: dict, text: str = "") -> str:
    if DOC_NO.fullmatch(meta.get("发文字号", "")):
        return meta["发文字号"]
    cleaned = METADATA.sub(" ", header)
    m = DOC_NO.search(cleaned)
    if m:
        return TITLE_END.sub("", re.sub(r"\s+", "", m.group(0)))
    # A decree's own number heads a line or says it was promulgated by it; one merely cited is not.
    decree = DECREE_NO.search(header) or re.search(rf"^(?:{DECREE_NO.pattern})|(?<=以){DECREE_NO.pattern}(?=公布)",
                                                   text[:1500], re.M)
    return DECREE_NOISE.sub("", re.sub(r"\s+", "", decree.group(0))) if decree else ""


LETTERHEAD = re.compile(r"^[\u4e00-\u9fa5]{2,24}文件$")  # 「鞍山市立山区人民政府文件」 above the 文号
PROMULGATED = re.compile(r"公布《(?P<name>[^》]{4,60})》")  # a decree: 「现公布《…条例》，自…起施行」


TITLE_KIND = re.compile(
    r"(?:通知|意见|决定|办法|规定|方案|批复|公告|通告|报告|条例|细则|规则|计划|措施)(?:[（(][^）)]{1,6}[）)])?$"
)


def complete_title(lines: list[str]) -> str:
    """The lines of a title wrapped over several, up to the one that ends it (「…的通知」); a web page
    that prints the title twice, then its metadata, gives the first copy only."""
    for i in range(len(lines)):
        if TITLE_KIND.search(lines[i].strip()) and "关于" in "".join(lines[: i + 1]):
            return "".join(lines[: i + 1])
    return "".join(lines)


def tidy_title(title: str) -> str:
    """「…的通知 【发文单位】…」, 「…的通知…的通知」 (printed twice), 「…的通知贵阳市人民政府办公厅文件」:
    the title ends where its kind of document is named."""
    end = re.search(rf"{TITLE_KIND.pattern[:-1]}(?=\s|【|\[|$)", title)
    if end and "关于" in title[: end.start()]:
        title = title[: end.end()]
    again = title.find(title[:10], 1) if len(title) >= 20 else -1
    if again > 0 and TITLE_KIND.search(title[:again]):
        title = title[:again]
    letterhead = re.search(rf"{TITLE_KIND.pattern[:-1]}(?=[\u4e00-\u9fa5]{{2,24}}文件$)", title)
    return title[: letterhead.end()] if letterhead else title


def notice_title(header: str, doc_no: str) -> str:
    """The first title-like piece of the header, with spaces from line wrapping removed."""
    header = METADATA.sub("\n", header)
    # Split around each 文号 (DOC_NO.split would also return its groups, the year and the number).
    # The notice's own 文号 first: 「…分工方案的通知国办发〔2020〕43号」 keeps its title's last words.
    pieces = DOC_NO.sub("\x00", header.replace(doc_no, "\x00")).split("\x00") if doc_no else [header]
    for piece in pieces:
        piece = "\n".join(line for line in piece.split("\n") if not LETTERHEAD.match(line.strip()))
        piece = re.sub(r"\s*\n\s*", "\n", piece.strip(" \n\t-—"))
        piece = complete_title(piece.split("\n"))
        piece = strip_unbalanced_ends(piece)  # 「…的通知（黔发改服务」 around a 文号, not 「（试行）」
        if len(piece) >= 4:
            # A title repeated after the 文号 (web pages print it twice): keep the first copy.
            return tidy_title(join_wrapped(piece.split("  ")[0]))
    return ""


def take_signature(body: str) -> tuple[str, str, str]:
    """Remove the signature 「黄石市人民政府办公室 2022年11月16日」 and return it."""
    m = SIGNATURE.search(body)
    if not m:
        return body, "", ""
    date = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    rest = body[: m.start()] + "\n" + body[m.end():]
    rest = re.sub(r"[（(]此件(?:公开发布|主动公开|不公开)[）)]", "", rest)
    return rest, m["issuer"], date


def issuer_from_title(title: str) -> str:
    m = re.match(r"^(.{2,30}?)(?:关于|印发)", title)
    return m.group(1).strip() if m else ""


def line_end_date(text: str) -> str:
    """「总理 李克强 2017年12月25日」: a date closing a line near the top, when no signature was found."""
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", text, re.M)
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else ""


def iso_date(value: str) -> str:
    m = ISO_DATE.search(value or "")
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else ""


def is_covering_note(para: str, title: str) -> bool:
    """The covering note's 「…已经市人民政府同意，现印发给你们」 and the plan's own title line."""
    if COVERING.search(para) and len(para) < 200:
        return True
    plain = join_wrapped(para)
    return len(plain) < 60 and not plain.endswith("。") and plain in title


# --- attachments --------------------------------------------------------------------------------


def split_attachments(paras: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Body paragraphs, and each attachment as (name, paragraphs)."""
    names = []
    body: list[str] = []
    attachments: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(paras):
        p = paras[i].strip()
        listed = ATTACHMENT_LIST.match(p)
        if listed:
            names += [n.strip("《》 ") for n in re.split(r"\s*\d+[.．]\s*|；|;", listed["names"]) if n.strip()]
        elif ATTACHMENT_HEAD.match(p):
            name = join_wrapped(paras[i + 1]) if i + 1 < len(paras) else "附件"
            j = i + 2
            while j < len(paras) and not ATTACHMENT_HEAD.match(paras[j].strip()):
                j += 1
            attachments.append((name, paras[i + 2 : j]))
            i = j
            continue
        else:
            body.append(p)
        i += 1
    known = {a[0] for a in attachments}
    attachments += [(n, []) for n in names if n not in known]
    return body, attachments


def attachment_clauses(notice: Notice, attachments, offset: int) -> list[Clause]:
    clauses = []
    for name, paras in attachments:
        paras, tasks = split_task_tables(paras)
        clauses += row_clauses(notice, tasks, name)
        rows = table_rows(paras)
        if rows and not (tasks and len("".join(rows)) < 40):  # what is left of a task table is its title
            clauses.append(Clause(notice.doc_no, ("附件",), name, "\n".join(rows), section="附件", kind=ATTACHMENT))
    return clauses


def row_clauses(notice: Notice, rows: list[TaskRow], table: str) -> list[Clause]:
    """Each row of a task table as a clause with its columns' units and deadline."""
    clauses = []
    for i, row in enumerate(rows, 1):
        units = column_units(row.lead, row.responsible, row.leader)
        task, measures = row.task or row.measures, row.measures if row.task else ""
        title, text = (task, measures) if measures and len(task) <= HEADING_MAX else split_heading(task)
        if measures and len(task) > HEADING_MAX:
            text = f"{task}\n{measures}"
        section = classify(row.heading)[2] if row.heading else table
        clauses.append(Clause(
            notice.doc_no, (table, row.number or str(i)), title or section, text or title, units.lead_units,
            units.responsible_units, section, kind=TABLE_ROW, number=row.number, deadline=row.deadline,
            leaders=units.leaders, headings=("", title),
        ))
    return clauses


# --- outline: 一、 / （一） / 1. / （1） ------------------------------------------------------------


def classify(para: str) -> tuple[float, str, str]:
    """(level, normalised marker, rest) — level 0 for a plain paragraph."""
    for level, pattern, written in LEVEL_PATTERNS:
        m = pattern.match(para)
        if m:
            return level, written.format(m["m"]), para[m.end():].strip()
    return 0, "", para


def build_tree(paras: list[str]) -> tuple[list[str], list[Node]]:
    """Preamble paragraphs and the outline tree."""
    preamble: list[str] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for para in paras:
        level, marker, rest = classify(para)
        if level == 0:
            (stack[-1].lines if stack else preamble).append(para)
            continue
        node = Node(level, marker, [rest])
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return preamble, roots


def outline_clauses(notice: Notice, paras: list[str]) -> list[Clause]:
    preamble, roots = build_tree(paras)
    state = {"first_is_lead": False, "headings": {}}
    clauses = [make_clause(notice, (f"第{i}段",), notice.short_title, p, "", state, PARAGRAPH)
               for i, p in enumerate(preamble, 1)]
    for root in roots:
        clauses += node_clauses(notice, root, (), "", state)
    return clauses


def node_clauses(notice: Notice, node: Node, path: tuple, section: str, state: dict) -> list[Clause]:
    path = path + (node.marker,)
    heading, body = split_heading(node.first)
    state["headings"][path] = heading  # the outline shows every heading, with or without text of its own
    own_text = "\n".join([body] + node.lines[1:]).strip()
    kind = ARTICLE if ARTICLE_MARKER.match(node.marker) else ITEM
    number = node.marker.rstrip("、.")
    if node.children and is_enumeration(own_text, node.children):
        items = [f"{c.marker}{flatten(c)}" for c in node.children]
        text = "\n".join([own_text] + items)
        return [make_clause(notice, path, heading or section, text, section, state, kind, number)]
    if not node.children:
        return [make_clause(notice, path, title, piece, section, state, kind, number)
                for title, piece in annotated_sentences(own_text, heading or section)]
    clauses = []
    if len(own_text) >= 60:
        kind = ARTICLE if kind == ARTICLE else SECTION
        clauses.append(make_clause(notice, path, heading or section, own_text, section, state, kind, number))
    for child in node.children:
        clauses += node_clauses(notice, child, path, heading or section, state)
    return clauses


def annotated_sentences(text: str, heading: str) -> list[tuple[str, str]]:
    """(title, text) of each task in a text: several unnumbered sentences under one （三）, each with
    its own annotation, are several tasks; the first keeps the heading, the others their first phrase."""
    cuts = [0]
    annotations = find_annotations(text)
    for annotation, following in zip(annotations, annotations[1:], strict=False):
        between = text[annotation.end : following.start]
        if len(re.sub(r"\W", "", between)) >= 8:  # a sentence of its own follows this annotation
            cuts.append(annotation.end)
    pieces = [text[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(text)], strict=False)]
    return [(heading if i == 0 else split_heading(piece)[0] or heading, piece) for i, piece in enumerate(pieces)]


def split_heading(first: str) -> tuple[str, str]:
    """「制造业质量提升行动。围绕…」 → heading and body; a long first sentence is all body."""
    m = re.match(rf"^(?P<h>[^。；;！？]{{2,{HEADING_MAX}}}?)[。；;]\s*", first)
    # A heading is a phrase; a long first sentence with a comma is already the clause's text.
    if m and not find_annotation(m["h"]) and (len(m["h"]) <= HEADING_WITH_COMMA_MAX or not re.search("[，,]", m["h"])):
        return m["h"].strip(), first[m.end():].strip()
    if len(first) <= HEADING_MAX and not first.endswith(("。", "；", "：", ":")) and not find_annotation(first):
        return first.strip(), ""
    return "", first.strip()


def is_enumeration(own_text: str, children: list[Node]) -> bool:
    """「下列政策文件应及时进行解读：」 followed by short items is one clause, not several; an
    annotation after the last item (「(3)…。(责任单位:…)」) is the whole list's."""
    if not without_annotations(own_text).rstrip().endswith(("：", ":")):
        return False
    short = all(not c.children and len(without_annotations(flatten(c))) <= ENUM_ITEM_MAX for c in children)
    annotated = [i for i, c in enumerate(children) if find_annotation(flatten(c))]
    return short and annotated in ([], [len(children) - 1])


def without_annotations(text: str) -> str:
    for annotation in reversed(find_annotations(text)):
        text = text[: annotation.start] + text[annotation.end :]
    return text


def flatten(node: Node) -> str:
    return "\n".join(node.lines + [f"{c.marker}{flatten(c)}" for c in node.children])


def make_clause(
    notice: Notice, path, title: str, text: str, section: str, state: dict, kind: str = ITEM, number: str = ""
) -> Clause:
    """One clause; every annotation in its text is read and taken out (a section's own annotation
    may sit before 「具体措施：」)."""
    lead: list[str] = []
    responsible: list[str] = []
    leaders: list[str] = []
    annotations = find_annotations(text, state["first_is_lead"])
    deadline = next((a.deadline for a in annotations if a.deadline), "")
    for annotation in reversed(annotations):
        text = (text[: annotation.start] + text[annotation.end:]).strip()
    for annotation in annotations:
        lead += [u for u in annotation.lead_units if u not in lead]
        responsible += [u for u in annotation.responsible_units if u not in responsible]
        leaders += [p for p in annotation.leaders if p not in leaders]
        state["first_is_lead"] = state["first_is_lead"] or annotation.first_is_lead_below
    if not annotations and kind == ARTICLE:
        responsible = named_actors(f"{title}。{text}")  # a regulation names who acts in its text: 「税务机关依法…」
    responsible = [u for u in responsible if u not in lead]
    headings = tuple(state.get("headings", {}).get(path[: i + 1], "") for i in range(len(path)))
    return Clause(notice.doc_no, path, title.strip(), text.strip(), tuple(lead), tuple(responsible), section,
                  kind=kind, number=number, leaders=tuple(leaders), headings=headings, deadline=deadline)


__all__ = ["parse_gazette", "DATE_LINE"]
