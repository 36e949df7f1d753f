"""End to end: the real Application from build_application, over HTTP, against tests/fakes/bot_api.py.

The fake refuses what Telegram would refuse (malformed HTML, over 4096 characters), so every reply
asserted here is one Telegram would have delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import threading

import aiohttp
import pytest
import pytest_asyncio
from telegram.error import InvalidToken

from bot.config import SETTINGS, Settings, load_settings
from handlers import texts
from handlers.assistant import Assistant
from handlers.telegram import (
    api_urls,
    build_application,
    command_list,
    start_telegram,
    stop_telegram,
    telegram_configured,
    webhook_secret,
)
from knowledge.base import KnowledgeBase
from knowledge.querylog import QueryLog
from tests.fakes.bot_api import BOT_USERNAME, FakeBotApi
from tests.fakes.telegram_html import visible_text

TOKEN = "123:ABC"
ADMIN = 1000
USER = 2000
OTHER = 3000

# A notice with one clause far over Telegram's 4096 characters, for /reload and 完整条款; its length
# puts the 4096th character of the bolded clause inside a <b>养蜂</b>.
BEE_SENTENCE = (
    "城区养蜂户应当在蜂箱显著位置标明养蜂人姓名和联系电话，避开学校、医院和居民密集区域，防止蜜蜂蜇人。"
)
BEE_RULES = "".join(f"第{i}项要求：{BEE_SENTENCE}" for i in range(1, 60))
BEE_NOTICE = f"""市人民政府办公室 关于加强城市养蜂管理的通知

黄政办发〔2023〕7号

各区人民政府，市政府各部门：

为规范城市养蜂活动，保障居民安全，现就有关事项通知如下。

一、规范城市养蜂

1. 做好养蜂登记。各区应当落实以下要求：{BEE_RULES}（牵头单位：市农业农村局；责任单位：各区人民政府）

2. 加强蜂蜜质量检测。市场监管部门定期抽检蜂蜜产品。（牵头单位：市市场监管局）

黄石市人民政府办公室

2023年3月1日
"""


# --- fixtures and helpers ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    for name, _, _ in SETTINGS:  # a developer's own TELEGRAM_WEBHOOK_URL must not switch modes here
        monkeypatch.delenv(name, raising=False)
    # PTB warns when it builds RetryAfter with an int retry_after, unless opted in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def api():
    async with FakeBotApi(check_text=True) as fake:
        yield fake


@pytest.fixture
def kb(tiny_kb):
    """A knowledge base of one small notice of our own (tests/conftest.py): an edit of the bundled
    notices or the lexicon cannot break a Telegram test."""
    return tiny_kb


@pytest.fixture
def assistant(kb, tmp_path):
    """A fresh rate limiter and query log over the test's own (never reloaded) knowledge base."""
    log = QueryLog(tmp_path / "querylog.db")
    yield Assistant(kb, log)
    log.close()


def settings_for(api: FakeBotApi, **extra):
    root = api.base_url.removesuffix("/bot")  # what a user puts in TELEGRAM_BASE_URL
    values = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": root, "ADMIN_IDS": f"{ADMIN}", **extra}
    return load_settings(values, env_file=None)


@contextlib.asynccontextmanager
async def running(api: FakeBotApi, assistant: Assistant, **extra):
    """The bot as the entry point runs it: build_application, start_telegram … stop_telegram."""
    settings = settings_for(api, **extra)
    app = build_application(settings, assistant)
    await start_telegram(app, settings)
    try:
        yield app
    finally:
        await stop_telegram(app)


async def exchange(api: FakeBotApi, send, count: int = 1, method: str = "sendMessage", timeout: float = 5):
    """Do `send()` and return the next `count` successful calls of `method` it caused."""
    before = len(api.calls(method))
    send()
    return (await api.wait_for(method, before + count, timeout=timeout))[before:]


async def ask(api: FakeBotApi, text: str, user: int = USER, count: int = 1, **kwargs):
    return await exchange(api, lambda: api.send_text(user, text, **kwargs), count)


async def press(api: FakeBotApi, action: str, message_id: int, user: int = USER, data: str | None = None):
    """Press the button for `action` ("next", "full"…) under a message; returns the answerCallbackQuery call."""
    def pressing():
        api.press_button(user, data or api.button_data(message_id, action), message_id)

    (answered,) = await exchange(api, pressing, method="answerCallbackQuery")
    return answered


