"""What every channel does with a message, whatever the platform: limit, answer, page, log, reload.

Channels (telegram.py, wechat.py, console.py) translate platform messages into these calls and
render the `Turn` they get back; they never touch the knowledge base, the log or the per-user state.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from handlers import texts
from handlers.conversation import (
    Conversation,
    Conversations,
    MemoryConversations,
    View,
    choice_number,
    compact,
    paging_command,
)
from handlers.render import has_next
from knowledge.base import KnowledgeBase
from knowledge.choice import chosen
from knowledge.model import CLARIFY, SMALL_TALK, Answer, Hit, Notice, ReloadReport
from knowledge.querylog import QueryLog, Stats

WINDOW_SECONDS = 60.0
FORGET_AFTER_USERS = 10_000  # users tracked before idle ones are forgotten
CONTEXT_MINUTES = 10  # how long the last answer stays the topic of follow-ups (BOT_CONTEXT_MINUTES)
MAX_QUESTION = 500  # characters of a message handed to the knowledge base


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


@dataclass(frozen=True)
class Turn:
    """What to send for one message: an answer shown at a position, or a fixed text.

    `view` names the shown answer, so a button under it (Telegram) acts on that answer and no other.
    """

    answer: Answer | None = None
    position: int = 0
    full: bool = False
    view: int = 0
    log_id: int = 0
    text: str = ""  # a fixed reply (texts.*) or the next part of a long one, sent as it is


class Assistant:
    """The knowledge base, the query log, the rate limiter and the conversations behind every channel."""

    def __init__(self, kb: KnowledgeBase, log: QueryLog | None = None, rate_limit: int = 20,
                 conversations: Conversations | None = None, context_minutes: float = CONTEXT_MINUTES,
                 clock=time.monotonic):
        self.kb = kb
        self.log = log
        self.limiter = RateLimiter(rate_limit)
        self.conversations = conversations or MemoryConversations(clock=clock)
        self.context_seconds = context_minutes * 60
        self.clock = clock
        self._reload_lock = asyncio.Lock()

    def allow(self, channel: str, user_id) -> str:
        return self.limiter.check(f"{channel}:{user_id}")

    # --- a message in a conversation ------------------------------------------------------------

    def reply(self, channel: str, user_id, text: str) -> Turn:
        """The turn for one typed message: a paging command acts on the last answer, else a question."""
        command = paging_command(text)
        if command:
            return self.page(channel, user_id, command)
        picked = self.pick(channel, user_id, text)
        if picked is not None:
            return picked
        words = compact(text)
        if not words:
            return Turn(text=texts.EMPTY_QUESTION)
        question = text.strip()[:MAX_QUESTION]
        conversation = self.conversations.load(f"{channel}:{user_id}")
        context = conversation.context(self.clock(), self.context_seconds) if conversation else ()
        answer, log_id = self.ask(channel, user_id, question, context)
        return self.show(channel, user_id, View(answer, log_id=log_id))

    def page(self, channel: str, user_id, command: str, view_id: int | None = None) -> Turn:
        """更多 (the next part), 全文 (the whole clause) or 下一条 (the next result) of an answer shown.

        `view_id` picks an older answer (a button under it); typed commands act on the newest.
        """
        key = f"{channel}:{user_id}"
        conversation = self.conversations.load(key)
        if conversation is None:
            return Turn(text=texts.EXPIRED if view_id else texts.EMPTY_QUESTION)
        view = conversation.views.get(view_id) if view_id is not None else conversation.current[1]
        if view is None:
            return Turn(text=texts.EXPIRED)
        if command == "more":
            self.conversations.save(key, conversation)  # keep it alive while it is being read
            return Turn(text=view.rest.pop(0) if view.rest else texts.NO_MORE)
        answer = view.answer
        if not answer.shows_clause:
            return Turn(text=texts.NO_MORE)
        position = view.position
        if command == "next":
            if not has_next(answer, position):
                return Turn(text=texts.NO_MORE)
            position += 1
        next_view = View(answer, position, full=command == "full", log_id=view.log_id)
        if view_id is not None:  # a button: the answer changes in place, under the same id
            conversation.views[view_id] = next_view
            conversation.remember(next_view, self.clock())
            self.conversations.save(key, conversation)
            return self._turn(view_id, next_view)
        return self.show(channel, user_id, next_view)

    def show(self, channel: str, user_id, view: View) -> Turn:
        """Remember an answer as the user's newest view and return the turn that shows it."""
        key = f"{channel}:{user_id}"
        conversation = self.conversations.load(key) or Conversation()
        view_id = conversation.add(view)
        conversation.updated = time.time()
        conversation.remember(view, self.clock())
        self.conversations.save(key, conversation)
        return self._turn(view_id, view)

    def pick(self, channel: str, user_id, text: str, view_id: int | None = None) -> Turn | None:
        """The clause a person picks after 「您问的是哪一项？」 (typed 「1」, 「第二个」, a heading, or a button),
        or None when the message is no such pick."""
        conversation = self.conversations.load(f"{channel}:{user_id}")
        if conversation is None:
            return None
        view = conversation.views.get(view_id) if view_id is not None else conversation.current[1]
        if view is None or view.answer.reason != CLARIFY:
            return None
        number = choice_number(text, [h.clause.title for h in view.answer.choices])
        if not number:
            return None
        return self.show(channel, user_id, View(chosen(view.answer, number), log_id=view.log_id))

    def keep_rest(self, channel: str, user_id, view_id: int, rest: list[str]) -> None:
        """What a channel could not fit in one message, for 更多."""
        key = f"{channel}:{user_id}"
        conversation = self.conversations.load(key)
        if conversation is not None and view_id in conversation.views:
            conversation.views[view_id].rest = list(rest)
            self.conversations.save(key, conversation)

    def act(self, channel: str, user_id, view_id: int, action: str) -> Turn:
        """A button under an answer: full, next, doc (the notice's outline), up/down (feedback)."""
        if action in ("full", "next"):
            return self.page(channel, user_id, action, view_id)
        if action.startswith("pick"):
            return self.pick(channel, user_id, action.removeprefix("pick"), view_id) or Turn(text=texts.EXPIRED)
        conversation = self.conversations.load(f"{channel}:{user_id}")
        view = conversation.views.get(view_id) if conversation else None
        if view is None:
            return Turn(text=texts.EXPIRED)
        if action in ("up", "down"):
            self.feedback(view.log_id, 1 if action == "up" else -1)
            return Turn(text=texts.THANKS)
        if action == "doc" and view.answer.hits:
            notice = view.answer.hits[view.position].notice
            return self.show(channel, user_id, View(self.kb.doc(notice.doc_no or notice.title)))
        return Turn()

    @staticmethod
    def _turn(view_id: int, view: View) -> Turn:
        return Turn(view.answer, view.position, view.full, view_id, view.log_id)

    # --- questions, lookups, feedback -----------------------------------------------------------

    def ask(self, channel: str, user_id, question: str, context: tuple[Hit, ...] = ()) -> tuple[Answer, int]:
        """Answer and log one question (the log keeps only a hash of the user id); (answer, log row id).

        `context`: the results last shown to this user, for a follow-up such as 「找哪个部门」.
        """
        started = time.perf_counter()
        answer = self.kb.ask(question, context=context)
        latency = (time.perf_counter() - started) * 1000
        # Small talk (你好, 谢谢) is no question about the notices: it would only swell the unanswered share.
        logged = self.log and answer.reason != SMALL_TALK
        log_id = self.log.record(channel, user_id, question, answer, latency) if logged else 0
        return answer, log_id

    def lookup(self, question: str) -> Answer:
        """Staff lookups (/search): the same answer, not logged as a citizen's question."""
        return self.kb.ask(question)

    def unit(self, name: str) -> Answer:
        return self.kb.unit(name)

    def doc(self, reference: str) -> Answer:
        return self.kb.doc(reference)

    def notices(self) -> list[Notice]:
        return self.kb.notices

    def feedback(self, log_id: int, value: int) -> None:
        if self.log and log_id:
            self.log.feedback(log_id, value)

    async def reload(self) -> ReloadReport:
        """Rebuild in a worker thread; questions keep being answered from the old index meanwhile."""
        async with self._reload_lock:
            return await asyncio.to_thread(self.kb.reload)

    def stats(self, days: int | None = None) -> Stats | None:
        return self.log.stats(days) if self.log else None

    def recent_unanswered(self, limit: int = 30) -> list[tuple[str, int, float]]:
        """The questions most recently left unanswered, with how often each was asked (the web console)."""
        return self.log.recent_unanswered(limit) if self.log else []
