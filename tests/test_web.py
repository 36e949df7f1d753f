"""The web console over real HTTP (aiohttp's test server on 127.0.0.1), with real SQLite files."""

from __future__ import annotations

import html
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import load_settings
from handlers.assistant import Assistant
from handlers.render import render_console
from handlers.web import auth
from handlers.web.app import build_web_app
from knowledge.accounts import AccountError, ConsoleStore
from knowledge.base import KnowledgeBase
from knowledge.querylog import QueryLog
from tests.conftest import HEATING_NOTICE, TINY_NOTICE

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """An admin and a staff account (Argon2 is slow on purpose: made once for the module)."""
    store = ConsoleStore(tmp_path_factory.mktemp("console") / "console.db")
    store.add("boss", "admin", PASSWORD)
    store.add("clerk", "staff", PASSWORD)
    yield store
    store.close()


@pytest.fixture(scope="module")
def shared_kb(tmp_path_factory):
    """The tiny notice's knowledge base, for the tests that only read it."""
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "jiangcheng-2023-14.txt").write_text(TINY_NOTICE, encoding="utf-8")
    return KnowledgeBase(tmp_path_factory.mktemp("db") / "tiny.db", folder)


@pytest.fixture
def make_client(tmp_path, shared_kb, store):
    """A client of the console (on the shared tiny knowledge base unless given one); settings may be overridden."""
    clients, logs = [], []

    async def make(kb=None, **overrides):
        kb = kb or shared_kb
        settings = load_settings({"BOT_DATA_DIR": tmp_path, "BOT_KNOWLEDGE_DIR": kb.knowledge_dir, **overrides},
                                 env_file=None)
        log = QueryLog(tmp_path / "querylog.db")
        logs.append(log)
        app = build_web_app(settings, Assistant(kb, log), store)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for log in logs:
        log.close()


async def csrf_of(client, path="/login") -> str:
    page = await (await client.get(path)).text()
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


async def log_in(client, user="boss", password=PASSWORD):
    token = await csrf_of(client)
    return await client.post("/login", data={"username": user, "password": password, "csrf_token": token},
                             allow_redirects=False)