async def until_buttons(api: FakeBotApi, before: int):
    """The messages sent after the first `before`, up to the one that carries buttons."""
    count = before + 1
    while "reply_markup" not in (calls := await api.wait_for("sendMessage", count))[-1].params:
        count += 1
    return calls[before:]


def shown(call) -> str:
    """The text as the user sees it (and proof that Telegram would have parsed it)."""
    return visible_text(call.params["text"], call.params.get("parse_mode"))


def buttons(call) -> list[list[tuple[str, str]]]:
    """(label, action) of each button; the callback data is the action and the answer it acts on."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [[(b["text"], b["callback_data"].split(":")[0]) for b in row] for row in markup["inline_keyboard"]]


def own_kb(tmp_path, knowledge_dir, cls=KnowledgeBase):
    return cls(tmp_path / "own-knowledge.db", knowledge_dir)


# --- a question and its buttons ------------------------------------------------------------------------


def next_label(kb, question: str) -> str:
    """下一条's label on a first answer, from the engine's own result count (at most 5)."""
    return f"下一条 ▸ 2/{min(len(kb.ask(question).hits), 5)}"


async def test_question_gets_clause_units_source_and_buttons(api, assistant, kb):
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")

    assert reply.params["chat_id"] == USER
    assert reply.params["parse_mode"] == "HTML"
    html = reply.params["text"]
    assert html.startswith("<b>推广电子社保卡</b>\n")
    assert "<b>社保卡</b>" in html  # matched terms in bold
    text = shown(reply)
    assert "牵头单位：市人社局" in text
    assert "责任单位：市医保局" in text
    assert "出处：《江城市便民服务提升方案》江政办发〔2023〕14号（2023年3月1日） 一、3" in text
    assert len(text) < 1000  # the matching sentences, not the wall of text
    assert buttons(reply) == [
        [("完整条款", "full"), (next_label(kb, "电子社保卡能做什么"), "next")],
        [("👍 有用", "up"), ("👎 没用", "down"), ("本文件其他条款", "doc")],
    ]
    assert all(len(data.encode()) <= 64 for row in buttons(reply) for _, data in row)


async def test_full_clause_button_edits_the_answer(api, assistant, kb):
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")
        message_id = reply.result["message_id"]
        callback = await press(api, "full", message_id)
        (edit,) = await api.wait_for("editMessageText")

    clause = kb.ask("电子社保卡能做什么").hits[0].clause
    assert callback.params.get("text") is None  # just stops the button's spinner
    assert edit.params["message_id"] == message_id and edit.params["parse_mode"] == "HTML"
    assert clause.text.replace("\n", "") in shown(edit).replace("\n", "")
    assert "牵头单位：市人社局" in shown(edit)
    assert buttons(edit) == [
        [(next_label(kb, "电子社保卡能做什么"), "next")],
        [("👍 有用", "up"), ("👎 没用", "down"), ("本文件其他条款", "doc")],
    ]


async def test_next_button_pages_through_the_results(api, assistant, kb):
    hits = kb.ask("电子社保卡能做什么").hits[:5]
    assert len(hits) >= 2
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")
        message_id = reply.result["message_id"]
        next_button = api.button_data(message_id, "next")
        for _ in hits[1:]:
            await press(api, "next", message_id)
            await api.wait_for("editMessageText", len(api.calls("editMessageText")) + 1)
        last = await press(api, "next", message_id, data=next_button)  # a double tap on the last page

    edits = api.calls("editMessageText")
    assert [shown(e).split("\n")[0] for e in edits] == [h.clause.title for h in hits[1:]]
    assert all(e.params["message_id"] == message_id for e in edits)
    assert ("完整条款", "full") in buttons(edits[-1])[0]
    assert all(data != "next" for row in buttons(edits[-1]) for _, data in row)
    assert last.params["text"] == texts.NO_MORE


async def test_feedback_buttons_are_recorded(api, assistant, kb):
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")
        up = await press(api, "up", reply.result["message_id"])
        (reply2,) = await ask(api, "有没有夜班公交")
        down = await press(api, "down", reply2.result["message_id"])

    assert up.params["text"] == down.params["text"] == texts.THANKS
    feedback = {label.split()[-1]: (good, bad) for label, good, bad in assistant.stats().feedback}
    first, second = (kb.ask(q).hits[0].clause.title for q in ("电子社保卡能做什么", "有没有夜班公交"))
    assert feedback == {first: (1, 0), second: (0, 1)}


async def test_notice_button_sends_the_outline(api, assistant):
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")
        message_id = reply.result["message_id"]
        (outline,) = await exchange(api, lambda: api.press_button(USER, api.button_data(message_id, "doc"), message_id))

    text = shown(outline)
    assert text.startswith("《江城市便民服务提升方案》\n")
    assert text.splitlines()[1] == "江政办发〔2023〕14号 · 江城市人民政府办公室 · 2023年3月1日"
    assert "3. 推广电子社保卡" in text
    assert api.calls("answerCallbackQuery")


async def test_button_on_an_answer_from_before_a_restart_gets_a_hint(api, assistant, kb):
    async with running(api, assistant):
        (reply,) = await ask(api, "电子社保卡能做什么")
    async with running(api, Assistant(kb)):  # a new process: the answers on screen are forgotten
        expired = await press(api, "next", reply.result["message_id"])
        (again,) = await ask(api, "电子社保卡能做什么")  # and the bot still answers

    assert expired.params["text"] == texts.EXPIRED
    assert not api.calls("editMessageText")
    assert "推广电子社保卡" in shown(again)


async def test_not_covered_points_to_the_hotline(api, assistant):
    async with running(api, assistant):
        (reply,) = await ask(api, "公积金怎么提取")

    text = shown(reply)
    assert text.startswith("抱歉，现有的政策文件中没有找到与「公积金怎么提取」相关的内容。")
    assert "我能回答这些方面的问题：" in text and "12345" in text
    assert "reply_markup" not in reply.params


async def test_long_clause_is_delivered_in_several_messages(api, tmp_path, tiny_dir):
    (tiny_dir / "bees.txt").write_text(BEE_NOTICE, encoding="utf-8")
    assistant = Assistant(own_kb(tmp_path, tiny_dir))
    async with running(api, assistant):
        (reply,) = await ask(api, "城里养蜂要登记吗")
        before = len(api.calls("sendMessage"))
        await press(api, "full", reply.result["message_id"])
        parts = await until_buttons(api, before)

    assert len(parts) >= 2 and all(len(shown(p)) <= 4096 for p in parts)
    assert all("reply_markup" not in p.params for p in parts[:-1]) and buttons(parts[-1])
    whole = "".join(shown(p) for p in parts).replace("\n", "")
    assert f"第59项要求：{BEE_SENTENCE}" in whole and "牵头单位：市农业农村局" in whole
    assert not api.calls("editMessageText")


async def test_long_clause_is_split_into_valid_html(api, tmp_path, tiny_dir):
    (tiny_dir / "bees.txt").write_text(BEE_NOTICE, encoding="utf-8")
    assistant = Assistant(own_kb(tmp_path, tiny_dir))
    async with running(api, assistant):
        (reply,) = await ask(api, "城里养蜂要登记吗")
        before = len(api.calls("sendMessage"))
        await press(api, "full", reply.result["message_id"])
        await until_buttons(api, before)
    refused = [c for c in api.calls("sendMessage", include_failed=True) if c.status == 400]
    assert refused == []
    assert all(c.params.get("parse_mode") == "HTML" for c in api.calls("sendMessage"))


# --- commands --------------------------------------------------------------------------------------------


async def test_commands_are_registered_in_chinese(api, assistant):
    async with running(api, assistant):
        calls = await api.wait_for("setMyCommands", 2)

    assert len(api.calls("setMyCommands")) == 2
    by_scope = {c.params["scope"]["type"]: c.params for c in calls}
    public = [c["command"] for c in by_scope["default"]["commands"]]
    assert public == ["start", "help", "search", "unit", "doc"]
    admin = by_scope["chat"]
    assert admin["scope"]["chat_id"] == ADMIN
    assert [c["command"] for c in admin["commands"]] == public + ["reload", "stats"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in admin["commands"])
    assert [c.command for c in command_list(admin=True)] == public + ["reload", "stats"]


async def test_start_and_help(api, assistant):
    async with running(api, assistant):
        (start,) = await ask(api, "/start")
        (help_,) = await ask(api, "/help")
        (unknown,) = await ask(api, "/nonsense")

    assert shown(start) == shown(help_) == shown(unknown)
    assert shown(start).startswith(texts.WELCOME)
    assert "《江城市便民服务提升方案》江政办发〔2023〕14号" in shown(start)


async def test_search_lists_the_top_results(api, assistant, kb):
    async with running(api, assistant):
        (found,) = await ask(api, "/search 有没有夜班公交")
        (usage,) = await ask(api, "/search")

    lines = shown(found).splitlines()
    count = min(len(kb.ask("有没有夜班公交").hits), 5)
    assert lines[0] == f"「有没有夜班公交」的前 {count} 条结果："
    assert lines[1].startswith("1. 增设公交夜班线路 — 江政办发〔2023〕14号")
    assert shown(usage) == texts.USAGE_SEARCH
    assert assistant.stats().questions == 0  # staff look-ups are not citizens' questions


async def test_unit_lists_its_clauses(api, assistant):
    async with running(api, assistant):
        (listing,) = await ask(api, "/unit 市人社局")
        (unknown,) = await ask(api, "/unit 不存在的<局>")
        (usage,) = await ask(api, "/unit")

    assert shown(listing).startswith("市人社局 牵头 1 条：\n1. 推广电子社保卡 — 江政办发〔2023〕14号")
    assert shown(unknown) == texts.UNKNOWN_UNIT.format(unit="不存在的<局>")
    assert shown(usage) == texts.USAGE_UNIT


async def test_doc_shows_the_outline(api, assistant):
    async with running(api, assistant):
        (outline,) = await ask(api, "/doc 14号")
        (unknown,) = await ask(api, "/doc 99号")
        (usage,) = await ask(api, "/doc")

    assert shown(outline).startswith("《江城市便民服务提升方案》")
    assert "2. 增设公交夜班线路" in shown(outline)
    assert shown(unknown) == texts.UNKNOWN_DOC.format(reference="99号")
    assert shown(usage) == texts.USAGE_DOC


async def test_stats_for_admins_only(api, assistant):
    async with running(api, assistant):
        await ask(api, "电子社保卡能做什么")
        await ask(api, "公积金怎么提取")
        (refused,) = await ask(api, "/stats")
        (stats,) = await ask(api, "/stats", user=ADMIN)

    assert shown(refused) == texts.NOT_ADMIN
    assert "提问 2 次，未能回答 1 次（50%）" in shown(stats)
    assert "telegram 2" in shown(stats)


class GatedKnowledgeBase(KnowledgeBase):
    """A real knowledge base whose reload waits for the test, to ask questions while it runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def reload(self, progress=None):
        assert self.gate.wait(10), "the test never opened the gate"
        return super().reload(progress)


