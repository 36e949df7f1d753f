"""The query log: hashed user ids, retention, and the figures admins read."""

import sqlite_utils

from knowledge.model import Answer, Clause, Hit, Notice
from knowledge.querylog import DAY, QueryLog

NOW = 1_700_000_000.0
CLAUSE = Clause("黄政办发〔2022〕58号", ("二、", "（四）", "13."), "优化失业保险金发放领取程序", "…")
NOTICE = Notice("黄政办发〔2022〕58号", "…")


def answered(question):
    return Answer(question, True, "clause", (Hit(CLAUSE, NOTICE, 1.0),))


def unanswered(question):
    return Answer(question, False, "none")


def test_user_ids_are_stored_only_as_keyed_hashes(tmp_path):
    log = QueryLog(tmp_path / "log.db", hash_key="secret")
    log.record("telegram", 123456789, "失业金怎么领", answered("失业金怎么领"), 2.0, when=NOW)
    row = next(sqlite_utils.Database(tmp_path / "log.db")["queries"].rows)
    assert "123456789" not in str(row.values())
    assert row["user_hash"] == log.hash_user(123456789) != QueryLog(tmp_path / "x.db", "other").hash_user(123456789)


def test_retention_purges_old_rows(tmp_path):
    log = QueryLog(tmp_path / "log.db", retention_days=30)
    log.record("wechat", "o1", "旧问题", unanswered("旧问题"), 1.0, when=NOW - 31 * DAY)
    log.record("wechat", "o1", "新问题", unanswered("新问题"), 1.0, when=NOW - 1 * DAY)
    assert log.purge(now=NOW) == 1
    assert log.stats(now=NOW).questions == 1


def test_stats_figures_come_from_the_log(tmp_path):
    log = QueryLog(tmp_path / "log.db")
    rows = [log.record("telegram", u, "失业金怎么领", answered("失业金怎么领"), 1.0, when=NOW) for u in range(3)]
    log.record("wechat", "o1", "公积金怎么提取", unanswered("公积金怎么提取"), 1.0, when=NOW)
    log.record("wechat", "o2", "公积金怎么提取", unanswered("公积金怎么提取"), 1.0, when=NOW)
    log.record("console", 0, "驾照", unanswered("驾照"), 1.0, when=NOW - 10 * DAY)
    log.feedback(rows[0], +1)
    log.feedback(rows[1], -1)
    stats = log.stats(days=7, now=NOW)
    assert stats.questions == 5 and stats.answered == 3 and stats.unanswered_share == 0.4
    assert dict(stats.by_channel) == {"telegram": 3, "wechat": 2}
    assert stats.top_unanswered[0] == ("公积金怎么提取", 2)
    label = "黄政办发〔2022〕58号 二、 > （四） > 13. 优化失业保险金发放领取程序"
    assert stats.top_clauses == ((label, 3),) and stats.feedback == ((label, 1, 1),)
    assert log.stats(now=NOW).questions == 6