async def test_pages_need_a_login(make_client):
    client = await make_client()
    response = await client.get("/notices", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/login?next=/notices"
    page = await (await client.get("/login")).text()
    assert 'name="username"' in page and 'name="password"' in page and "工作人员登录" in page


async def test_login_sets_a_signed_http_only_strict_cookie(make_client):
    client = await make_client()
    response = await log_in(client)
    assert response.status == 302 and response.headers["Location"] == "/"
    cookie = response.headers.getall("Set-Cookie")[-1]
    assert cookie.startswith(f"{auth.COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1
    assert "boss（管理员）" in await (await client.get("/")).text()


async def test_cookie_is_secure_behind_https(make_client):
    client = await make_client()
    response = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]


async def test_wrong_password_is_refused(make_client):
    client = await make_client()
    response = await log_in(client, password="not the password")
    assert response.status == 401 and "用户名或密码不正确" in await response.text()
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_post_without_csrf_token_is_refused(make_client):
    client = await make_client()
    await csrf_of(client)
    response = await client.post("/login", data={"username": "boss", "password": PASSWORD})
    assert response.status == 403 and "CSRF" in await response.text()
    await log_in(client)
    assert (await client.post("/admin/reload", data={})).status == 403
    assert (await client.post("/admin/reload", data={"csrf_token": "forged"})).status == 403


async def test_search_shows_candidates_with_the_citizens_reply(make_client, shared_kb):
    client = await make_client()
    await log_in(client)
    page = await (await client.get("/", params={"q": "图书馆周末开到几点"})).text()
    assert "延长图书馆开放时间" in page and "市文化局" in page and "江政办发〔2023〕14号" in page
    assert "为什么匹配" in page and "图书馆" in page
    reply = html.unescape(re.search(r'<textarea class="reply" readonly hidden id="reply-1">(.*?)</textarea>',
                                    page, re.S)[1])
    assert reply == render_console(shared_kb.ask("图书馆周末开到几点"))


async def test_a_clause_by_number_and_a_unit(make_client):
    client = await make_client()
    await log_in(client)
    page = await (await client.get("/", params={"q": "14号 2"})).text()
    assert "增设公交夜班线路" in page and "市交通局" in page
    page = await (await client.get("/units", params={"name": "市人社局"})).text()
    assert "推广电子社保卡" in page
    units = await (await client.get("/units")).text()
    assert "市文化局" in units and "市公交集团" in units


async def test_notices_outline_and_clause(make_client):
    client = await make_client()
    await log_in(client)
    notices = await (await client.get("/notices")).text()
    assert "江政办发〔2023〕14号" in notices
    outline = await (await client.get("/notice", params={"ref": "江政办发〔2023〕14号"})).text()
    assert "延长图书馆开放时间" in outline and "增设公交夜班线路" in outline
    link = html.unescape(re.search(r'href="(/clause\?[^"]+)">[^<]*<span class="label">2\.', outline)[1])
    clause = await (await client.get(link)).text()
    assert "开通四条夜班公交线路" in clause and "市公交集团" in clause and "复制回复" in clause
    assert (await client.get("/notice", params={"ref": "没有的文件"})).status == 404


async def test_unanswered_questions_and_feedback(make_client, shared_kb, tmp_path):
    client = await make_client()
    await log_in(client)
    log = QueryLog(tmp_path / "querylog.db")
    for question in ("公积金怎么提取", "公积金怎么提取", "图书馆几点关门"):
        log.record("wechat", "u1", question, shared_kb.ask(question), 1.0)
    log.feedback(log.record("wechat", "u2", "夜班公交", shared_kb.ask("夜班公交"), 1.0), -1)
    log.close()
    page = await (await client.get("/questions")).text()
    assert re.search(r"<td>公积金怎么提取</td><td>2</td>", page)
    assert "增设公交夜班线路" in page  # the clause the 👎 was given to


async def test_staff_get_403_on_admin_pages(make_client):
    client = await make_client()
    await log_in(client, "clerk")
    token = await csrf_of(client, "/")
    assert "管理</a>" not in await (await client.get("/")).text()
    assert (await client.get("/admin")).status == 403
    assert (await client.get("/admin/reloads")).status == 403
    assert (await client.post("/admin/reload", data={"csrf_token": token})).status == 403
    upload = {"csrf_token": token, "file": ("x.txt", HEATING_NOTICE.encode())}
    assert (await client.post("/admin/upload", data=upload)).status == 403


async def test_admin_uploads_and_reloads(make_client, tiny_kb, tiny_dir):
    client = await make_client(tiny_kb)
    await log_in(client)
    token = await csrf_of(client, "/admin")
    form = _form({"csrf_token": token, "file": HEATING_NOTICE.encode()}, "../../供暖 通知.txt")
    response = await client.post("/admin/upload", data=form)
    assert response.status == 200 and "已上传：供暖_通知.txt" in await response.text()
    assert (tiny_dir / "供暖_通知.txt").read_text(encoding="utf-8") == HEATING_NOTICE
    report = await (await client.post("/admin/reload", data={"csrf_token": token})).text()
    assert "知识库已重建" in report and "通知 2 件" in report
    assert "新增：" in report and "江政办发〔2023〕20号" in report  # start-up notices are new too
    history = await (await client.get("/admin/reloads")).text()
    assert "boss" in history and "成功" in history
    page = await (await client.get("/", params={"q": "暖气不热"})).text()
    assert "市热力公司" in page


async def test_uploads_refuse_unknown_types_and_large_files(make_client, tiny_kb, tiny_dir):
    client = await make_client(tiny_kb, BOT_WEB_UPLOAD_MB="1")
    await log_in(client)
    token = await csrf_of(client, "/admin")
    response = await client.post("/admin/upload", data=_form({"csrf_token": token, "file": b"MZ\x90"}, "tool.exe"))
    assert response.status == 400 and "不支持的文件类型" in await response.text()
    big = _form({"csrf_token": token, "file": b"x" * (1 << 20 | 4096)}, "big.txt")
    response = await client.post("/admin/upload", data=big)
    assert response.status == 400 and "超过 1 MB" in await response.text()
    huge = _form({"csrf_token": token, "file": b"x" * (2 << 20)}, "huge.txt")
    assert (await client.post("/admin/upload", data=huge)).status == 413
    assert sorted(p.name for p in tiny_dir.iterdir()) == ["jiangcheng-2023-14.txt"]


def _form(data: dict, filename: str):
    from aiohttp import FormData

    form = FormData()
    form.add_field("csrf_token", data["csrf_token"])
    form.add_field("file", data["file"], filename=filename, content_type="text/plain")
    return form


async def test_logins_lock_after_repeated_failures(make_client):
    client = await make_client(BOT_WEB_LOGIN_ATTEMPTS="3")
    for _ in range(3):
        assert (await log_in(client, "clerk", "wrong password")).status == 401
    locked = await log_in(client, "clerk")  # the right password, but too late
    assert locked.status == 429 and "锁定" in await locked.text()
    assert (await log_in(client, "boss")).status == 302  # another user from the same address still may


async def test_logout_ends_the_session(make_client):
    client = await make_client()
    await log_in(client)
    token = await csrf_of(client, "/")
    assert (await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)).status == 302
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_a_password_change_ends_open_sessions(make_client, store):
    client = await make_client()
    store.add("temp", "staff", PASSWORD)
    await log_in(client, "temp")
    assert (await client.get("/", allow_redirects=False)).status == 200
    store.set_password("temp", "a brand new password")
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_an_idle_session_is_sent_to_log_in_again(make_client):
    client = await make_client(BOT_WEB_IDLE_MINUTES="0")
    await log_in(client)
    response = await client.get("/notices", allow_redirects=False)
    assert response.status == 302 and "expired=1" in response.headers["Location"]
    assert "登录已超时" in await (await client.get(response.headers["Location"])).text()