async def test_reload_by_admin_answers_meanwhile_and_reports(api, tmp_path, tiny_dir):
    kb = own_kb(tmp_path, tiny_dir, GatedKnowledgeBase)
    assistant = Assistant(kb)
    (tiny_dir / "bees.txt").write_text(BEE_NOTICE, encoding="utf-8")
    async with running(api, assistant):
        (refused,) = await ask(api, "/reload")
        (started,) = await ask(api, "/reload", user=ADMIN)
        # The rebuild is under way (held at the gate): questions are answered from the old index.
        (meanwhile,) = await ask(api, "电子社保卡能做什么")
        (not_yet,) = await ask(api, "城里养蜂要登记吗")
        (report,) = await exchange(api, kb.gate.set)
        (after,) = await ask(api, "城里养蜂要登记吗")

    assert shown(refused) == texts.NOT_ADMIN
    assert shown(started) == texts.RELOAD_STARTED
    assert "推广电子社保卡" in shown(meanwhile)
    assert "没有找到" in shown(not_yet)
    assert report.params["chat_id"] == ADMIN
    assert shown(report).startswith("知识库已更新")
    assert "文件 2 个 · 通知 2 件" in shown(report) and "新增：黄政办发〔2023〕7号" in shown(report)
    assert shown(after).startswith("做好养蜂登记")


