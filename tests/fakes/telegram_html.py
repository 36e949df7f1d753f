"""Telegram's checks on a message text, for the fake Bot API: HTML parse mode and the length limit.

Telegram answers 400 "Bad Request: can't parse entities: …" when HTML is malformed (a tag cut in
half, an unclosed <b>, a bare <), and "message is too long" past 4096 characters after parsing.
This is a little stricter than Telegram about a bare & or >: our replies escape every one of them.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096  # characters of visible text, after entities are parsed

SUPPORTED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji",
    "code", "pre", "blockquote",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class EntityError(ValueError):
    """The text would be refused; the message is Telegram's description without "Bad Request: "."""


def visible_text(text: str, parse_mode: str | None) -> str:
    """What the user would see; raises EntityError where Telegram would answer 400."""
    if parse_mode is None or parse_mode.lower() != "html":
        shown = text
    else:
        shown = parse_html(text)
    if not shown.strip():
        raise EntityError("message text is empty")
    if len(shown) > MESSAGE_LIMIT:
        raise EntityError("message is too long")
    return shown


def parse_html(text: str) -> str:
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if not m:
                raise EntityError(f"can't parse entities: unexpected start tag at byte offset {i}")
            closing, name = m.group(1), m.group(2).lower()
            if name not in SUPPORTED_TAGS:
                raise EntityError(f'can\'t parse entities: unsupported start tag "{name}" at byte offset {i}')
            if not closing:
                open_tags.append(name)
            elif open_tags and open_tags[-1] == name:
                open_tags.pop()
            else:
                raise EntityError(f"can't parse entities: unmatched end tag {name!r} at byte offset {i}")
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise EntityError(f"can't parse entities: unsupported HTML entity at byte offset {i}")
            out.append(html.unescape(m.group(0)))
            i = m.end()
        elif ch == ">":
            raise EntityError(f"can't parse entities: unexpected end tag at byte offset {i}")
        else:
            out.append(ch)
            i += 1
    if open_tags:
        unclosed = open_tags[-1]
        raise EntityError(f"can't parse entities: can't find end tag corresponding to start tag {unclosed!r}")
    return "".join(out)
