"""Notices saved as Markdown or with HTML markup in a .txt → the plain text a reader sees.

Web sites and documentation generators (VuePress, Hexo) keep regulations as Markdown with
front matter, `## 第一章&emsp;总则{align="center"}`, `<p id="t1"><b>第一条</b>…<br>` and
`::: tip` blocks; the parser needs one paragraph a line, without tags or entities.
"""

from __future__ import annotations

import html
import re

TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,300})?/?>")
BLOCK_TAG = re.compile(r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|table|ul|ol|section|article)(?:\s[^<>]{0,300})?>", re.I)
FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(?P<body>.*?)\n---\s*\n", re.S)
ATTRIBUTES = re.compile(r"\{[^{}\n]{0,80}=[^{}\n]{0,80}\}")  # {align="center"}
LINK = re.compile(r"\[([^\]\n]{0,80})\]\([^)\s]{0,200}\)")
NOISE_LINE = re.compile(r"^\s*(?::::.*|@tab\b.*|\[\[toc\]\]|-{3,}|[-*]\s*第\d+~\d+条：?|[-*]?\s*(?:\d+\s*)+)\s*$")
HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+|^\s*>\s?")
EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def looks_marked_up(text: str) -> bool:
    head = text[:5000]
    return bool(FRONT_MATTER.match(head) or len(TAG.findall(head)) >= 5 or "&emsp;" in head or "&nbsp;" in head)


def plain_text(text: str) -> str:
    """The text without markup; text that carries none comes back unchanged."""
    if not looks_marked_up(text):
        return text
    title, text = front_matter_title(text)
    text = BLOCK_TAG.sub("\n", text)
    text = TAG.sub("", text)
    text = html.unescape(text).replace("\u2003", " ").replace("\xa0", " ")
    lines = []
    for line in text.split("\n"):
        line = EMPHASIS.sub(lambda m: m.group(1) or m.group(2), LINK.sub(r"\1", ATTRIBUTES.sub("", line)))
        line = HEADING_MARK.sub("", line)
        if not NOISE_LINE.match(line):
            lines.append(line)
    return "\n".join(([title] if title else []) + lines)


def front_matter_title(text: str) -> tuple[str, str]:
    """The title (and author and date, as metadata lines) of a Markdown file's front matter, and the
    text after the front matter."""
    m = FRONT_MATTER.match(text)
    if not m:
        return "", text
    fields = dict(re.findall(r"^(title|author|date):\s*['\"]?(.+?)['\"]?\s*$", m["body"], re.M))
    # The parser reads 「[发文机构] …」 and 「[成文日期] …」 as a page's metadata.
    head = fields.get("title", "")
    if fields.get("author"):
        head += f"\n[发文机构] {fields['author']}"
    if fields.get("date"):
        head += f"\n[成文日期] {fields['date']}"
    return head.strip(), text[m.end():]