async def test_failed_reload_names_the_file_and_changes_nothing(api, tmp_path, tiny_dir):
    kb = own_kb(tmp_path, tiny_dir)
    live = hashlib.sha256(kb.db_path.read_bytes()).hexdigest()
    (tiny_dir / "broken.txt").write_bytes(os.urandom(4096))
    async with running(api, Assistant(kb)):
        (before,) = await ask(api, "电子社保卡能做什么")
        started, failed = await ask(api, "/reload", user=ADMIN, count=2)
        (after,) = await ask(api, "电子社保卡能做什么")

    assert shown(started) == texts.RELOAD_STARTED
    lines = shown(failed).splitlines()
    assert lines[0] == texts.RELOAD_FAILED
    assert lines[1].startswith("broken.txt：")
    assert shown(after) == shown(before)
    assert hashlib.sha256(kb.db_path.read_bytes()).hexdigest() == live


# --- what users send -------------------------------------------------------------------------------------


async def test_non_text_messages_get_a_hint(api, assistant):
    async with running(api, assistant):
        def send_all():
            api.send_photo(USER)
            api.send_sticker(USER)
            api.send_voice(USER)
            api.send_location(USER)

        replies = await exchange(api, send_all, count=4)

    assert [shown(r) for r in replies] == [texts.NON_TEXT] * 4


