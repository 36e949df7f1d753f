"""Question → clean text: NFKC, 繁→简, no control characters, emoji or punctuation, bounded length."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc
from opencc import OpenCC

MAX_QUESTION = 200  # characters kept from a question; longer messages are pasted documents
_T2S = OpenCC("t2s")
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
# Characters a reader would see as a word boundary: punctuation, symbols (emoji), separators.
_BOUNDARY_CATEGORIES = ("P", "S", "Z")
_BREAK = "\x00"  # stands for punctuation until typed spaces have been dealt with
_DROP_CATEGORIES = ("Cc", "Cf", "Co", "Cn", "Cs", "M")


@lru_cache(maxsize=4096)
def normalize(question: str) -> str:
    """The question as the search sees it.

    >>> normalize("請問 失業保險金怎麼申請？😭要跑幾趟")
    '请问失业保险金怎么申请 要跑几趟'
    """
    text = unicodedata.normalize("NFKC", question or "")[: MAX_QUESTION * 2]
    text = to_simplified(text)
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category.startswith(_DROP_CATEGORIES) and ch not in "\n\t\r":
            continue
        if category == "Zs" or ch in "\t\n\r":
            out.append(" ")
        else:
            out.append(_BREAK if category[0] in _BOUNDARY_CATEGORIES else ch)
    text = "".join(out).lower()
    # 「公 厕  太 少 了」: spaces typed between Chinese characters are noise, not word breaks;
    # punctuation and emoji are real breaks and stay.
    text = re.sub(rf"(?<={_CJK}) +(?={_CJK})", "", text).replace(_BREAK, " ")
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]


def to_simplified(text: str) -> str:
    """繁→简; skipped when no character could change, as OpenCC's matching is slow."""
    return _T2S.convert(text) if not _TRADITIONAL.isdisjoint(text) else text


def _traditional_characters() -> frozenset[str]:
    """The characters whose presence may make OpenCC's t2s change a text, read from the tables it ships:
    those it converts to another character, and in a phrase it converts although each of its characters
    alone stays (瞭解 → 了解, 藉口 → 借口), the ones that change. Most questions hold none of them, so
    the conversion (tens of microseconds) is skipped; characters t2s maps to themselves (了, 借) do
    not count, which the whole tables' keys did."""
    folder = Path(opencc.__file__).parent / "dictionary"

    def table(name: str) -> dict[str, str]:
        rows = (line.split("\t", 1) for line in (folder / name).read_text(encoding="utf-8").splitlines())
        return {key: value.split()[0] for key, value in rows if value.split()}

    characters = table("TSCharacters.txt")
    changing = {key for key, value in characters.items() if value != key}
    for key, value in table("TSPhrases.txt").items():
        if value != key and changing.isdisjoint(key):
            same_length = len(key) == len(value)
            differing = [a for a, b in zip(key, value, strict=True) if a != b] if same_length else list(key)
            changing.update(differing)
    return frozenset(changing)


_TRADITIONAL = _traditional_characters()


def strip_markup(text: str) -> str:
    """Telegram/WeChat users paste HTML now and then; tags are not part of the question."""
    return re.sub(r"<[^>]{0,200}>", " ", text or "")
