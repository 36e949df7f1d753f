"""Sessions, CSRF tokens and the login throttle of the web console.

A session is a signed cookie (itsdangerous) holding the account name, the account's epoch, the
time of the last request and the CSRF token; nothing is kept on the server. The cookie is
HttpOnly and SameSite=Strict, Secure behind HTTPS, and dies after BOT_WEB_IDLE_MINUTES idle or
when the account's password changes (the epoch no longer matches).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "gazette_session"
CSRF_FIELD = "csrf_token"
FORGET_AFTER = 10_000  # throttle keys kept before stale ones are dropped
ADDRESS_FACTOR = 4  # an address may fail this many times more than one user name: an office shares one NAT address


def secret_key(configured: str, store_path: Path) -> str:
    """BOT_WEB_SECRET, else a random key kept beside the accounts file (never a key in the source)."""
    if configured:
        return configured
    path = store_path.with_name(store_path.name + ".key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


class Sessions:
    """Reads and writes the session cookie."""

    def __init__(self, secret: str, idle_seconds: float, always_secure: bool = False):
        self._serializer = URLSafeSerializer(secret, salt="gazette-bot web session")
        self.idle_seconds = idle_seconds
        self.always_secure = always_secure

    def load(self, cookie: str | None, now: float | None = None) -> dict:
        """The session in the cookie; a fresh anonymous one when it is missing, forged or idle too long."""
        now = time.time() if now is None else now
        try:
            session = self._serializer.loads(cookie) if cookie else None
        except BadSignature:
            session = None
        if not isinstance(session, dict) or not isinstance(session.get("csrf"), str):
            return new_session()
        if session.get("user") and now - float(session.get("seen", 0)) > self.idle_seconds:
            session = new_session()
            session["expired"] = True
        return session

    def dump(self, session: dict) -> str:
        return self._serializer.dumps({k: v for k, v in session.items() if k != "expired"})

    def cookie_options(self, secure_request: bool) -> dict:
        return {"httponly": True, "samesite": "Strict", "secure": self.always_secure or secure_request, "path": "/"}


def new_session(user: str = "", epoch: str = "") -> dict:
    """A session with a fresh CSRF token (a login gets a new one, so a token seen before login is useless)."""
    session = {"csrf": secrets.token_urlsafe(24)}
    if user:
        session.update(user=user, epoch=epoch, seen=time.time())
    return session


def csrf_ok(session: dict, token) -> bool:
    return isinstance(token, str) and bool(token) and hmac.compare_digest(token, session.get("csrf", ""))


class LoginThrottle:
    """Locks a user name or an address out for a while after too many failed logins."""

    def __init__(self, attempts: int, lockout_seconds: float):
        self.attempts = max(1, attempts)
        self.lockout_seconds = lockout_seconds
        self._failures: dict[str, deque] = {}
        self._locked_until: dict[str, float] = {}

    def locked_for(self, keys: list[str], now: float | None = None) -> float:
        """Seconds until a login may be tried again with these keys; 0 when it may now."""
        now = time.monotonic() if now is None else now
        return max((self._locked_until.get(k, 0.0) - now for k in keys), default=0.0) if keys else 0.0

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._failures) > FORGET_AFTER:
            self._forget(now)
        for key in keys:
            times = self._failures.setdefault(key, deque())
            while times and now - times[0] > self.lockout_seconds:
                times.popleft()
            times.append(now)
            if len(times) >= self.attempts * (ADDRESS_FACTOR if key.startswith("addr:") else 1):
                self._locked_until[key] = now + self.lockout_seconds
                times.clear()

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _forget(self, now: float) -> None:
        for key in [k for k, t in self._failures.items() if not t or now - t[-1] > self.lockout_seconds]:
            del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]


def throttle_keys(username: str, address: str | None) -> list[str]:
    return [f"user:{username.strip().lower()}", f"addr:{address or '?'}"]


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never //evil.example or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