async def test_html_in_questions_is_escaped(api, assistant):
    async with running(api, assistant):
        (uncovered,) = await ask(api, "<b>公积金</b>怎么提取 & <script>")
        (answered,) = await ask(api, "<i>电子社保卡</i>能做什么")

    assert "&lt;b&gt;公积金&lt;/b&gt;怎么提取 &amp; &lt;script&gt;" in uncovered.params["text"]
    assert "「<b>公积金</b>怎么提取 & <script>」" in shown(uncovered)
    assert "<i>" not in answered.params["text"]
    assert shown(answered).startswith("推广电子社保卡")


async def test_a_5000_character_question(api, assistant):
    async with running(api, assistant):
        (long_,) = await ask(api, "电子社保卡能做什么" + "啊" * 4994)
        (blank,) = await ask(api, "😀😀😀")

    assert len(shown(long_)) <= 4096
    assert shown(blank) == texts.EMPTY_QUESTION  # nothing to search for: ask for a question


async def test_burst_of_50_questions_from_10_users_all_answered(api, assistant):
    users = range(5001, 5011)
    questions = ["电子社保卡能做什么", "有没有夜班公交", "公积金怎么提取", "市人社局负责哪些事", "14号文"]

    def burst():
        for question in questions:
            for user in users:
                api.send_text(user, question)

    async with running(api, assistant):
        replies = await exchange(api, burst, count=50, timeout=15)

    per_user = {user: sum(1 for r in replies if r.params["chat_id"] == user) for user in users}
    assert per_user == {user: 5 for user in users}
    assert not [c for c in api.calls("sendMessage", include_failed=True) if c.failed]
    assert assistant.stats().questions == 50


async def test_per_user_limit_warns_once_then_stays_silent(api, kb):
    assistant = Assistant(kb, rate_limit=3)
    async with running(api, assistant):
        def flood():
            for _ in range(5):
                api.send_text(USER, "电子社保卡能做什么")

        replies = await exchange(api, flood, count=4)
        (other,) = await ask(api, "电子社保卡能做什么", user=OTHER)  # others are not held back

    to_user = [shown(r) for r in api.calls("sendMessage") if r.params["chat_id"] == USER]
    assert len(to_user) == 4 and to_user.count(texts.SLOW_DOWN) == 1
    assert sum("推广电子社保卡" in t for t in to_user) == 3
    assert replies and "推广电子社保卡" in shown(other)


