"""Brackets in notice text: which are open, where one closes, splitting outside them.

Notices mix full- and half-width brackets and do not always match kinds (（责任单位：…〕), so any
closing bracket closes any opening one. Round brackets also sit inside names (各县（市、区）人民政府),
which splitting and trimming must leave whole.
"""

from __future__ import annotations

OPEN = "〔（([【［"
CLOSE = "〕）)]】］"
ROUND_OPEN = "（("
ROUND_CLOSE = "）)"


def count(text: str, kinds: str) -> int:
    return sum(text.count(c) for c in kinds)


def has_unclosed(text: str) -> bool:
    """More brackets opened than closed: a line cut short (by a page break, say)."""
    return count(text, OPEN) > count(text, CLOSE)


def closing_index(text: str, start: int) -> int:
    """The index just past the bracket that closes the one at `start`; -1 when none does."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in OPEN:
            depth += 1
        elif text[i] in CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def strip_unbalanced_ends(text: str) -> str:
    """Drop a round bracket left without a partner at either end: 「…的通知（」, 「）…」.

    A balanced pair stays: 「…办法（试行）的通知」.
    """
    opens, closes = count(text, ROUND_OPEN), count(text, ROUND_CLOSE)
    if opens > closes and text.endswith(tuple(ROUND_OPEN)):
        text = text[:-1].rstrip()
    if closes > opens and text.startswith(tuple(ROUND_CLOSE)):
        text = text[1:].lstrip()
    return text


def strip_closing(text: str) -> str:
    """Drop closing brackets at the end that close nothing inside, keeping 各县（市、区）'s own."""
    text = text.rstrip()
    while text and text[-1] in CLOSE:
        if text[-1] in ROUND_CLOSE and count(text, ROUND_CLOSE) <= count(text, ROUND_OPEN):
            break
        text = text[:-1].rstrip()
    return text


def strip_extra_round_close(text: str) -> str:
    """A name ending in a round bracket that closes nothing (「市教育局）」) loses it."""
    if count(text, ROUND_OPEN) < count(text, ROUND_CLOSE):
        text = text.rstrip(ROUND_CLOSE)
    return text


def top_level_split(text: str, separators: str) -> list[str]:
    """Split on any of `separators` outside round brackets: 各县（市、区）人民政府 stays whole."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in ROUND_OPEN:
            depth += 1
        elif ch in ROUND_CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts
