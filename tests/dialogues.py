"""Multi-turn dialogues (tests/data/*.jsonl, the format of shared/data/check_dialogues.py) and how a reply is judged.

A turn expects a clause (its heading, and units), small talk, 「not covered」, or any clause; the
reply is judged by its text alone, as a person reading it in any channel would.
"""

from __future__ import annotations

import json
from pathlib import Path

from handlers import texts

DATA = Path(__file__).parent / "data"
FILES = ("dialogues.jsonl", "dialogues_extra.jsonl")
NOT_COVERED_MARK = texts.NOT_COVERED.split("「")[0]  # 「抱歉，现有的政策文件中没有找到与」
SOURCE_MARK = texts.SOURCE.split("{")[0]  # 「出处：」
CHOICE_MARK = texts.CHOOSE  # 「您问的是哪一项？」: a clarifying question


def dialogues() -> list[dict]:
    found = []
    for name in FILES:
        path = DATA / name
        if path.exists():
            found += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def problem(expect: dict, reply: str) -> str:
    """Why `reply` does not meet `expect`, or "" when it does."""
    clause = SOURCE_MARK in reply
    if expect.get("small_talk"):
        return "" if not clause and NOT_COVERED_MARK not in reply else "expected small talk"
    if expect.get("not_covered"):
        return "" if not clause and NOT_COVERED_MARK in reply or "没有" in reply[:40] else "expected not covered"
    if expect.get("any_clause"):
        return "" if clause else "expected a clause"
    heading = expect["heading"]
    if expect.get("clarify_or") and CHOICE_MARK in reply and heading in reply:
        return ""
    if not clause or heading not in reply.split(SOURCE_MARK)[0][:len(heading) + 40]:
        return f"expected 【{heading}】"
    if expect["doc"] not in reply:
        return f"expected {expect['doc']}"
    missing = [u for u in expect.get("units", []) if u not in reply]
    return f"missing units {missing}" if missing else ""
