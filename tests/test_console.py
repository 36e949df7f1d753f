"""The console chat: one message a line through the Assistant, paging included, logged as `console`."""

from __future__ import annotations

import io

from handlers import texts
from handlers.assistant import Assistant
from handlers.console import run_console
from knowledge.querylog import QueryLog


def test_a_question_then_full_text_then_next(tiny_kb, tmp_path):
    log = QueryLog(tmp_path / "log.db")
    assistant = Assistant(tiny_kb, log)
    out = io.StringIO()
    run_console(assistant, io.StringIO("电子社保卡能干什么\n全文\n下一条\n"), out)
    first, full, second = out.getvalue().split("【")[1:]  # each reply starts with its clause's heading
    assert first.startswith("推广电子社保卡】") and full.startswith("推广电子社保卡】")
    assert texts.CONSOLE_FOLLOW_UP in first  # the console offers 全文 and 下一条
    assert "居民凭电子社保卡可在全市医院挂号、缴费和查询医保余额。" in full  # the whole clause
    assert texts.CONSOLE_FOLLOW_UP not in full
    assert second.startswith("延长图书馆开放时间】")  # 下一条: the next result
    assert texts.CONSOLE_FOLLOW_UP_LAST in second  # the last one: no 下一条 offered
    stats = log.stats()
    assert stats.by_channel == (("console", 1),)  # the question is logged; paging commands are not
    log.close()


def test_paging_before_any_question_and_past_the_last_result(tiny_kb):
    out = io.StringIO()
    assistant = Assistant(tiny_kb)
    run_console(assistant, io.StringIO("下一条\n夜班公交有哪些\n下一条\n下一条\n下一条\n下一条\n"), out)
    printed = out.getvalue()
    assert printed.startswith(texts.EMPTY_QUESTION)
    assert printed.rstrip().endswith(texts.NO_MORE)


def test_blank_lines_are_skipped_when_piped(tiny_kb):
    out = io.StringIO()
    run_console(Assistant(tiny_kb), io.StringIO("\n\n夜班公交有哪些\n"), out)
    assert out.getvalue().startswith("【增设公交夜班线路】")
