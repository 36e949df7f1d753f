"""Tables dumped from PDFs (Markdown pipes, tab-separated cells, stray HTML) → readable rows."""

from __future__ import annotations

import html
import re

TAG = re.compile(r"<[^>]+>")
RULE = re.compile(r"^[\s|:\-+]*$")
# Cells that carry no content of their own: rating scales and their column headers.
SCALE_CELL = re.compile(r"^(?:\d{1,2}|不了解|满意|较满意|一般|较不满意|不满意|□)$")


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
    cells = [c for c in cells if c and not SCALE_CELL.match(c)]
    if len(cells) == 2 and "|" in text:
        return f"{cells[0]}：{cells[1]}"  # a name list: 姓名：职务
    return " ".join(re.sub(r"\s+", " ", c) for c in cells)
