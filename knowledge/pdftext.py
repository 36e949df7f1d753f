"""Repairs for text dumped from PDFs and web pages: page breaks, furniture, flattened lines.

Input and output are lists of paragraphs (strings); nothing here knows about notices.
"""

from __future__ import annotations

import re

from knowledge.brackets import has_unclosed
from knowledge.docref import DOC_NO_LINE
from knowledge.markup import plain_text
from knowledge.tasktable import mark_space_tables

# A line that closes a paragraph: sentence-final punctuation or a balanced closing bracket.
FINAL = "。！？；：!?;:…"
OUTLINE_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}\s*[.．、](?!\d)|[（(]\d{1,2}[）)]|附件"
    r"|第[一二三四五六七八九十百零〇]{1,5}[章节条])"
)
ANNOTATION_START = re.compile(r"^\s*[〔（(\[【［]\s*(?:牵头|责任|主责|配合|协办)(?:单位|部门)\s*[：:]")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
TOC_LINE = re.compile(r"^.{4,}(?:\t+|\s{2,}|…{2,}|\.{4,})\d{1,3}$")
PAGE_NUMBER = re.compile(r"^[-—－\s]*\d{1,3}[-—－\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
TABLE_RULE = re.compile(r"^[\s|:\-+]*$")
# Inline outline markers in a notice flattened to one line: split before them when they follow
# the end of a sentence, a closing bracket or white space.
# 「3．2020年底前」: a full-width point is never a decimal one. 「…精准性（一）研究…」: a heading
# without punctuation runs straight into the next item, so （一） also breaks after a character
# (not after 第/条/款/项, which cite another document's item). Articles: 「…。第二条　…」.
INLINE_BREAK = re.compile(
    r"(?<=[。；;！？)）〕\]】\s：:])\s*(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|\d{1,2}(?:\.(?!\d)|．|。(?=[\u4e00-\u9fff]))|[①-⑳]|[（(]\d{1,2}[）)]"
    r"|第[一二三四五六七八九十百零〇]{1,5}[章条](?![的规第])))"
    r"|(?<=[\u4e00-\u9fff”])(?<![第条款项])(?=[（(][一二三四五六七八九十]{1,3}[）)](?![、，,的]))"
)
WIDE_GAP = re.compile(r"\s*\u3000{2,}\s*|\s{3,}")
DECREE_LINE = re.compile(r"^[\u4e00-\u9fa5]{1,14}令\s*第\s*\d{1,4}\s*号$")  # 国务院令第693号
# 「落实责任制.各街道要…」: a half-width full stop after a Chinese character ends a sentence (not 1.5, not 1.).
HALF_WIDTH_STOP = re.compile(r"(?<=[\u4e00-\u9fff”）)])\.(?=[\u4e00-\u9fff“（(\s]|$)", re.M)
# 「【牵头单位】市人社局【责任单位】…」: a label in brackets reads like 「牵头单位：」.
BRACKETED_LABEL = re.compile(
    r"[【\[［](?P<label>(?:牵头|责任|配合|协办|参与)(?:单位|部门)|责任领导|完成时限)[】\]］]\s*[：:]?"
)
METADATA_LINE = re.compile(r"^\[[\u4e00-\u9fa5]{2,6}\]\s*\S*$")  # 「[成文日期] 2014-03-01」
DATE_END = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
TITLE_LINE = re.compile(r"^[^。；：:]{0,30}关于[^。；：:]{2,60}(?:通知|意见|决定|办法|规定|方案|批复|公告|通告)$")
FLAT_LINE = 120  # a line longer than this is probably a whole flattened notice


def paragraphs(text: str) -> list[str]:
    """Text → paragraphs with page-break artefacts, furniture and flattening repaired."""
    text = plain_text(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\xa0", " ")
    text = HALF_WIDTH_STOP.sub("。", text)
    text = BRACKETED_LABEL.sub(r"\g<label>：", text)
    lines = [line.rstrip() for line in text.split("\n")]
    lines = [line for line in mark_space_tables(drop_comments(lines)) if not is_furniture(line)]
    lines = [piece for line in lines for piece in unflatten(line)]
    return rejoin(lines)


def drop_comments(lines: list[str]) -> list[str]:
    """Leading `# source: …` lines are provenance notes, not notice text."""
    out = list(lines)
    while out and (not out[0].strip() or out[0].lstrip().startswith("# ")):
        out.pop(0)
    return out


def is_furniture(line: str) -> bool:
    s = line.strip()
    if s.count("\t") > 1:  # a table row (姓名\t职务\t12), not a contents line (标题\t12)
        return False
    return bool(PAGE_NUMBER.match(s) or TOC_LINE.match(s)) and not DOC_NO_LINE.match(s)


def unflatten(line: str) -> list[str]:
    """Split a flattened notice into paragraphs at wide gaps and inline outline markers."""
    if len(line) < FLAT_LINE or "\t" in line:  # tab-separated lines are table rows, not flattened text
        return [line]
    pieces = [p for p in WIDE_GAP.split(line) if p.strip()]
    out = []
    for piece in pieces:
        out += [p.strip() for p in INLINE_BREAK.split(piece) if p.strip()]
    return out


def is_open(line: str) -> bool:
    """Does this line stop mid-paragraph (a page break fell inside it)?"""
    s = line.strip()
    if not s or DOC_NO_LINE.match(s) or DATE_LINE.match(s) or "\t" in s or s.startswith("|"):
        return False
    if has_unclosed(s):
        return True
    if s.startswith("附件") or is_heading(s) or TITLE_LINE.match(join_wrapped(s)) or DECREE_LINE.match(s):
        return False
    if DATE_END.search(s) or METADATA_LINE.match(s):  # 「总理 李克强 2017年12月25日」: a signature ends its paragraph
        return False
    # A closing quote is not an ending: 「开展“A”」 / 「“B”等活动」 was cut between quotes.
    if s[-1] in FINAL or s[-1] in "〕]】）)":
        return False
    # Short lines without punctuation are headings, titles and signatures.
    return len(s) >= 16


def is_heading(s: str) -> bool:
    """「三、强化政策文件解读工作的保障和监督」: an outline marker and a phrase, no sentence."""
    return bool(OUTLINE_START.match(s)) and len(s) <= 40 and not re.search(r"[。，；：,;:]", s)


def rejoin(lines: list[str]) -> list[str]:
    """Join paragraphs cut by page breaks; drop a sentence repeated across the break."""
    out: list[str] = []
    lines = [line.strip() for line in lines if line.strip()]
    for i, line in enumerate(lines):
        is_title = i + 1 < len(lines) and DOC_NO_LINE.match(lines[i + 1])
        if out and not is_title:
            line = drop_repeated_head(out[-1], line)
            if not line:
                continue
            if continues(out[-1], line):
                out[-1] = out[-1] + line
                continue
        out.append(line)
    return out


def continues(previous: str, line: str) -> bool:
    if ANNOTATION_START.match(line):
        return not OUTLINE_START.match(previous) or len(previous) > 40
    if DOC_NO_LINE.match(line) or DATE_LINE.match(line) or OUTLINE_START.match(line) or "\t" in line:
        return False  # a table row starts afresh too: the line above is the table's title
    return is_open(previous)


def drop_repeated_head(previous: str, line: str) -> str:
    """「…重点难点问题。」 then 「问题。（责任单位：…）」: the PDF printed 「问题。」 twice."""
    for k in range(min(len(previous), len(line), 20), 1, -1):
        head = line[:k]
        if head[-1] in "。；" and previous.endswith(head):
            return line[k:].strip()
    return line


def join_wrapped(text: str) -> str:
    """Remove spaces a PDF put between CJK characters (「通 知」, 「方案的 通知」)."""
    return re.sub(r"(?<=[\u4e00-\u9fff“”《》（）()])\s+(?=[\u4e00-\u9fff“”《》（）()])", "", text).strip()
