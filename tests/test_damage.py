"""Damaged SQLite files (header intact, pages after the fifth garbage): set aside, never deleted, and
replaced, so that asking, reloading and starting up go on and the query log never stops an answer."""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from handlers.assistant import Assistant
from knowledge.base import KnowledgeBase
from knowledge.querylog import QueryLog

QUESTION = "电子社保卡怎么用"


def damage(path: Path, keep_pages: int = 5, seen_by_open_connections: bool = False) -> None:
    """Overwrite every page after the first `keep_pages` with random bytes, as a bad disk would.

    SQLite trusts the pages an open connection has cached until the header's change counter moves;
    `seen_by_open_connections` moves it, as another writer would.
    """
    data = bytearray(path.read_bytes())
    if seen_by_open_connections:
        data[24:28] = (int.from_bytes(data[24:28], "big") + 1).to_bytes(4, "big")
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    assert len(data) > (keep_pages + 1) * page_size, "too small to damage past the fifth page"
    noise = random.Random(15)
    data[keep_pages * page_size:] = bytes(noise.getrandbits(8) for _ in range(len(data) - keep_pages * page_size))
    path.write_bytes(bytes(data))


def set_aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".damaged-*"))


def damaged_kb(tmp_path, tiny_dir) -> Path:
    db = tmp_path / "knowledge.db"
    KnowledgeBase(db, tiny_dir)
    with_padding(db)
    damage(db)
    return db


def with_padding(db: Path) -> None:
    """Grow the tiny knowledge base past a handful of pages, so the damage hits its tables."""
    import sqlite3

    connection = sqlite3.connect(db)
    connection.execute("create table padding (x text)")
    connection.executemany("insert into padding values (?)", [("x" * 400,)] * 200)
    connection.commit()
    connection.close()


def test_start_up_sets_a_damaged_knowledge_base_aside_and_rebuilds(tmp_path, tiny_dir):
    db = damaged_kb(tmp_path, tiny_dir)
    damaged_bytes = db.read_bytes()
    kb = KnowledgeBase(db, tiny_dir)
    assert "市人社局" in kb.ask(QUESTION).hits[0].clause.lead_units
    [aside] = set_aside(db)
    assert aside.read_bytes() == damaged_bytes  # kept as it was, for an admin
    assert any("已损坏" in w and aside.name in w for w in kb.last_report.warnings)


def test_cli_ask_and_reload_on_a_damaged_knowledge_base(tmp_path, tiny_dir, caplog):
    db = damaged_kb(tmp_path, tiny_dir)
    runner = CliRunner()
    result = runner.invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(db), "ask", QUESTION])
    assert result.exit_code == 0 and "市人社局" in result.output, result.output
    assert len(set_aside(db)) == 1 and "set aside" in caplog.text
    with_padding(db)
    damage(db)
    result = runner.invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(db), "reload"])
    assert result.exit_code == 0, result.output
    assert "已损坏" in result.output  # the reload report says so
    assert len(set_aside(db)) == 2


def test_reload_and_refresh_replace_a_file_damaged_while_running(tmp_path, tiny_dir):
    db = tmp_path / "knowledge.db"
    kb = KnowledgeBase(db, tiny_dir)
    with_padding(db)
    damage(db)
    kb.refresh()  # the follower notices the file changed: it is damaged, so rebuilt
    assert len(set_aside(db)) == 1
    assert kb.ask(QUESTION).answered
    with_padding(db)
    damage(db)
    report = kb.reload()
    assert len(set_aside(db)) == 2 and any("已损坏" in w for w in report.warnings)
    assert KnowledgeBase(db, tiny_dir).ask(QUESTION).answered  # the rebuilt file is sound


def filled_log(path: Path, rows: int = 400) -> QueryLog:
    log = QueryLog(path, "key")
    for i in range(rows):
        log._db["queries"].insert({"time": 1.0, "channel": "t", "user_hash": str(i), "question": "问" * 200,
                                   "answered": 0, "kind": "none", "top_clause": "", "latency_ms": 1.0,
                                   "feedback": 0})
    return log


def test_damaged_query_log_at_start_up_is_set_aside(tmp_path, tiny_kb):
    path = tmp_path / "querylog.db"
    filled_log(path).close()
    damage(path)
    log = QueryLog(path, "key")
    assert len(set_aside(path)) == 1
    answer, log_id = Assistant(tiny_kb, log).ask("console", "u1", QUESTION)
    assert answer.answered and log_id == 1 and log.stats().questions == 1


def test_query_log_damaged_while_running_never_stops_answers(tmp_path, tiny_kb):
    path = tmp_path / "querylog.db"
    filled_log(path).close()
    log = QueryLog(path, "key")  # sound at start-up; the disk goes bad afterwards
    assistant = Assistant(tiny_kb, log)
    damage(path, seen_by_open_connections=True)
    answers = [assistant.ask("console", "u1", QUESTION) for _ in range(3)]
    assert all(answer.answered for answer, _ in answers)
    assert len(set_aside(path)) == 1
    assert log.stats().questions == 3  # the new log took over
    log.feedback(answers[-1][1], 1)
    assert log.purge() == 0
