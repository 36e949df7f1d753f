"""What every channel does with a message, whatever the platform: limit, answer, log, reload.

Channels (telegram.py, wechat.py, console.py) translate platform messages into these calls and
render the results; they never touch the knowledge base or the log directly.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from knowledge.base import KnowledgeBase
from knowledge.model import Answer, ReloadReport
from knowledge.querylog import QueryLog, Stats

WINDOW_SECONDS = 60.0
FORGET_AFTER_USERS = 10_000  # users tracked before idle ones are forgotten


class RateLimiter:
    """At most `limit` questions a user per minute: one notice when exceeded, then silence."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS):
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque] = defaultdict(deque)
        self._warned: set[str] = set()

    def check(self, user: str, now: float | None = None) -> str:
        """'ok' to answer, 'warn' to send the slow-down notice once, 'silent' to drop."""
        now = time.monotonic() if now is None else now
        if len(self._seen) > FORGET_AFTER_USERS:
            self._forget_idle(now)
        times = self._seen[user]
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            self._warned.discard(user)
        if len(times) < self.limit:
            times.append(now)
            return "ok"
        if user in self._warned:
            return "silent"
        self._warned.add(user)
        return "warn"


    def _forget_idle(self, now: float) -> None:
        """Drop users with nothing in the window, so memory does not grow with every user ever seen."""
        for user in [u for u, times in self._seen.items() if not times or now - times[-1] >= self.window]:
            del self._seen[user]
            self._warned.discard(user)


@dataclass
class Asked:
    answer: Answer
    log_id: int


class Assistant:
    """The knowledge base, the query log and the rate limiter behind every channel."""

    def __init__(self, kb: KnowledgeBase, log: QueryLog | None = None, rate_limit: int = 20):
        self.kb = kb
        self.log = log
        self.limiter = RateLimiter(rate_limit)
        self._reload_lock = asyncio.Lock()

    def allow(self, channel: str, user_id) -> str:
        return self.limiter.check(f"{channel}:{user_id}")

    def ask(self, channel: str, user_id, question: str) -> Asked:
        """Answer and log one question (the log keeps only a hash of the user id)."""
        started = time.perf_counter()
        answer = self.kb.ask(question)
        latency = (time.perf_counter() - started) * 1000
        log_id = self.log.record(channel, user_id, question, answer, latency) if self.log else 0
        return Asked(answer, log_id)

    def feedback(self, log_id: int, value: int) -> None:
        if self.log and log_id:
            self.log.feedback(log_id, value)

    async def reload(self) -> ReloadReport:
        """Rebuild in a worker thread; questions keep being answered from the old index meanwhile."""
        async with self._reload_lock:
            return await asyncio.to_thread(self.kb.reload)

    def stats(self, days: int | None = None) -> Stats | None:
        return self.log.stats(days) if self.log else None
