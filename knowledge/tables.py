"""Tables dumped from PDFs (Markdown pipes, tab-separated cells, stray HTML) → readable rows."""

from __future__ import annotations

import html
import re

TAG = re.compile(r"<[^>]+>")
RULE = re.compile(r"^[\s|:\-+]*$")
# Cells that carry no content of their own: a survey's rating scale (10 9 8 … 1) and its headings.
SCALE_WORD = re.compile(r"^(?:不了解|满意|较满意|一般|较不满意|不满意|□)$")
SCALE_NUMBER = re.compile(r"^\d{1,2}$")
SCALE_RUN = 5  # this many small numbers in one row are a rating scale, not data


def table_rows(paras: list[str]) -> list[str]:
    """Each paragraph of an attachment as one readable row; empty rows dropped."""
    rows = []
    for para in paras:
        row = table_row(para)
        if row:
            rows.append(row)
    return rows


def table_row(para: str) -> str:
    text = html.unescape(TAG.sub(" ", para.replace("<input type=\"checkbox\"/>", "□")))
    if RULE.match(text) or re.fullmatch(r"-\s*(\|\s*)+", text.strip()):
        return ""
    if "|" in text:
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
    elif "\t" in para:
        cells = [c.strip() for c in text.split("\t")]
    else:
        return re.sub(r"\s+", " ", text).strip()
    is_scale = sum(bool(SCALE_NUMBER.match(c)) for c in cells) >= SCALE_RUN
    cells = [c for c in cells if c and not SCALE_WORD.match(c) and not (is_scale and SCALE_NUMBER.match(c))]
    if len(cells) == 2 and "|" in text:
        return f"{cells[0]}：{cells[1]}"  # a name list: 姓名：职务
    return " ".join(re.sub(r"\s+", " ", c) for c in cells)
