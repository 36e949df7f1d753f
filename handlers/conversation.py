"""Per-user conversation state, behind one small interface every channel shares.

What a user was last shown lives here, so that 全文, 下一条 and 更多 work the same in the console,
WeChat and Telegram. The store is in memory (bounded, entries expire); a shared store (Redis, SQL)
can replace `MemoryConversations` without touching the channels: it only has to `load` and `save`.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

from cachetools import TTLCache

from knowledge.model import SMALL_TALK, Answer, Hit

KEPT_VIEWS = 20  # answers per user whose buttons still work; older ones are forgotten
STATE_TTL = 1800.0  # seconds a silent user's state is kept
STATE_MAX = 10_000  # users whose state is kept at once; the least recently used go first

MORE = frozenset({"更多", "继续", "more"})
FULL = frozenset({"全文", "完整", "完整条款", "全部", "看全文"})
NEXT = frozenset({"下一条", "下一个", "下条", "next", "换一条", "换一个", "还有吗", "还有别的吗", "还有别的", "别的呢",
                  "还有其他的吗", "其他的呢", "还有没有别的"})


@dataclass
class View:
    """One answer as shown to a user: which hit, whole or excerpt, and what 更多 has yet to send."""

    answer: Answer
    position: int = 0
    full: bool = False
    log_id: int = 0
    rest: list[str] = field(default_factory=list)  # the channel's own chunks of a reply too long for one message


@dataclass
class Conversation:
    """A user's recent answers (newest last), by view id, and the topic a follow-up continues."""

    views: OrderedDict[int, View] = field(default_factory=OrderedDict)
    last_id: int = 0
    updated: float = 0.0
    topic: tuple[Hit, ...] = ()  # the results last shown, the clause on screen first
    topic_at: float = 0.0  # when it was shown, by the Assistant's clock

    def remember(self, view: View, now: float) -> None:
        """A clause on screen becomes the topic; another answer (not small talk) ends it."""
        answer = view.answer
        if answer.shows_clause:
            shown = answer.hits[view.position]
            self.topic = (shown,) + tuple(h for h in answer.hits if h is not shown)
            self.topic_at = now
        elif answer.reason != SMALL_TALK:
            self.topic = ()

    def context(self, now: float, ttl: float) -> tuple[Hit, ...]:
        """The topic, while it is younger than `ttl` seconds."""
        return self.topic if self.topic and now - self.topic_at < ttl else ()

    @property
    def current(self) -> tuple[int, View | None]:
        if not self.views:
            return 0, None
        view_id = next(reversed(self.views))
        return view_id, self.views[view_id]

    def add(self, view: View) -> int:
        self.last_id += 1
        self.views[self.last_id] = view
        while len(self.views) > KEPT_VIEWS:
            self.views.popitem(last=False)
        return self.last_id


class Conversations(Protocol):
    """Where conversations are kept; keys are "channel:user"."""

    def load(self, key: str) -> Conversation | None: ...

    def save(self, key: str, conversation: Conversation) -> None: ...


class MemoryConversations:
    """Conversations in this process's memory, expiring `ttl` seconds after a user's last message."""

    def __init__(self, ttl: float = STATE_TTL, maxsize: int = STATE_MAX, clock=time.monotonic):
        self._cache: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=clock)
        self._lock = threading.Lock()  # answers are computed in worker threads

    def load(self, key: str) -> Conversation | None:
        with self._lock:
            return self._cache.get(key)

    def save(self, key: str, conversation: Conversation) -> None:
        with self._lock:
            self._cache[key] = conversation  # setting again restarts its time to live


def compact(text: str) -> str:
    """「更多。」, 「 更 多 」 and 「更多！」 are all 「更多」."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


ORDINALS = {"1": 1, "2": 2, "3": 3, "一": 1, "二": 2, "两": 2, "三": 3}
PICK = re.compile(r"^(?:第|选|要|是)?([123一二两三])(?:个|条|项|种|号)?(?:吧|的|那个|那条|呀|啊)?$")


def choice_number(text: str, headings: list[str]) -> int:
    """Which of the numbered candidates a reply picks: 「1」, 「第二个」, or (part of) a heading; 0 for none."""
    words = compact(text)
    m = PICK.match(words)
    if m:
        number = ORDINALS[m[1]]
        return number if number <= len(headings) else 0
    for number, heading in enumerate(headings, 1):
        title = compact(heading)
        if words == title or (len(words) >= 4 and words in title):
            return number
    return 0


def paging_command(text: str) -> str:
    """"more", "full" or "next" for a message that only asks to page, else ""."""
    words = compact(text)
    if words in MORE:
        return "more"
    if words in FULL:
        return "full"
    if words in NEXT:
        return "next"
    return ""