async def test_in_groups_only_mentions_replies_and_commands(api, assistant):
    group = -500

    def say(text, **kwargs):
        return lambda: api.send_text(USER, text, chat_id=group, chat_type="supergroup", **kwargs)

    async with running(api, assistant):
        (mentioned,) = await exchange(api, say(f"@{BOT_USERNAME} 电子社保卡能做什么", mention=True))
        (replied,) = await exchange(api, say("图书馆周末开到几点", reply_to=mentioned.result["message_id"]))
        (command,) = await exchange(api, say(f"/unit@{BOT_USERNAME} 市人社局"))
        api.send_text(USER, "大家好，今天开会", chat_id=group, chat_type="supergroup")
        api.send_text(USER, "@someone_else 电子社保卡能做什么", chat_id=group, chat_type="supergroup", mention=True)
        (last,) = await exchange(api, say("/help"))

    assert mentioned.params["chat_id"] == group
    assert "推广电子社保卡" in shown(mentioned)
    assert mentioned.params["reply_parameters"]["message_id"] > 0  # quotes the question
    assert "延长图书馆开放时间" in shown(replied)
    assert shown(command).startswith("市人社局 牵头")
    assert shown(last).startswith(texts.WELCOME)
    assert len(api.calls("sendMessage")) == 4  # the chatter in between got no reply


# --- Telegram failing ----------------------------------------------------------------------------------


async def test_send_failures_429_403_500_do_not_stop_the_bot(api, assistant, caplog):
    caplog.set_level(logging.INFO, logger="handlers.telegram")
    async with running(api, assistant) as app:
        api.fail_next("sendMessage", 403)  # USER blocked the bot
        api.send_text(USER, "电子社保卡能做什么")
        await api.wait_for("sendMessage", 1, include_failed=True)
        (ok,) = await ask(api, "电子社保卡能做什么", user=OTHER)

        api.fail_next("sendMessage", 500)
        api.send_text(USER, "电子社保卡能做什么")
        await api.wait_for("sendMessage", 3, include_failed=True)
        (ok2,) = await ask(api, "有没有夜班公交", user=OTHER)

        api.fail_next("sendMessage", 429, retry_after=1)  # AIORateLimiter waits, then resends
        (resent,) = await ask(api, "公积金怎么提取", user=OTHER)
        assert app.updater.running

    statuses = [c.status for c in api.calls("sendMessage", include_failed=True)]
    assert statuses == [403, 200, 500, 200, 429, 200]
    assert "12345" in shown(resent)
    assert "bot was blocked by the user" in caplog.text and "Internal Server Error" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_get_updates_failures_429_403_500_keep_polling(api, assistant, caplog):
    caplog.set_level(logging.WARNING, logger="handlers.telegram")
    async with running(api, assistant):
        for status in (500, 403, 429):
            failed = len(api.calls("getUpdates", include_failed=True)) - len(api.calls("getUpdates"))
            api.fail_next("getUpdates", status, retry_after=1 if status == 429 else None)
            (reply,) = await ask(api, "电子社保卡能做什么")  # answered once polling resumes
            assert "推广电子社保卡" in shown(reply)
            now_failed = len(api.calls("getUpdates", include_failed=True)) - len(api.calls("getUpdates"))
            assert now_failed == failed + 1

    assert "getUpdates failed" in caplog.text  # 500 and 403 reach our error callback; 429 is waited out


async def test_an_unexpected_error_is_logged_and_the_user_gets_an_apology(api, assistant, caplog):
    api.fail_next("sendMessage", 400, description="Bad Request: something we did not foresee")
    async with running(api, assistant):
        (apology,) = await ask(api, "电子社保卡能做什么")
        (reply,) = await ask(api, "电子社保卡能做什么")

    assert [c.status for c in api.calls("sendMessage", include_failed=True)] == [400, 200, 200]
    assert shown(apology) == texts.ERROR
    assert "推广电子社保卡" in shown(reply)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_a_wrong_token_fails_start_up_cleanly(api, assistant):
    api.fail_next("getMe", 401, description="Unauthorized")
    settings = settings_for(api)
    app = build_application(settings, assistant)
    with pytest.raises(InvalidToken):
        await start_telegram(app, settings)
    assert not app.running and not app.updater.running
    assert not api.calls("getUpdates", include_failed=True)


# --- configuration and webhook mode ---------------------------------------------------------------------


