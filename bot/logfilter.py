"""Log lines about the same fault are rate-limited: a flood of bad requests or a full disk must not
fill the disk with the same line (or traceback) thousands of times a minute."""

from __future__ import annotations

import logging
import time

WINDOW = 60.0  # seconds
BURST = 5  # lines of one kind let through per window
MAX_KINDS = 1000  # kinds remembered; past this the table starts over


class RepeatFilter(logging.Filter):
    """Lets through BURST records of one kind (logger, level, message template) per WINDOW seconds;
    the next one let through says how many were left out."""

    def __init__(self, burst: int = BURST, window: float = WINDOW, clock=time.monotonic):
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self._kinds: dict[tuple, list] = {}  # kind → [window start, let through, left out]

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = getattr(record, "_repeat_verdict", None)  # the same filter on several handlers
        if verdict is None:
            verdict = record._repeat_verdict = self._count(record)
        return verdict

    def _count(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        kind = (record.name, record.levelno, str(record.msg))
        if len(self._kinds) > MAX_KINDS:
            self._kinds.clear()
        state = self._kinds.setdefault(kind, [now, 0, 0])
        if now - state[0] >= self.window:
            state[0], state[1] = now, 0
        if state[1] >= self.burst:
            state[2] += 1
            return False
        state[1] += 1
        if state[2]:
            record.msg = f"{record.msg} ({state[2]} more like this left out)"
            state[2] = 0
        return True


def rate_limit_logs(logger: logging.Logger | None = None) -> RepeatFilter:
    """Put one RepeatFilter on every handler of `logger` (the root logger by default)."""
    repeat = RepeatFilter()
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(repeat)
    return repeat
