"""A damaged SQLite file is set aside (renamed, never deleted) so that a new one can take its place.

Both files the bot keeps can be rebuilt or restarted: the knowledge base from the knowledge files,
the query log empty. The damaged file stays beside them for an admin to inspect or recover.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

# SQLITE_CORRUPT and SQLITE_NOTADB; "database is locked" and "disk full" are not damage.
DAMAGE_CODES = {11, 26}
DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


class DamagedDatabase(Exception):
    """An SQLite file whose pages cannot be read."""

    def __init__(self, path: Path | str, detail: str = ""):
        self.path = Path(path)
        super().__init__(f"{self.path.name}: {detail or 'database disk image is malformed'}")


def is_damage(exc: BaseException) -> bool:
    """Whether an sqlite3 error says the file itself is damaged (not merely busy or full)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    return code in DAMAGE_CODES or any(word in str(exc).lower() for word in DAMAGE_WORDS)


def check(connection: sqlite3.Connection, path: Path | str) -> None:
    """Raise DamagedDatabase unless SQLite's quick check passes (reads every page, not every index entry)."""
    try:
        rows = connection.execute("pragma quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DamagedDatabase(path, str(exc)) from exc
        raise
    if rows != [("ok",)]:
        raise DamagedDatabase(path, str(rows[0][0]) if rows else "quick_check failed")


def set_aside(path: Path | str) -> Path:
    """Rename a damaged file (and its journal) to `<name>.damaged-<time>`; returns the new name."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():  # two repairs in one second keep both files
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    log.warning("%s is damaged; set aside as %s", path.name, target.name)
    return target
