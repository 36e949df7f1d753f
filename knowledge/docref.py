"""文号 and clause references: how notices number themselves and how people point at them.

In notices:  黄政办发〔2022〕58号, 国办发[2020]43号 (any of 〔[［(（【 around the year).
In questions: the full 文号, 〔2022〕58号 or 2022年58号 (issuer optional), 黄政办发58号 (no year),
「58号文」, 「58号」 alone, and a clause of it: 「58号 第13条」, 「58号文第13项」, 「60号 13」, 「58号 13条」.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.model import DocNumber

OPEN = "〔[［(（【"
CLOSE = "〕]］)）】"
_YEAR = rf"[{re.escape(OPEN)}]\s*(?P<year>[12]\d{{3}})\s*[{re.escape(CLOSE)}]"
_NUMBER = r"\s*(?P<num>\d{1,4})\s*号"

# A 文号 inside notice text, and a line that is nothing but one (it sits under a notice's title).
DOC_NO = re.compile(rf"[\u4e00-\u9fa5A-Za-z]{{1,14}}{_YEAR}{_NUMBER}")
DOC_NO_LINE = re.compile(rf"^\S{{1,14}}{_YEAR}{_NUMBER}$")

# In a question: the issuer's prefix is optional, the year may be written 2022年.
DOC_NO_REF = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fa5]{{1,14}}?)?\s*(?:{_YEAR}|(?P<year2>\d{{4}})\s*年)\s*第?{_NUMBER}"
)
# 「黄政办发58号」: a 文号's own prefix (ending in 发, 函, 字…) and the number, the year left out.
# The prefix names a body (政, 府, 办, 部…), so 「下发58号」 or 「中心办2号窗口」 are not taken for one.
PREFIX_DOC_REF = re.compile(
    r"(?P<prefix>[\u4e00-\u9fa5]{0,6}[政府办部委厅局][\u4e00-\u9fa5]{0,2}(?:发|函|字|令))\s*第?(?P<num>\d{1,4})\s*号"
)
SHORT_DOC_REF = re.compile(r"(?<![\d〕\]）)])(?P<num>\d{1,4})\s*号\s*(?:文|文件|通知)")
BARE_DOC_REF = re.compile(r"^\s*(?P<num>\d{1,4})\s*号\s*$")  # 「58号」 alone
LEAD_DOC_REF = re.compile(r"^\s*(?P<num>\d{1,4})\s*号(?=\s|第|$)")  # 「58号 第13条」: hotline shorthand
QUESTION_REFS = (DOC_NO_REF, SHORT_DOC_REF, BARE_DOC_REF, PREFIX_DOC_REF, LEAD_DOC_REF)

# A clause of a notice: 「第13条」, 「第十三项」, or a bare number right after the notice (「60号 13」).
CN_DIGITS = "零〇一二三四五六七八九两"
ITEM_REF = re.compile(rf"第\s*(?P<item>\d{{1,3}}|[{CN_DIGITS}十百]{{1,6}})\s*(?:条|项|款|点|个)")
# 「60号 13」, 「58号 13条」: a number right after the notice, alone or with 条/项 but without 第.
BARE_ITEM = re.compile(r"^\s*(?P<item>\d{1,3})(?!\d)(?:\s*(?:条|项|款)|(?=\s|$))")


PART_REF = re.compile(rf"第\s*(?P<item>\d{{1,2}}|[{CN_DIGITS}十]{{1,3}})\s*(?:部分|大项|大点)")


def part_reference(rest: str) -> int:
    """「59号 第二部分」: the number of a top-level part (二、), 0 when none is asked for."""
    m = PART_REF.search(rest)
    return chinese_number(m["item"]) if m else 0


def item_reference(rest: str) -> tuple[int, re.Match] | None:
    """The clause number a question gives after naming a notice, and where it was written."""
    m = ITEM_REF.search(rest) or BARE_ITEM.match(rest)
    if not m:
        return None
    number = chinese_number(m["item"])
    return (number, m) if number else None


def chinese_number(text: str) -> int:
    """「13」, 「十三」, 「二十七」, 「一百零五」 → 13, 13, 27, 105 (0 when it is not a number)."""
    if text.isdigit():
        return int(text)
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return 0
    return total + current


def number_value(printed: str) -> int:
    """A clause's printed number as a whole number: 「13」, 「（三）」, 「第五条」, 「一」 → 13, 3, 5, 1."""
    core = re.sub(r"^第|[条章节项、.．（）()]", "", printed or "")
    return chinese_number(core) if core else 0


def doc_number(doc_no: str) -> DocNumber:
    """The parts of a notice's 文号, compared with a question's reference."""
    m = DOC_NO_REF.search(unicodedata.normalize("NFKC", doc_no))
    if not m:
        return DocNumber("", "", "")
    return DocNumber((m["prefix"] or "").strip(), m["year"] or m["year2"], str(int(m["num"])))


def reference_number(m: re.Match) -> DocNumber:
    """What a question's reference (a match of one of QUESTION_REFS) gives."""
    groups = m.groupdict()
    return DocNumber((groups.get("prefix") or "").strip(), groups.get("year") or groups.get("year2") or "",
                     str(int(m["num"])))
