"""文号 and clause references: how notices number themselves and how people point at them.

In notices:  黄政办发〔2022〕58号, 国办发[2020]43号 (any of 〔[［(（【 around the year).
In questions: the full 文号, 〔2022〕58号 or 2022年58号 (issuer optional), 「58号文」, 「58号」 alone,
and a clause of it: 「58号 第13条」, 「58号文第13项」, 「60号 13」.
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
SHORT_DOC_REF = re.compile(r"(?<![\d〕\]）)])(?P<num>\d{1,4})\s*号\s*(?:文|文件|通知)")
BARE_DOC_REF = re.compile(r"^\s*(?P<num>\d{1,4})\s*号\s*$")  # 「58号」 alone
QUESTION_REFS = (DOC_NO_REF, SHORT_DOC_REF, BARE_DOC_REF)


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
