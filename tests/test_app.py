"""The entry point's wiring: both channels in one event loop, a rebuild followed, SIGTERM ends it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.app import serve
from bot.config import load_settings
from handlers.assistant import Assistant
from knowledge.base import KnowledgeBase
from tests.conftest import TINY_NOTICE
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.wechat_platform import WeChatPlatform

TOKEN = "123:ABC"
WECHAT_TOKEN = "app-test-token"
NEW_CLAUSE = "4.开通夜间政务服务热线。市民服务中心夜间安排专人接听咨询电话。（牵头单位：市政务服务局）\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wechat_ask(session, port: int, platform: WeChatPlatform, text: str, msg_id: int) -> str:
    params, body = platform.post_params_and_body(platform.text_message_xml("o_user", text, msg_id), False)
    async with session.post(f"http://127.0.0.1:{port}/wechat", params=params, data=body) as response:
        assert response.status == 200
        return platform.read_reply(await response.text(), False).get("Content", "")


async def until(condition, timeout: float = 20.0, every: float = 0.05):
    """Wait for an async condition; fail with a clear message if it never holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(every)


@pytest.fixture
def _clean_environment(monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "WECHAT_TOKEN", "WECHAT_AES_KEY", "TELEGRAM_WEBHOOK_URL", "BOT_WEB_PORT"):
        monkeypatch.delenv(name, raising=False)


async def test_both_channels_in_one_loop_follow_a_rebuild_and_stop_on_sigterm(tmp_path, tiny_dir, _clean_environment):
    db = tmp_path / "kb.db"
    port = free_port()
    platform = WeChatPlatform(WECHAT_TOKEN)
    async with FakeBotApi() as api, aiohttp.ClientSession() as session:
        settings = load_settings({
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url.removesuffix("/bot"),
            "WECHAT_TOKEN": WECHAT_TOKEN, "WECHAT_PORT": str(port), "WECHAT_HOST": "127.0.0.1",
        }, env_file=None)
        # Asking every 50 ms until the rebuild is followed must not run into the rate limit.
        assistant = Assistant(KnowledgeBase(db, tiny_dir), rate_limit=10_000)
        running = asyncio.create_task(serve(settings, assistant, watch_every=0.1))

        async def wechat_up():
            try:
                return bool(await wechat_ask(session, port, platform, "夜班公交有哪些", 1))
            except aiohttp.ClientConnectionError:
                return False

        await until(wechat_up)
        assert "增设公交夜班线路" in await wechat_ask(session, port, platform, "夜班公交有哪些", 2)
        api.send_text(2000, "夜班公交有哪些")
        (sent,) = await api.wait_for("sendMessage", timeout=10)
        assert "增设公交夜班线路" in sent.params["text"]

        # Another process (python -m bot reload) rebuilds the file; the running bot follows it.
        notice = tiny_dir / "jiangcheng-2023-14.txt"
        signature = "江城市人民政府办公室\n2023年3月1日"
        notice.write_text(TINY_NOTICE.replace(signature, NEW_CLAUSE + signature), encoding="utf-8")
        await asyncio.to_thread(KnowledgeBase(db, tiny_dir).reload)
        msg_ids = iter(range(100, 1000))

        async def rebuilt():
            reply = await wechat_ask(session, port, platform, "夜间政务服务热线", next(msg_ids))
            return "开通夜间政务服务热线" in reply

        await until(rebuilt)

        os.kill(os.getpid(), signal.SIGTERM)  # the handler serve() installed sets its stop event
        await asyncio.wait_for(running, timeout=15)
        with pytest.raises(aiohttp.ClientConnectionError):
            await wechat_ask(session, port, platform, "夜班公交有哪些", 9999)


def run_bot(tmp_path: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    environment = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data"), **(env or {})}
    for name in ("TELEGRAM_BOT_TOKEN", "WECHAT_AES_KEY", "TELEGRAM_WEBHOOK_URL", "BOT_WEB_PORT"):
        environment.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=environment, text=True,
                            **kwargs)


def test_the_entry_point_ends_within_seconds_on_sigterm(tmp_path, tiny_dir):
    port = free_port()
    env = {"WECHAT_TOKEN": WECHAT_TOKEN, "WECHAT_PORT": str(port)}
    bot = run_bot(tmp_path, "--knowledge", str(tiny_dir), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert bot.poll() is None, bot.stdout.read()
            assert time.monotonic() < deadline, "the bot never listened"
            time.sleep(0.1)
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=10) == 0
    finally:
        if bot.poll() is None:
            bot.kill()


def test_console_questions_are_logged_under_console(tmp_path, tiny_dir):
    chat = run_bot(tmp_path, "--knowledge", str(tiny_dir), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, _ = chat.communicate("夜班公交有哪些\n全文\n", timeout=120)
    assert "增设公交夜班线路" in out
    stats = run_bot(tmp_path, "stats", stdout=subprocess.PIPE)
    printed, _ = stats.communicate(timeout=120)
    assert "console 1" in printed  # the question, not the 全文 that paged it

