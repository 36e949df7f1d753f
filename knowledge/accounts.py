"""Web console accounts (staff and admins) and the history of reloads, in one SQLite file.

Kept apart from the knowledge base file, which a reload replaces. Passwords are stored only as
Argon2id hashes; a session names the account's `epoch`, which a password change bumps, so changing
a password (or removing the account) ends its open sessions.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("staff", "admin")
MIN_PASSWORD = 8
NAME = re.compile(r"[\w.\-]{1,32}")  # letters (CJK too), digits, _ . -


class AccountError(ValueError):
    """A refused account change, said in words a person can act on."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created: float
    epoch: str  # changes with the password: sessions carry it and die with it

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class ReloadRecord:
    """One reload as the history shows it."""

    time: float
    user: str
    ok: bool
    summary: str  # the report (or the failure) as rendered when it happened


class ConsoleStore:
    """Accounts and reload history, safe to use from the web console's threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._hasher = PasswordHasher()
        self._lock = threading.Lock()
        self._db = sqlite_utils.Database(sqlite3.connect(str(self.path), check_same_thread=False))
        self._db["users"].create({"name": str, "role": str, "password_hash": str, "created": float, "epoch": str},
                                 pk="name", if_not_exists=True)
        self._db["reloads"].create({"id": int, "time": float, "user": str, "ok": int, "summary": str},
                                   pk="id", if_not_exists=True)
        self._dummy_hash = ""

    # --- accounts --------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> Account:
        check_name(name)
        if role not in ROLES:
            raise AccountError(f"角色只能是 {' 或 '.join(ROLES)}，不是 {role!r}")
        check_password(password)
        row = {"name": name, "role": role, "password_hash": self._hasher.hash(password), "created": time.time(),
               "epoch": secrets.token_hex(8)}
        with self._lock:
            if self._db["users"].count_where("name = ?", [name]):
                raise AccountError(f"用户 {name} 已存在（改密码用 user passwd {name}）")
            self._db["users"].insert(row)
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        with self._lock:
            if not self._db["users"].count_where("name = ?", [name]):
                raise AccountError(f"没有用户 {name}")
            self._db["users"].update(name, {"password_hash": self._hasher.hash(password),
                                            "epoch": secrets.token_hex(8)})

    def remove(self, name: str) -> None:
        with self._lock:
            if not self._db["users"].count_where("name = ?", [name]):
                raise AccountError(f"没有用户 {name}")
            self._db["users"].delete(name)

    def accounts(self) -> list[Account]:
        with self._lock:
            rows = list(self._db["users"].rows_where(order_by="name"))
        return [_account(row) for row in rows]

    def get(self, name: str) -> Account | None:
        with self._lock:
            rows = list(self._db["users"].rows_where("name = ?", [name]))
        return _account(rows[0]) if rows else None

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (slow on purpose: Argon2)."""
        with self._lock:
            rows = list(self._db["users"].rows_where("name = ?", [name]))
        if not rows and not self._dummy_hash:
            # Verifying against this when a name is unknown takes as long as a real check,
            # so response times do not tell which names exist.
            self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        stored = rows[0]["password_hash"] if rows else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if not rows:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._lock:
                self._db["users"].update(name, {"password_hash": self._hasher.hash(password)})
        return _account(rows[0])

    # --- reload history --------------------------------------------------------------------------

    def record_reload(self, user: str, ok: bool, summary: str, when: float | None = None) -> None:
        row = {"time": when if when is not None else time.time(), "user": user, "ok": int(ok), "summary": summary}
        with self._lock:
            self._db["reloads"].insert(row)

    def reloads(self, limit: int = 50) -> list[ReloadRecord]:
        with self._lock:
            rows = list(self._db["reloads"].rows_where(order_by="id desc", limit=limit))
        return [ReloadRecord(r["time"], r["user"], bool(r["ok"]), r["summary"]) for r in rows]

    def close(self) -> None:
        self._db.close()


def _account(row: dict) -> Account:
    return Account(row["name"], row["role"], row["created"], row["epoch"])


def check_name(name: str) -> None:
    if not NAME.fullmatch(name or ""):
        raise AccountError("用户名须为 1–32 个字母、数字、汉字或 _ . -")


def check_password(password: str) -> None:
    """An empty password is refused; a short one is allowed (the admin is warned, see `weak`), so that
    an installation script with its own rules is not locked out of its console."""
    if not (password or "").strip():
        raise AccountError("密码不能为空")


def weak(password: str) -> bool:
    return len(password) < MIN_PASSWORD
