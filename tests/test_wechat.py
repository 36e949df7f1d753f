"""The /wechat endpoint over real HTTP, signed and encrypted as WeChat does it (wechatpy on its side).

Transport tests answer from the tiny knowledge base; paging (「更多」, 「下一条」) from the same notice
with forty more items of our own, so that its outline and a unit's listing run past 2048 bytes."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

import aiohttp
import pytest
from aiohttp import web

from bot.config import SETTINGS, Settings
from handlers import texts
from handlers.assistant import Assistant
from handlers.conversation import compact
from handlers.render import WECHAT_LIMIT, render_wechat, utf8_len
from handlers.wechat import PATH, build_wechat_app, start_wechat, stop_wechat
from knowledge.base import KnowledgeBase
from knowledge.querylog import QueryLog
from tests.conftest import TINY_NOTICE
from tests.fakes.wechat_platform import DEFAULT_APP_ID, WeChatPlatform

TOKEN = "test-token"
QUESTION = "电子社保卡怎么用"  # the tiny notice's clause led by 市人社局
LONG_QUESTION = "市文化局负责哪些事"  # in the long notice, a unit listing over 2048 bytes
# Forty more items led by 市文化局, then a 保障措施 part: the outline and 市文化局's listing need 「更多」.
MORE_ITEMS = "".join(
    f"{n}.开展第{n}期社区文化惠民演出活动。在全市各社区举办文艺演出和非遗展示。（牵头单位：市文化局；责任单位：各区人民政府）\n"
    for n in range(4, 44)
) + "二、保障措施\n44.加强组织领导。各单位明确专人负责，按季度报送进展。（牵头单位：市政府办公室）\n"
msg_ids = itertools.count(1000)


def make_settings(**values) -> Settings:
    """Defaults plus `values`, whatever the environment says."""
    defaults = {name: default for name, default, _ in SETTINGS}
    return Settings({**defaults, "WECHAT_TOKEN": TOKEN, "WECHAT_PORT": "0", **values})


class Client:
    """The WeChat platform posting to one running endpoint."""

    def __init__(self, session: aiohttp.ClientSession, url: str, platform: WeChatPlatform, encrypted: bool):
        self.session, self.url, self.platform, self.encrypted = session, url, platform, encrypted

    async def raw(self, method: str, params: dict, body: bytes | None = None) -> tuple[int, str]:
        async with self.session.request(method, self.url, params=params, data=body) as response:
            return response.status, await response.text()

    async def post(self, xml: str | bytes) -> tuple[int, str]:
        """POST `xml` freshly signed (a retry gets a new timestamp and nonce, as WeChat's do)."""
        params, body = self.platform.post_params_and_body(xml, self.encrypted)
        return await self.raw("POST", params, body)

    async def send(self, xml: str) -> dict:
        """POST and read the passive reply; every reply must fit WeChat's 2048 bytes."""
        status, body = await self.post(xml)
        assert status == 200, body
        if self.encrypted and body != "success":
            assert "<Encrypt>" in body and "<Content>" not in body
        fields = self.platform.read_reply(body, self.encrypted)
        assert utf8_len(fields.get("Content", "")) <= WECHAT_LIMIT
        return fields

    async def ask(self, content: str, user: str = "o_citizen", msg_id: int | None = None) -> str:
        xml = self.platform.text_message_xml(user, content, msg_id or next(msg_ids))
        fields = await self.send(xml)
        if fields:
            assert fields["MsgType"] == "text"
            assert (fields["ToUserName"], fields["FromUserName"]) == (user, "gh_test")
        return fields.get("Content", "")


@pytest.fixture
def querylog(tmp_path):
    log = QueryLog(tmp_path / "querylog.db")
    yield log
    log.close()


@pytest.fixture
def assistant(tiny_kb, querylog):
    return Assistant(tiny_kb, querylog)


@pytest.fixture
def long_assistant(tmp_path, querylog):
    folder = tmp_path / "long"
    folder.mkdir()
    signature = "江城市人民政府办公室\n2023年3月1日"
    notice = TINY_NOTICE.replace(signature, MORE_ITEMS + signature)
    (folder / "long.txt").write_text(notice, encoding="utf-8")
    return Assistant(KnowledgeBase(tmp_path / "long.db", folder), querylog)


def logged(assistant: Assistant) -> int:
    return assistant.log.stats().questions


@pytest.fixture(params=["plain", "aes"])
def encrypted(request) -> bool:
    return request.param == "aes"


@pytest.fixture
def platform(encrypted) -> WeChatPlatform:
    return WeChatPlatform(TOKEN, WeChatPlatform.random_aes_key() if encrypted else None, DEFAULT_APP_ID)


def server_settings(platform: WeChatPlatform) -> Settings:
    if platform.aes_key:
        return make_settings(WECHAT_AES_KEY=platform.aes_key, WECHAT_APP_ID=platform.app_id)
    return make_settings()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


async def started(platform, encrypted, assistant, session):
    """The endpoint as the entry point starts it, on 127.0.0.1 and a free port."""
    runner = await start_wechat(server_settings(platform), assistant)
    host, port = runner.addresses[0][:2]
    return runner, Client(session, f"http://{host}:{port}{PATH}", platform, encrypted)


@pytest.fixture
async def wechat(platform, encrypted, assistant, session):
    runner, client = await started(platform, encrypted, assistant, session)
    yield client
    await stop_wechat(runner)


@pytest.fixture
async def long_wechat(platform, encrypted, long_assistant, session):
    runner, client = await started(platform, encrypted, long_assistant, session)
    yield client
    await stop_wechat(runner)


async def serve(app: web.Application, session, platform, encrypted):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, Client(session, f"http://{host}:{port}{PATH}", platform, encrypted)


# --- URL verification -------------------------------------------------------------------------------


async def test_url_verification_echoes_echostr(wechat):
    # Plain in safe mode too: the console's GET carries no msg_signature.
    status, body = await wechat.raw("GET", wechat.platform.verify_params("7086893424791372345"))
    assert (status, body) == (200, "7086893424791372345")


@pytest.mark.parametrize("tamper", ["signature", "timestamp", "nonce", "missing"])
async def test_url_verification_refuses_a_wrong_signature(wechat, tamper):
    params = wechat.platform.verify_params("echo")
    if tamper == "missing":
        del params["signature"]
    else:
        params[tamper] = params[tamper][:-1] + ("1" if params[tamper][-1] != "1" else "2")
    status, body = await wechat.raw("GET", params)
    assert status == 403 and "echo" not in body


# --- questions --------------------------------------------------------------------------------------


async def test_question_answered_with_units_and_doc_no(wechat, assistant):
    content = await wechat.ask(QUESTION)
    lines = content.split("\n")
    assert lines[0] == "【推广电子社保卡】"
    assert any("医保余额" in line for line in lines[1:])
    assert "牵头单位：市人社局" in lines
    assert "责任单位：市医保局" in lines
    assert "《江城市便民服务提升方案》江政办发〔2023〕14号" in content
    assert lines[-1] == texts.WECHAT_FOLLOW_UP
    assert logged(assistant) == 1


async def test_question_not_covered_points_to_hotline(wechat):
    content = await wechat.ask("公积金怎么提取")
    assert "公积金怎么提取" in content and "12345" in content


async def test_user_text_cannot_break_out_of_cdata(wechat):
    question = "]]></Content><MsgType><![CDATA[image]]></MsgType><Content><![CDATA[公积金"
    status, body = await wechat.post(wechat.platform.text_message_xml("o_citizen", question, next(msg_ids)))
    fields = wechat.platform.read_reply(body, wechat.encrypted)
    assert status == 200 and fields["MsgType"] == "text"
    assert question[:40] in fields["Content"]


async def test_safe_mode_refuses_plain_messages(assistant, session):
    """With a key configured only encrypted bodies count: a plain body is signed by nothing but a
    replayable URL signature, so a leaked URL could otherwise post as anyone."""
    platform = WeChatPlatform(TOKEN, WeChatPlatform.random_aes_key(), DEFAULT_APP_ID)
    runner = await start_wechat(server_settings(platform), assistant)
    host, port = runner.addresses[0][:2]
    try:
        params, body = platform.post_params_and_body(platform.text_message_xml("o1", QUESTION, 1), False)
        async with session.post(f"http://{host}:{port}{PATH}", params=params, data=body) as response:
            assert response.status == 403
        assert assistant.log.stats().questions == 0
    finally:
        await stop_wechat(runner)


# --- replays: a signed request is fresh and used once --------------------------------------------------


@pytest.mark.parametrize("skew", [-301, 301, -86400])
async def test_stale_or_future_request_refused(wechat, assistant, skew):
    """A request signed minutes ago (or ahead) is refused: a captured one cannot be replayed later."""
    stamp = str(int(time.time()) + skew)
    xml = wechat.platform.text_message_xml("o_citizen", QUESTION, next(msg_ids))
    params, body = wechat.platform.post_params_and_body(xml, wechat.encrypted, timestamp=stamp)
    assert (await wechat.raw("POST", params, body))[0] == 403
    verify = wechat.platform.verify_params("echo", timestamp=stamp)
    status, text = await wechat.raw("GET", verify)
    assert status == 403 and "echo" not in text
    assert logged(assistant) == 0


async def test_the_same_signed_request_again_is_a_retry_answered_once(wechat, assistant):
    """WeChat resends a message it got no answer to, word for word: the same reply, one log row. Under
    the same (timestamp, nonce), another message or another echostr is refused."""
    xml = wechat.platform.text_message_xml("o_victim", QUESTION, next(msg_ids))
    params, body = wechat.platform.post_params_and_body(xml, wechat.encrypted)
    first, again = await wechat.raw("POST", params, body), await wechat.raw("POST", params, body)
    assert first[0] == again[0] == 200
    if not wechat.encrypted:  # an encrypted reply differs each time (fresh nonce); plain ones are equal
        assert first[1] == again[1]
    other = wechat.platform.text_message_xml("o_victim", "更多", next(msg_ids))
    assert (await wechat.raw("POST", params, other.encode()))[0] == 403
    verify = wechat.platform.verify_params("echo")
    assert (await wechat.raw("GET", verify))[0] == 200
    assert (await wechat.raw("GET", verify))[0] == 200
    assert (await wechat.raw("GET", {**verify, "echostr": "other"}))[0] == 403
    assert logged(assistant) == 1


async def test_captured_url_cannot_carry_a_forged_body(assistant, session):
    """Plain mode signs only the URL: a captured URL reused with another body must not post as the
    victim (their rate limit, their 「更多」)."""
    platform = WeChatPlatform(TOKEN)
    runner, client = await serve(build_wechat_app(make_settings(), assistant), session, platform, False)
    try:
        params, body = platform.post_params_and_body(platform.text_message_xml("o_victim", "图书馆几点关门", 1), False)
        assert (await client.raw("POST", params, body))[0] == 200
        forged = platform.text_message_xml("o_victim", "更多", 2).encode()
        status, text = await client.raw("POST", params, forged)
        assert status == 403 and "图书馆" not in text
        assert logged(assistant) == 1
    finally:
        await runner.cleanup()


# --- refused requests: nothing processed, nothing logged ---------------------------------------------


async def test_wrong_signature_refused_and_nothing_processed(wechat, assistant):
    msg_id = next(msg_ids)
    xml = wechat.platform.text_message_xml("o_citizen", QUESTION, msg_id)
    params, body = wechat.platform.post_params_and_body(xml, wechat.encrypted)
    assert (await wechat.raw("POST", {**params, "signature": "0" * 40}, body))[0] == 403
    if wechat.encrypted:
        assert (await wechat.raw("POST", {**params, "msg_signature": "0" * 40}, body))[0] == 403
        impostor = WeChatPlatform("other-token", wechat.platform.aes_key, DEFAULT_APP_ID)
        assert (await wechat.raw("POST", *impostor.post_params_and_body(xml, True)))[0] == 403
    assert logged(assistant) == 0
    # The refused MsgId was not remembered: the genuine message is answered afterwards.
    assert "市人社局" in await wechat.ask(QUESTION, msg_id=msg_id)
    assert logged(assistant) == 1


async def test_message_for_another_app_id_refused(assistant, session):
    ours = WeChatPlatform(TOKEN, WeChatPlatform.random_aes_key(), DEFAULT_APP_ID)
    theirs = WeChatPlatform(TOKEN, ours.aes_key, "wx_other_account")
    runner, client = await serve(build_wechat_app(server_settings(ours), assistant), session, theirs, True)
    try:
        status, _ = await client.post(theirs.text_message_xml("o_citizen", QUESTION, next(msg_ids)))
        assert status == 400 and logged(assistant) == 0
    finally:
        await runner.cleanup()


async def test_encrypted_message_to_a_plain_server_refused(assistant, session):
    platform = WeChatPlatform(TOKEN, WeChatPlatform.random_aes_key(), DEFAULT_APP_ID)
    runner, client = await serve(build_wechat_app(make_settings(), assistant), session, platform, True)
    try:
        status, _ = await client.post(platform.text_message_xml("o_citizen", QUESTION, next(msg_ids)))
        assert status == 400 and logged(assistant) == 0
    finally:
        await runner.cleanup()


async def test_xml_bomb_refused_and_not_expanded(wechat, assistant):
    status, body = await wechat.post(WeChatPlatform.billion_laughs_xml())
    assert status == 400 and "lol" not in body
    assert logged(assistant) == 0


async def test_xml_bomb_as_the_safe_mode_envelope_refused(assistant, session):
    """The envelope is read before anything is decrypted, so it is parsed as carefully."""
    platform = WeChatPlatform(TOKEN, WeChatPlatform.random_aes_key(), DEFAULT_APP_ID)
    app = build_wechat_app(server_settings(platform), assistant)
    runner, client = await serve(app, session, platform, True)
    try:
        params, _ = platform.post_params_and_body(platform.text_message_xml("o", "hi", 1), True)
        status, _ = await client.raw("POST", params, WeChatPlatform.billion_laughs_xml().encode())
        assert status == 400 and logged(assistant) == 0
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("body", [b"not xml", b"<xml><Content>hi</Content></xml>", b"", "<xml>失业".encode()])
async def test_malformed_body_refused(wechat, assistant, body):
    status, _ = await wechat.post(body)
    assert status == 400 and logged(assistant) == 0


async def test_oversized_body_refused(wechat, assistant):
    status, _ = await wechat.post(wechat.platform.oversized_body(100_000))
    assert status == 413 and logged(assistant) == 0


async def test_oversized_chunked_body_refused(wechat, assistant):
    """No Content-Length to check up front: the read itself stops at the cap."""
    oversized = wechat.platform.oversized_body(100_000)
    params, body = wechat.platform.post_params_and_body(oversized, wechat.encrypted)

    async def chunks():
        for i in range(0, len(body), 8192):
            yield body[i:i + 8192]

    status, _ = await wechat.raw("POST", params, chunks())
    assert status == 413 and logged(assistant) == 0


HEAD = "<ToUserName><![CDATA[gh_test]]></ToUserName>"
MALFORMED = {
    "msg_id_not_a_number": HEAD + "<FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime>"
                           "<MsgType>text</MsgType><Content>hi</Content><MsgId>abc</MsgId>",
    "create_time_not_a_number": HEAD + "<FromUserName>o1</FromUserName><CreateTime>soon</CreateTime>"
                                "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>",
    "from_user_repeated": HEAD + "<FromUserName>o1</FromUserName><FromUserName>o2</FromUserName>"
                          "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>",
    "from_user_missing": HEAD + "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>hi</Content>"
                         "<MsgId>1</MsgId>",
    "nested_content": HEAD + "<FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime>"
                      "<MsgType>text</MsgType><Content><b>hi</b><b>again</b></Content><MsgId>1</MsgId>",
    "nested_msg_type": HEAD + "<FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType><a/></MsgType>",
    "nested_event": HEAD + "<FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>"
                    "<Event><a/></Event>",
    "empty_fields": "<ToUserName></ToUserName><FromUserName></FromUserName><CreateTime></CreateTime>"
                    "<MsgType>text</MsgType><Content></Content><MsgId></MsgId>",
    "huge_from_user": HEAD + "<FromUserName>" + "o" * 5000 + "</FromUserName><CreateTime>1</CreateTime>"
                      "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_malformed_but_signed_message_gets_400_and_one_log_line(wechat, assistant, caplog, case):
    caplog.set_level(logging.INFO)
    status, _ = await wechat.post(f"<xml>{MALFORMED[case]}</xml>")
    assert status == 400 and logged(assistant) == 0
    ours = [r for r in caplog.records if r.name == "handlers.wechat"]
    assert len(ours) == 1 and ours[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "市人社局" in await wechat.ask(QUESTION, user="o1")  # and the endpoint still answers


async def test_malformed_requests_never_get_a_500(wechat, assistant):
    platform = wechat.platform
    params, body = platform.post_params_and_body(platform.text_message_xml("o1", QUESTION, 1), wechat.encrypted)
    attempts = [
        ("POST", {**params, "encrypt_type": "aes", "msg_signature": "x"}, b"<xml><Encrypt>@@@</Encrypt></xml>"),
        ("POST", {**params, "nonce": "\u4e00" * 1000}, body),
        ("POST", {}, body),
        ("GET", {}, None),
        ("PUT", params, body),
        ("POST", params, b"\xff\xfe" * 100),
    ]
    for method, query, payload in attempts:
        status, _ = await wechat.raw(method, query, payload)
        assert 400 <= status < 500, (method, query)
    # Raw protocol garbage on the socket: aiohttp answers 400, the server lives on.
    host, port = wechat.url.split("//")[1].split("/")[0].split(":")
    for garbage in (b"GET /wechat?%ZZ%00 HTTP/1.1\r\nHost: x\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\r\n\r\n",
                    b"POST /wechat HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(garbage)
        status_line = await asyncio.wait_for(reader.readline(), 5)
        writer.close()
        assert status_line.split()[1].startswith(b"4"), status_line
    assert logged(assistant) == 0
    assert "市人社局" in await wechat.ask(QUESTION)


# --- WeChat's retries ---------------------------------------------------------------------------------


async def test_retry_gets_the_same_reply_and_is_logged_once(wechat, assistant):
    msg_id = next(msg_ids)
    first = await wechat.ask(QUESTION, msg_id=msg_id)
    again = await wechat.ask(QUESTION, msg_id=msg_id)
    assert first == again and "医保余额" in first
    assert logged(assistant) == 1


async def test_concurrent_retries_share_one_answer(wechat, assistant):
    msg_id = next(msg_ids)
    replies = await asyncio.gather(*(wechat.ask(QUESTION, msg_id=msg_id) for _ in range(4)))
    assert len(set(replies)) == 1 and "市人社局" in replies[0]
    assert logged(assistant) == 1


async def test_same_msg_id_from_another_user_is_another_message(wechat, assistant):
    msg_id = next(msg_ids)
    await wechat.ask(QUESTION, user="o_one", msg_id=msg_id)
    await wechat.ask(QUESTION, user="o_two", msg_id=msg_id)
    assert logged(assistant) == 2


async def test_deadline_gives_an_apology_and_a_retry_gets_the_answer(platform, encrypted, assistant, session):
    app = build_wechat_app(server_settings(platform), assistant, deadline=0)
    runner, client = await serve(app, session, platform, encrypted)
    try:
        msg_id = next(msg_ids)
        assert await client.ask(QUESTION, msg_id=msg_id) == texts.WECHAT_TIMEOUT
        for _ in range(100):  # the answer is still computed once, in the background
            if logged(assistant):
                break
            await asyncio.sleep(0.02)
        # A retry with a budget would now get the answer; here the task is done, so even 0 s suffices.
        assert "市人社局" in await client.ask(QUESTION, msg_id=msg_id)
        assert logged(assistant) == 1
    finally:
        await runner.cleanup()


# --- 「更多」, 「全文」, 「下一条」 -------------------------------------------------------------------


async def test_more_continues_a_long_answer(long_wechat, long_assistant):
    expected = render_wechat(long_assistant.kb.ask(LONG_QUESTION))
    assert expected.rest, "the long question no longer needs 「更多」; pick a longer one"
    first = await long_wechat.ask(LONG_QUESTION)
    assert first == expected.text and first.endswith(texts.MORE_HINT)
    parts = [await long_wechat.ask("更多") for _ in expected.rest]
    assert parts == list(expected.rest)
    assert not parts[-1].endswith(texts.MORE_HINT)
    assert await long_wechat.ask("更多。") == texts.NO_MORE
    assert logged(long_assistant) == 1  # 「更多」 is not a question


async def test_more_retry_repeats_the_part_instead_of_skipping_one(long_wechat):
    await long_wechat.ask(LONG_QUESTION)
    msg_id = next(msg_ids)
    first = await long_wechat.ask("更多", msg_id=msg_id)
    assert await long_wechat.ask("更多", msg_id=msg_id) == first
    assert await long_wechat.ask("更多") != first


async def test_notice_outline_continues_with_more(long_wechat):
    first = await long_wechat.ask("14号文")
    assert first.startswith("《江城市便民服务提升方案》") and first.endswith(texts.MORE_HINT)
    assert "保障措施" in await long_wechat.ask("更多")


async def test_full_clause_and_next_hit(long_wechat, long_assistant):
    answer = long_assistant.kb.ask("电子社保卡能做什么")
    await long_wechat.ask("电子社保卡能做什么")
    full = await long_wechat.ask("全文")
    assert answer.hits[0].clause.text in full and texts.WECHAT_FOLLOW_UP not in full
    second = await long_wechat.ask("下一条")
    assert second == render_wechat(answer, 1).text and answer.hits[1].clause.title in second
    for _ in range(len(answer.hits[:5]) - 2):
        await long_wechat.ask("下一条")
    assert await long_wechat.ask("下一条") == texts.NO_MORE
    assert logged(long_assistant) == 1


async def test_commands_without_a_question_first(wechat):
    for command in ("更多", "全文", "下一条"):
        assert await wechat.ask(command, user="o_new") == texts.EMPTY_QUESTION


async def test_each_user_has_their_own_continuation(long_wechat):
    await long_wechat.ask(LONG_QUESTION, user="o_long")
    await long_wechat.ask("有没有夜班公交", user="o_short")
    assert await long_wechat.ask("更多", user="o_short") == texts.NO_MORE
    assert await long_wechat.ask("更多", user="o_long") != texts.NO_MORE


# --- other messages and events ----------------------------------------------------------------------


async def test_image_message_gets_a_hint(wechat, assistant):
    fields = await wechat.send(wechat.platform.image_message_xml("o_citizen", "MEDIA_1", next(msg_ids)))
    assert fields["Content"] == texts.NON_TEXT
    assert logged(assistant) == 0


async def test_voice_without_recognition_gets_a_hint_and_with_it_an_answer(wechat, assistant):
    plain = await wechat.send(wechat.platform.voice_message_xml("o_citizen", "MEDIA_2", next(msg_ids)))
    assert plain["Content"] == texts.NON_TEXT
    heard = await wechat.send(wechat.platform.voice_message_xml(
        "o_citizen", "MEDIA_3", next(msg_ids), recognition=QUESTION + "。"))
    assert "市人社局" in heard["Content"] and logged(assistant) == 1


async def test_subscribe_gets_the_welcome_with_examples(wechat, assistant):
    fields = await wechat.send(wechat.platform.event_xml("o_newcomer", create_time=1700000001))
    assert fields["Content"] == texts.WELCOME and "失业金怎么领" in fields["Content"]
    assert fields["ToUserName"] == "o_newcomer"
    # Scanning a QR code to subscribe is a subscribe too; the retry of an event gets the same reply.
    scan = wechat.platform.event_xml("o_scan", event_key="qrscene_123", create_time=1700000002)
    assert (await wechat.send(scan))["Content"] == texts.WELCOME
    assert (await wechat.send(scan))["Content"] == texts.WELCOME
    assert logged(assistant) == 0


async def test_other_events_get_no_reply(wechat):
    status, body = await wechat.post(wechat.platform.event_xml("o_leaving", event="unsubscribe"))
    assert (status, body) == (200, "success")


@pytest.mark.parametrize("words", ["人工", "热线", "转人工！", "人工客服", "客服"])
async def test_human_or_hotline_gets_12345(wechat, assistant, words):
    assert await wechat.ask(words) == texts.HUMAN
    assert logged(assistant) == 0


async def test_rate_limit_warns_once_then_stays_silent(tiny_kb, querylog, session):
    platform = WeChatPlatform(TOKEN)
    limited = Assistant(tiny_kb, querylog, rate_limit=2)
    runner, client = await serve(build_wechat_app(make_settings(), limited), session, platform, False)
    try:
        answers = [await client.ask(QUESTION, user="o_fast") for _ in range(4)]
        assert "市人社局" in answers[0] and "市人社局" in answers[1]
        assert answers[2:] == [texts.SLOW_DOWN, ""]  # "" is WeChat's "success": nothing shown
        assert "市人社局" in await client.ask(QUESTION, user="o_calm")
        assert logged(limited) == 3
    finally:
        await runner.cleanup()


async def test_logs_keep_no_openid(wechat, caplog):
    caplog.set_level(logging.DEBUG)
    await wechat.ask(QUESTION, user="o_private_openid")
    await wechat.post(WeChatPlatform.billion_laughs_xml())
    assert "o_private_openid" not in caplog.text and "o_attacker" not in caplog.text


# --- settings and helpers ---------------------------------------------------------------------------


def test_settings_are_checked(assistant):
    with pytest.raises(ValueError, match="WECHAT_TOKEN"):
        build_wechat_app(make_settings(WECHAT_TOKEN=""), assistant)
    with pytest.raises(ValueError, match="WECHAT_APP_ID"):
        build_wechat_app(make_settings(WECHAT_AES_KEY=WeChatPlatform.random_aes_key()), assistant)
    with pytest.raises(ValueError, match="WECHAT_AES_KEY"):
        build_wechat_app(make_settings(WECHAT_AES_KEY="too-short", WECHAT_APP_ID=DEFAULT_APP_ID), assistant)


def test_compact_reads_commands_loosely():
    assert compact(" 更 多。") == compact("更多！") == compact("更多") == "更多"
    assert compact("ＭＯＲＥ") == "more"