def test_settings_helpers():
    assert api_urls("http://localhost:8081") == ("http://localhost:8081/bot", "http://localhost:8081/file/bot")
    assert api_urls("http://localhost:8081/bot/") == api_urls("http://localhost:8081")
    no_token = Settings({name: default for name, default, _ in SETTINGS})
    assert not telegram_configured(no_token)
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        build_application(no_token, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode(api, assistant):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 0, "text": "电子社保卡能做什么",
            "from": {"id": USER, "is_bot": False, "first_name": "U"},
            "chat": {"id": USER, "type": "private", "first_name": "U"},
        },
    }
    extra = {"TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
             "TELEGRAM_WEBHOOK_PORT": port}
    async with running(api, assistant, **extra), aiohttp.ClientSession() as http:
        (hook,) = api.calls("setWebhook")
        async with http.post(url, json=update) as forged:
            assert forged.status == 403  # no secret: not Telegram
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(TOKEN)}
        async with http.post(url, json=update, headers=headers) as posted:
            assert posted.status == 200
        (reply,) = await api.wait_for("sendMessage")

    assert hook.params["url"] == url and hook.params["secret_token"] == webhook_secret(TOKEN)
    assert "推广电子社保卡" in shown(reply)
    assert not api.calls("getUpdates", include_failed=True)


async def test_webhook_server_cuts_off_half_sent_headers_and_limits_connections(api, assistant):
    from handlers.telegram import limit_webhook_server

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    extra = {"TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "TELEGRAM_WEBHOOK_PORT": port}
    async with running(api, assistant, **extra) as app:
        assert limit_webhook_server(app, idle_timeout=0.5, max_connections=10)
        slow = []
        for _ in range(30):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /telegram-hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append((reader, writer))
        for reader, writer in slow:  # closed: past the limit at once, the others after 0.5 s
            assert await asyncio.wait_for(reader.read(), 30) == b""
            writer.close()
        async with aiohttp.ClientSession() as http, http.post(url, json={}) as after:
            assert after.status == 403  # still serving (no secret: refused as before)


# --- flood limits: one chat's 429 delays only that chat ----------------------------------------------


FLOOD_TEST_GUARD = 60  # seconds: a regression that waits out a flood limit fails instead of hanging


def to_chat(calls, chat: int):
    return [c for c in calls if str(c.params.get("chat_id")) == str(chat)]


async def test_one_chats_flood_limit_delays_only_that_chat(api, assistant):
    async def scenario():
        async with running(api, assistant):
            api.fail_chat(USER, 429, retry_after=3)
            api.send_text(USER, "电子社保卡能做什么")
            await api.wait_for("sendMessage", include_failed=True)  # the 429: USER's chat is blocked for 3 s
            api.send_text(OTHER, "电子社保卡能做什么")
            (first,) = await api.wait_for("sendMessage", 1, timeout=10)
            assert str(first.params["chat_id"]) == str(OTHER)  # not held behind USER's block
            await api.wait_for("sendMessage", 2, timeout=15)  # USER's answer, once the block is over
            assert len(to_chat(api.calls("sendMessage"), USER)) == 1

    await asyncio.wait_for(scenario(), FLOOD_TEST_GUARD)


async def test_a_long_flood_limit_gives_up_at_once_and_others_go_on(api, assistant, caplog):
    async def scenario():
        async with running(api, assistant):
            api.fail_chat(USER, 429, retry_after=3600)
            api.send_text(USER, "电子社保卡能做什么")
            await api.wait_for("sendMessage", include_failed=True)
            api.send_text(USER, "图书馆")  # blocked here, without asking Telegram again
            api.send_text(OTHER, "电子社保卡能做什么")
            await api.wait_for("sendMessage", 1, timeout=10)
            await asyncio.sleep(0.5)  # give USER's second reply time to (wrongly) reach the API
            assert len(to_chat(api.calls("sendMessage", include_failed=True), USER)) == 1
            assert to_chat(api.calls("sendMessage"), OTHER)

    await asyncio.wait_for(scenario(), FLOOD_TEST_GUARD)  # a regression would sit out the hour
    assert "rate limit" in caplog.text


async def test_stopping_does_not_wait_out_a_flood_limit(api, assistant):
    settings = settings_for(api)
    app = build_application(settings, assistant)
    await start_telegram(app, settings)
    try:
        api.fail_chat(USER, 429, retry_after=25, count=5)
        api.send_text(USER, "电子社保卡能做什么")
        await api.wait_for("sendMessage", include_failed=True)  # now waiting 25 s to resend
        await asyncio.wait_for(stop_telegram(app), 10)  # a regression waits 25 s and fails here
    finally:
        await stop_telegram(app)
