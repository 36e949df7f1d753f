"""Telegram's flood limits, one chat at a time: a 429 for one chat delays only that chat.

PTB's AIORateLimiter pauses every request after any 429, so one chat told to wait 60 s held every
other user's answer for 60 s, and a retry_after of an hour silenced the bot. Here a 429 blocks only
the chat it names (or, for calls without a chat, only those calls); a send waits out a short block
and is retried a bounded number of times, gives up at once on a long one, and every wait ends the
moment the bot shuts down.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import math
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

MAX_RETRIES = 2  # resends of one request after a 429
MAX_WAIT = 30.0  # seconds a send may wait for its chat's block to end; past that it gives up
MAX_BLOCKED = 10_000  # chats remembered as blocked before the expired ones are forgotten


def seconds(retry_after: Any) -> float:
    """RetryAfter.retry_after as seconds: a timedelta (PTB_TIMEDELTA) or an int."""
    return retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else float(retry_after)


class ChatFloodLimiter(BaseRateLimiter[None]):
    """Per-chat back-off after Telegram's 429, bounded in retries and waiting, ended by `close`."""

    def __init__(self, max_retries: int = MAX_RETRIES, max_wait: float = MAX_WAIT):
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._until: dict[str | None, float] = {}  # chat id (None: calls without a chat) → loop time
        self._closing = asyncio.Event()

    async def initialize(self) -> None:
        self._closing.clear()

    async def shutdown(self) -> None:
        self.close()

    def close(self) -> None:
        """End every wait now: a shutdown must not sit out anyone's flood limit."""
        self._closing.set()

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        chat = data.get("chat_id") if data else None
        key = None if chat is None else str(chat)
        for attempt in range(self.max_retries + 1):
            await self._wait(key, endpoint)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = seconds(exc.retry_after)
                self._block(key, delay)
                if attempt == self.max_retries or delay > self.max_wait:
                    raise
                log.info("Telegram flood limit on %s: waiting %.0f s", "a chat" if key else endpoint, delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _block(self, key: str | None, delay: float) -> None:
        now = asyncio.get_running_loop().time()
        if len(self._until) > MAX_BLOCKED:
            self._until = {k: t for k, t in self._until.items() if t > now}
        self._until[key] = max(self._until.get(key, 0.0), now + delay)

    async def _wait(self, key: str | None, endpoint: str) -> None:
        """Until the key's block ends; RetryAfter at once when it is too long or the bot is stopping."""
        remaining = self._until.get(key, 0.0) - asyncio.get_running_loop().time()
        if remaining <= 0:
            self._until.pop(key, None)
            return
        if remaining > self.max_wait or self._closing.is_set():
            raise RetryAfter(dtm.timedelta(seconds=math.ceil(remaining)))
        try:
            await asyncio.wait_for(self._closing.wait(), remaining)
        except asyncio.TimeoutError:
            return  # the block is over
        raise RetryAfter(dtm.timedelta(seconds=math.ceil(remaining)))  # shutting down
