"""One pass over a parsed web page: its text with line breaks at blocks, in time linear in its size.

Inserting strings into a BeautifulSoup tree costs time proportional to the subtree beside them, so
marking every block of 100,000 nested <div>s that way took minutes; this walk reads the tree once,
with its own stack (no recursion limit), and never changes it.
"""

from __future__ import annotations

import re

from bs4 import CData, NavigableString, Tag

# CSS Text 3: a line break in the source between two Chinese characters renders as nothing.
CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{CJK}])[ \t\r\f]*\n\s*(?=[{CJK}])")
SPACES = re.compile(r"[ \t\r\n\f]+")
BLOCKS = frozenset(
    "p div li ul ol dl dt dd table section article main blockquote pre center address h1 h2 h3 h4 h5 h6".split()
)
_END = object()  # marks, on the stack, the end of a block element


def rendered(node, in_pre: bool) -> str | None:
    """A string as a browser shows it: source line breaks are spaces, except inside <pre>;
    comments, doctypes and the like are not text (None)."""
    if type(node) is NavigableString:
        return str(node) if in_pre else SPACES.sub(" ", CJK_SEGMENT_BREAK.sub("", str(node)))
    if isinstance(node, CData):
        return str(node)
    return None


def block_lines(root) -> str:
    """Text with a line break around each block element, <br> and table row; a row's direct cells
    are joined by tabs, each cell's text on one line."""
    out: list[str] = []
    stack: list = [(child, False) for child in reversed(root.contents)]
    while stack:
        item = stack.pop()
        if item is _END:
            out.append("\n")
            continue
        node, in_pre = item
        if not isinstance(node, Tag):
            text = rendered(node, in_pre)
            if text is not None:
                out.append(text)
        elif node.name == "br":
            out.append("\n")
        elif node.name == "tr":
            cells = [cell_text(c, in_pre) for c in node.find_all(["td", "th"], recursive=False)]
            out.append("\n" + "\t".join(cells) + "\n")
        else:
            in_pre = in_pre or node.name == "pre"
            if node.name in BLOCKS:
                out.append("\n")
                stack.append(_END)
            stack.extend((child, in_pre) for child in reversed(node.contents))
    return "".join(out)


def cell_text(cell: Tag, in_pre: bool = False) -> str:
    """A table cell's text on one line (a nested table's text included), spaces collapsed."""
    parts = []
    stack: list = [(cell, in_pre)]
    while stack:
        node, in_pre = stack.pop()
        if isinstance(node, Tag):
            in_pre = in_pre or node.name == "pre"
            stack.extend((child, in_pre) for child in reversed(node.contents))
        else:
            text = rendered(node, in_pre)
            if text is not None:
                parts.append(text)
    return " ".join(" ".join(parts).split())


def text_lengths(root) -> dict[int, int]:
    """len(tag.get_text(strip=True)) for every tag under root (by id), all in one pass."""
    lengths: dict[int, int] = {}
    stack: list = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, Tag):
            continue
        if done:
            lengths[id(node)] = sum(
                lengths.get(id(c), 0) if isinstance(c, Tag) else len(c.strip()) if rendered(c, True) is not None
                else 0
                for c in node.contents
            )
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in node.contents)
    return lengths