async def test_a_forged_cookie_is_a_stranger(make_client):
    client = await make_client()
    other = auth.Sessions("another key", 600)
    forged = other.dump(auth.new_session("boss", "whatever"))
    response = await client.get("/", cookies={auth.COOKIE: forged}, allow_redirects=False)
    assert response.status == 302


def test_sessions_expire_when_idle():
    sessions = auth.Sessions("key", idle_seconds=60)
    cookie = sessions.dump(auth.new_session("boss", "e1"))
    session = auth.Sessions("key", 60).load(cookie)
    assert session["user"] == "boss"
    later = sessions.load(cookie, now=session["seen"] + 61)
    assert "user" not in later and later["expired"]


def test_accounts_refuse_empty_passwords_and_duplicates(tmp_path):
    store = ConsoleStore(tmp_path / "c.db")
    with pytest.raises(AccountError):
        store.add("a", "admin", " ")
    store.add("a", "admin", PASSWORD)
    with pytest.raises(AccountError):
        store.add("a", "staff", PASSWORD)
    with pytest.raises(AccountError):
        store.add("../x", "staff", PASSWORD)
    assert store.verify("a", PASSWORD).role == "admin" and store.verify("a", "nope") is None
    assert "argon2" in (tmp_path / "c.db").read_bytes().decode("latin-1")  # a hash, never the password
    assert PASSWORD not in (tmp_path / "c.db").read_bytes().decode("latin-1")
    store.close()


def test_safe_next_stays_on_the_site():
    assert auth.safe_next("/notices?x=1") == "/notices?x=1"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil", "", None):
        assert auth.safe_next(target) == "/"


async def test_served_by_python_m_bot_in_the_same_loop(tmp_path, shared_kb, store):
    """bot.app.serve starts the console when BOT_WEB_PORT is set, and stops it on SIGTERM."""
    import asyncio
    import os
    import signal
    import socket

    import aiohttp

    from bot.app import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings({"BOT_WEB_PORT": port, "BOT_CONSOLE_DB": store.path, "BOT_DATA_DIR": tmp_path},
                             env_file=None)
    task = asyncio.create_task(serve(settings, Assistant(shared_kb, QueryLog(tmp_path / "q.db"))))
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/login") as response:
                    assert response.status == 200
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        else:
            pytest.fail("the console did not start")
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 30)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_every_reason_has_a_label_for_staff():
    from handlers.web.cards import REASONS
    from knowledge.model import REASONS as ALL

    assert set(ALL) <= set(REASONS)
