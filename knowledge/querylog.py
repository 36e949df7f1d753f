"""The query log: what was asked, on which channel, answered or not, and people's 👍/👎.

User ids are stored only as a keyed hash (HMAC-SHA256 with BOT_USER_HASH_KEY), and rows older
than the retention period are purged, so the log holds no raw personal identifiers for long.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from knowledge.damage import DamagedDatabase, check, is_damage, set_aside
from knowledge.model import Answer

DAY = 86400
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stats:
    days: int | None
    questions: int
    answered: int
    by_channel: tuple[tuple[str, int], ...]
    top_clauses: tuple[tuple[str, int], ...]  # ("文号 path title", count)
    top_unanswered: tuple[tuple[str, int], ...]  # (question, count)
    feedback: tuple[tuple[str, int, int], ...]  # ("文号 path title", 👍, 👎)

    @property
    def unanswered_share(self) -> float:
        return (self.questions - self.answered) / self.questions if self.questions else 0.0


class QueryLog:
    """An append-only SQLite log, safe to use from the bot's threads.

    The log must never stop an answer: a damaged file is set aside (renamed) and a new log started,
    at start-up or when a write finds the damage; a write that still fails is skipped with a warning.
    """

    def __init__(self, path: Path, hash_key: str = "", retention_days: int = 30):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.retention_days = retention_days
        self._key = (hash_key or self._local_key()).encode()
        self._lock = threading.Lock()
        try:
            self._db = self._open()
        except DamagedDatabase:
            set_aside(self.path)
            self._db = self._open()

    def _open(self) -> sqlite_utils.Database:
        # One connection shared by the bot's threads, serialised by the lock.
        connection = sqlite3.connect(str(self.path), check_same_thread=False)
        try:
            check(connection, self.path)
            db = sqlite_utils.Database(connection)
            self._create(db)
        except Exception as exc:
            connection.close()
            if is_damage(exc) and not isinstance(exc, DamagedDatabase):
                raise DamagedDatabase(self.path, str(exc)) from exc
            raise
        return db

    @staticmethod
    def _create(db: sqlite_utils.Database) -> None:
        db["queries"].create(
            {"id": int, "time": float, "channel": str, "user_hash": str, "question": str, "answered": int,
             "kind": str, "top_clause": str, "latency_ms": float, "feedback": int},
            pk="id", if_not_exists=True,
        )
        db["queries"].create_index(["time"], if_not_exists=True)

    def _write(self, what: str, action, default=None):
        """Run `action(db)` under the lock; damage sets the file aside and retries once on a new log."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return action(self._db)
                except sqlite3.DatabaseError as exc:
                    if attempt == 1 and is_damage(exc):
                        self._restart()
                        continue
                    log.warning("query log: %s skipped (%s)", what, exc)
                    return default
        return default

    def _restart(self) -> None:
        """Called with the lock held: set the damaged file aside and start a new log in its place."""
        self._db.close()
        set_aside(self.path)
        self._db = self._open()

    def _local_key(self) -> str:
        """Without BOT_USER_HASH_KEY, a random key kept beside the log (never a key in the source:
        Telegram ids are small numbers, so hashes under a known key could be reversed by trying them)."""
        path = self.path.with_name(self.path.name + ".key")
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32), encoding="ascii")
        return path.read_text(encoding="ascii").strip()

    def hash_user(self, user_id) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, channel: str, user_id, question: str, answer: Answer, latency_ms: float,
               when: float | None = None) -> int:
        """Log one question; returns the row id that feedback refers to."""
        top = answer.hits[0] if answer.answered and answer.hits else None
        row = {
            "time": when if when is not None else time.time(), "channel": channel,
            "user_hash": self.hash_user(user_id), "question": question[:500], "answered": int(answer.answered),
            "kind": answer.kind, "latency_ms": round(latency_ms, 2), "feedback": 0,
            "top_clause": f"{top.clause.doc_no} {top.clause.path_text} {top.clause.title}".strip() if top else "",
        }
        return self._write("a question", lambda db: db["queries"].insert(row).last_pk, 0)

    def feedback(self, row_id: int, value: int) -> None:
        """Record 👍 (+1) or 👎 (-1) for a logged answer; the latest press counts."""
        def store(db):
            db.execute("update queries set feedback = ? where id = ?", [1 if value > 0 else -1, row_id])
            db.conn.commit()

        self._write("feedback", store)

    def purge(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many."""
        cutoff = (now if now is not None else time.time()) - self.retention_days * DAY
        def delete(db) -> int:
            cursor = db.execute("delete from queries where time < ?", [cutoff])
            db.conn.commit()
            return cursor.rowcount

        return self._write("the purge", delete, 0)

    def stats(self, days: int | None = None, now: float | None = None, top: int = 10) -> Stats:
        since = (now if now is not None else time.time()) - days * DAY if days else 0.0
        q = self._db.execute
        with self._lock:
            total, answered = q("select count(*), coalesce(sum(answered), 0) from queries where time >= ?",
                                [since]).fetchone()
            channels = q("select channel, count(*) from queries where time >= ? group by channel order by 2 desc",
                         [since]).fetchall()
            clauses = q("select top_clause, count(*) from queries where time >= ? and answered = 1 "
                        "group by top_clause order by 2 desc, 1 limit ?", [since, top]).fetchall()
            unanswered = q("select question, count(*) from queries where time >= ? and answered = 0 "
                           "group by question order by 2 desc, 1 limit ?", [since, top]).fetchall()
            feedback = q("select top_clause, sum(feedback > 0), sum(feedback < 0) from queries "
                         "where time >= ? and feedback != 0 group by top_clause order by 3 desc, 2 desc",
                         [since]).fetchall()
        return Stats(days, total, answered, tuple(map(tuple, channels)), tuple(map(tuple, clauses)),
                     tuple(map(tuple, unanswered)), tuple(map(tuple, feedback)))

    def recent_unanswered(self, limit: int = 30) -> list[tuple[str, int, float]]:
        """(question, times asked, last asked) of unanswered questions, the most recently asked first."""
        with self._lock:
            rows = self._db.execute("select question, count(*), max(time) from queries where answered = 0 "
                                    "and trim(question) != '' group by question order by 3 desc limit ?",
                                    [limit]).fetchall()
        return [tuple(row) for row in rows]

    def close(self) -> None:
        self._db.close()
