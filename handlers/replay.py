"""Signed requests are fresh and used once: a captured signed URL cannot be replayed.

WeChat signs only (token, timestamp, nonce) in the URL; the body of a plain-mode message is not
signed at all. So a request is refused when its timestamp is more than `MAX_AGE` seconds from our
clock, and a (timestamp, nonce) pair is accepted with one request only while it could still pass that
check: the same request again is WeChat retrying (answered from the first delivery, logged once), the
same pair with another body is a forgery and refused.
"""

from __future__ import annotations

import hashlib
import threading
import time

from cachetools import TTLCache

MAX_AGE = 300  # seconds a signed request may be old (or early, for a platform clock ahead of ours)
MAX_REMEMBERED = 100_000  # pairs remembered; only the platform can sign, so this is never reached honestly


class ReplayGuard:
    """Accepts a signed (timestamp, nonce) once, and only while its timestamp is within `max_age`."""

    def __init__(self, max_age: float = MAX_AGE, maxsize: int = MAX_REMEMBERED, clock=time.time):
        self.max_age = max_age
        self.clock = clock
        # A pair is remembered as long as its timestamp could still be accepted (both sides of now).
        self._seen: TTLCache = TTLCache(maxsize, 2 * max_age + 1, timer=time.monotonic)
        self._lock = threading.Lock()

    def fresh(self, timestamp: str) -> bool:
        """Whether a request's timestamp (seconds since the epoch, as text) is within max_age of now."""
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return False
        return abs(self.clock() - int(timestamp)) <= self.max_age

    def admit(self, timestamp: str, nonce: str, request: bytes = b"") -> str:
        """'ok' for a fresh pair first seen or seen with this very request (a retry), 'stale' for an old
        or future timestamp, 'replayed' for a pair seen with another request."""
        if not self.fresh(timestamp):
            return "stale"
        key, digest = (timestamp, nonce), hashlib.sha256(request).digest()
        with self._lock:
            if self._seen.get(key, digest) != digest:
                return "replayed"
            self._seen[key] = digest
        return "ok"
