"""Unit annotations: who leads and who is responsible for a clause.

Every bracket style lives here:
    〔牵头单位：市人社局；责任单位：各县（市、区）人民政府〕
    （责任单位：市住建局、市交通运输局）   [责任部门：市残联]   (责任单位:市财政局)
    〔责任单位：A、B；列首位的为牵头单位，下同。…〕
    （A、B负责，排在第一位的部门为牵头部门，下同）   （A、B负责）
    责任单位:A、B            (bare, no brackets, at the end of a flattened item)
Brackets may be full- or half-width and may not match (（…〕), or may be left unclosed
when a flattened notice cut the item short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.brackets import CLOSE, OPEN, closing_index, strip_closing, strip_extra_round_close, top_level_split

LEAD_LABEL = r"(?:牵头|主责|主办)(?:单位|部门)"
RESP_LABEL = r"(?:责任|配合|协办|参与|协同)(?:单位|部门)"
LABEL = rf"(?:{LEAD_LABEL}|{RESP_LABEL})\s*[：:]"
FIRST_IS_LEAD = re.compile(r"(?:列|排在|排)(?:首位|第一位)|排名第一")
SAME_BELOW = "下同"

# Where an annotation starts: a bracket then a label, a bare label after a sentence, or a
# bracketed list ending in 负责.
LABELLED_START = re.compile(rf"[{re.escape(OPEN)}]\s*{LABEL}|(?:(?<=[。；;\s])|^){LABEL}")
_PLAIN = rf"[^{re.escape(OPEN + CLOSE)}。]*?"  # text without brackets or a full stop
RESPONSIBLE_BY = re.compile(  # （A、B（C）负责，…）at the end; inner parentheses allowed
    rf"[{re.escape(OPEN)}](?P<body>{_PLAIN}(?:[（(][^）)]*[）)]{_PLAIN})*负责[^。]*?)[{re.escape(CLOSE)}]?\s*$"
)

UNIT_NOISE = re.compile(r"以下|不再|下同|列首位|第一位|牵头单位|牵头部门|为准|均涉及|单独列出")


@dataclass(frozen=True)
class Annotation:
    """The units read from one annotation, and where it sat in the clause text."""

    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    start: int
    end: int
    first_is_lead_below: bool = False  # 「列首位的为牵头单位，下同」: applies to later clauses too


def split_units(text: str) -> list[str]:
    """Split a unit list on 、，,;； and spaces, but never inside parentheses."""
    return [u for u in (clean_unit(u) for u in top_level_split(text, "、，,;；/ \u3000")) if u]


def clean_unit(unit: str) -> str:
    # One spelling per unit: PDF dumps mix 各县(市、区) and 各县（市、区）, which must group together.
    unit = unit.strip().strip("。．.：:").strip().replace("(", "（").replace(")", "）")
    unit = re.sub(r"(等|负责|牵头)$", "", unit)
    unit = strip_extra_round_close(unit)  # left over from the annotation's own brackets
    if not unit or len(unit) > 30 or UNIT_NOISE.search(unit):
        return ""
    return unit


def find_annotation(text: str, first_is_lead: bool = False) -> Annotation | None:
    """The unit annotation of a clause's text (usually at its end), if there is one."""
    labelled = list(LABELLED_START.finditer(text))
    if labelled:
        # 〔牵头单位：…；责任单位：…〕 holds two labels: the annotation starts at the first.
        return _parse_labelled(text, labelled[0].start(), first_is_lead)
    m = RESPONSIBLE_BY.search(text)
    if m:
        return _parse_responsible_by(m, first_is_lead)
    return None


def annotation_end(text: str, start: int) -> int:
    """Where an annotation starting at `start` ends: its closing bracket, else the end of the line.

    Brackets nest (各县（市、区）) and may not match in kind (（责任单位：…〕), so any closing
    bracket closes any opening one; text after the annotation stays clause text.
    """
    if text[start] in OPEN:
        end = closing_index(text, start)
        if end >= 0:
            return end
    newline = text.find("\n", start)
    return newline if newline >= 0 else len(text)


def _parse_labelled(text: str, start: int, first_is_lead: bool) -> Annotation:
    end = annotation_end(text, start)
    body = text[start:end].strip()
    body = body.lstrip(OPEN).strip()
    body = strip_closing(body)
    lead: list[str] = []
    responsible: list[str] = []
    flag = bool(FIRST_IS_LEAD.search(body))
    below = flag and SAME_BELOW in body
    for part in top_level_split(body, "；;。"):
        label = re.match(rf"\s*({LEAD_LABEL}|{RESP_LABEL})\s*[：:]", part)
        if not label:
            continue
        names = split_units(part[label.end():])
        if re.match(LEAD_LABEL, label.group(1)):
            lead += names
        else:
            responsible += names
    if not lead and (flag or first_is_lead) and responsible:
        lead, responsible = responsible[:1], responsible[1:]
    return Annotation(tuple(lead), tuple(responsible), start, end, below)


def _parse_responsible_by(m: re.Match, first_is_lead: bool) -> Annotation:
    body = m.group("body")
    flag = bool(FIRST_IS_LEAD.search(body))
    names_part = body[: body.index("负责")]
    names = split_units(names_part)
    if (flag or first_is_lead) and names:
        lead, responsible = names[:1], names[1:]
    else:
        lead, responsible = [], names
    return Annotation(tuple(lead), tuple(responsible), m.start(), m.end(), flag and SAME_BELOW in body)
