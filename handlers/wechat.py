"""WeChat Official Account (公众号) channel: the /wechat callback, signed, optionally AES-encrypted.

WeChat POSTs each message and waits 5 seconds for one passive reply of at most 2048 bytes; with no
reply it sends the same MsgId again, up to 3 times. So each message is answered once, under a
deadline; what does not fit waits in the user's conversation (handlers/conversation.py) for 「更多」.
"""

from __future__ import annotations

import asyncio
import logging
import time

import defusedxml.ElementTree as DET
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from cachetools import TTLCache
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from handlers import texts
from handlers.assistant import Assistant
from handlers.render import WECHAT_LIMIT, fit_wechat, render_wechat, utf8_len
from handlers.replay import MAX_AGE, ReplayGuard
from handlers.serving import BODY_TIMEOUT, read_body, start_site

log = logging.getLogger(__name__)

PATH = "/wechat"
MAX_BODY = 64 * 1024  # a WeChat message is a few KB at most; anything bigger is refused with 413
DEADLINE = 4.5  # seconds to reply in; WeChat gives up at 5 and retries
SEEN_MAX = 10_000  # MsgIds remembered; WeChat's retries come within ~15 s
SEEN_TTL = 2 * MAX_AGE + 1  # as long as a signed request may be replayed, so a retry is never answered twice
SUCCESS = "success"  # WeChat's "no reply": nothing is shown and nothing is retried

CHANNEL = "wechat"


class QuietAccessLogger(AbstractAccessLogger):
    """Method, path and status only: the query string carries the user's openid."""

    def log(self, request, response, time):
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


def make_crypto(settings) -> WeChatCrypto | None:
    """Safe mode's WeChatCrypto when WECHAT_AES_KEY is set, else None (plain mode)."""
    key, app_id = settings.get("WECHAT_AES_KEY"), settings.get("WECHAT_APP_ID")
    if not key:
        return None
    if not app_id:
        raise ValueError("WECHAT_APP_ID must be set when WECHAT_AES_KEY is (safe mode)")
    try:
        return WeChatCrypto(settings.get("WECHAT_TOKEN"), key, app_id)
    except Exception:  # wechatpy asserts on the decoded length, binascii on bad base64
        raise ValueError("WECHAT_AES_KEY must be the 43-character EncodingAESKey from the console") from None


def parse_xml(xml: str | bytes):
    """A wechatpy message from XML, refusing any DTD first: entities are never expanded.

    Raises ValueError for a message whose fields are not what WeChat sends (see `check_fields`).
    """
    DET.fromstring(xml, forbid_dtd=True)
    return check_fields(parse_message(xml))


def check_fields(msg):
    """The message, once every field we read has WeChat's shape.

    wechatpy converts lazily: a MsgId of 「abc」 raises only when read, a repeated FromUserName comes
    back as a list, nested tags as a dict. Reading each field here, inside the request's error
    handling, turns all of these into a 400 instead of a 500 later.
    """
    for name in ("source", "target", "type"):
        value = getattr(msg, name)
        if not isinstance(value, str) or not value or len(value) > 128:
            raise ValueError(f"{name} is not a short string")
    msg_id, created = msg.id, msg.time  # raise ValueError when not numeric
    if not isinstance(created, int) or not isinstance(msg_id, int):
        raise ValueError("CreateTime or MsgId missing")
    for name in ("content", "recognition", "event"):
        value = getattr(msg, name, None)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} is not text")
    return msg


def message_key(msg) -> tuple:
    """What WeChat keeps when it retries: FromUserName + MsgId, or + CreateTime for events."""
    if msg.type == "event" or not msg.id:
        return (msg.source, msg.time, msg.type, getattr(msg, "event", ""))
    return (msg.source, msg.id)


def cdata_safe(text: str) -> str:
    # wechatpy puts text in CDATA as is; a "]]>" typed by a user would end it and inject XML.
    return str(text).replace("]]>", "]]]]><![CDATA[>")


class WeChatEndpoint:
    """GET (URL verification) and POST (messages) on /wechat, and the per-user state behind them."""

    def __init__(self, settings, assistant: Assistant, deadline: float = DEADLINE):
        self.token = settings.get("WECHAT_TOKEN")
        if not self.token:
            raise ValueError("WECHAT_TOKEN must be set for the WeChat channel")
        self.crypto = make_crypto(settings)
        self.assistant = assistant
        self.deadline = deadline
        self.body_timeout = BODY_TIMEOUT
        self.seen: TTLCache = TTLCache(SEEN_MAX, SEEN_TTL)  # message key → task computing its reply text
        self.replays = ReplayGuard()

    def signed(self, query) -> bool:
        try:
            check_signature(self.token, query.get("signature", ""), query.get("timestamp", ""),
                            query.get("nonce", ""))
        except InvalidSignatureException:
            return False
        return True

    def refusal(self, query, request: bytes = b"") -> web.Response | None:
        """403 unless the URL is signed with our token, recent, and its (timestamp, nonce) has not come
        with another request (a replay); `request` is all the request carries besides the signature."""
        if not self.signed(query):
            return web.Response(status=403, text="invalid signature")
        verdict = self.replays.admit(query.get("timestamp", ""), query.get("nonce", ""), request)
        if verdict != "ok":
            log.info("WeChat: refused a %s request", verdict)
            return web.Response(status=403, text=f"{verdict} request")
        return None

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification when the URL is saved in the console: echo `echostr` (plain even in safe mode)."""
        refused = self.refusal(request.query, request.query_string.encode())
        if refused is not None:
            return refused
        if "echostr" not in request.query:
            return web.Response(status=400, text="missing echostr")
        return web.Response(text=request.query["echostr"])

    async def receive(self, request: web.Request) -> web.Response:
        """One message or event in, one passive reply (or "success") out, within the deadline."""
        started = time.monotonic()
        query = request.query
        if not self.signed(query) or not self.replays.fresh(query.get("timestamp", "")):
            return self.refusal(query)  # refused before a byte of the body is read
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="body too large")
        # 413 past client_max_size without a Content-Length; 408 when the body is too slow
        body = await read_body(request, self.body_timeout)
        refused = self.refusal(query, request.query_string.encode() + b"\n" + body)
        if refused is not None:
            return refused
        encrypted = query.get("encrypt_type", "raw") == "aes"
        if self.crypto is not None and not encrypted:
            # Safe mode signs the body; a plain request carries only a replayable URL signature.
            return web.Response(status=403, text="safe mode: encrypted messages only")
        try:
            msg = parse_xml(self.decrypt(body, query) if encrypted else body)
        except InvalidSignatureException:
            return web.Response(status=403, text="invalid msg_signature")
        except Exception as exc:  # DTD/entities, malformed XML, bad ciphertext, foreign AppID, no MsgType
            log.info("WeChat: refused a body: %s", type(exc).__name__)
            return web.Response(status=400, text="bad message")
        text = await self.reply_once(msg, started)
        return self.reply(msg, text, encrypted, query)

    def decrypt(self, body: bytes, query) -> str:
        if self.crypto is None:
            raise ValueError("encrypted message but WECHAT_AES_KEY is not set")
        envelope = DET.fromstring(body, forbid_dtd=True)
        encrypted = envelope.findtext("Encrypt")
        if not encrypted:
            raise ValueError("no Encrypt element")
        return self.crypto.decrypt_message({"Encrypt": encrypted}, query.get("msg_signature", ""),
                                           query.get("timestamp", ""), query.get("nonce", ""))

    async def reply_once(self, msg, started: float) -> str | None:
        """The reply text; a retry awaits the first delivery's, so a message is answered and logged once."""
        key = message_key(msg)
        task = self.seen.get(key)
        if task is None:
            task = asyncio.ensure_future(self.respond(msg))
            self.seen[key] = task
        else:
            log.info("WeChat: retry of a %s message, same reply", msg.type)
        budget = max(self.deadline - (time.monotonic() - started), 0)
        try:
            # shield: if this request gives up, the answer still finishes, for a retry and the user's state
            return await asyncio.wait_for(asyncio.shield(task), budget)
        except asyncio.TimeoutError:
            log.warning("WeChat: no reply within %.1f s", self.deadline)
            return texts.WECHAT_TIMEOUT

    def reply(self, msg, text: str | None, encrypted: bool, query) -> web.Response:
        if text is None:
            return web.Response(text=SUCCESS)
        if utf8_len(text) > WECHAT_LIMIT:  # render_wechat fits answers already; a guard for the rest
            text = fit_wechat(text).text
        xml = TextReply(source=cdata_safe(msg.target), target=cdata_safe(msg.source),
                        content=cdata_safe(text)).render()
        if encrypted:
            xml = self.crypto.encrypt_message(xml, query.get("nonce", ""), query.get("timestamp", ""))
        return web.Response(text=xml, content_type="application/xml")

    async def respond(self, msg) -> str | None:
        """What to say to one message; None says nothing."""
        try:
            if msg.type == "event":
                return texts.WELCOME if str(getattr(msg, "event", "")).startswith("subscribe") else None
            verdict = self.assistant.allow(CHANNEL, msg.source)
            if verdict != "ok":
                return texts.SLOW_DOWN if verdict == "warn" else None
            if msg.type == "text":
                return await self.answer_text(msg.source, msg.content or "")
            if msg.type == "voice" and getattr(msg, "recognition", None):  # speech recognition turned on
                return await self.answer_text(msg.source, msg.recognition)
            return texts.NON_TEXT
        except Exception:
            log.exception("WeChat: failed to answer a %s message", msg.type)
            return texts.ERROR

    async def answer_text(self, user: str, text: str) -> str:
        """A typed message: a question, or 更多/全文/下一条 acting on the user's last answer."""
        turn = await asyncio.to_thread(self.assistant.reply, CHANNEL, user, text)
        if turn.answer is None:
            return turn.text
        reply = render_wechat(turn.answer, turn.position, turn.full)
        if reply.rest:
            self.assistant.keep_rest(CHANNEL, user, turn.view, list(reply.rest))
        return reply.text


WECHAT = web.AppKey("wechat", WeChatEndpoint)


@web.middleware
async def refuse_failures(request: web.Request, handler):
    """Whatever a request makes fail is that request's fault: 400 and one line, never a 500 traceback.

    Answering errors are caught in `respond`; what reaches here came from reading the request.
    """
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        log.warning("WeChat: refused a request that could not be read (%s)", type(exc).__name__)
        return web.Response(status=400, text="bad request")


def build_wechat_app(settings, assistant: Assistant, deadline: float = DEADLINE) -> web.Application:
    """The aiohttp application serving GET and POST /wechat.

    :param settings: needs WECHAT_TOKEN; WECHAT_AES_KEY and WECHAT_APP_ID for safe mode
    :param deadline: seconds before a message gets an apology instead of its answer
    """
    endpoint = WeChatEndpoint(settings, assistant, deadline)
    app = web.Application(client_max_size=MAX_BODY, middlewares=[refuse_failures])
    app[WECHAT] = endpoint
    app.router.add_get(PATH, endpoint.verify)
    app.router.add_post(PATH, endpoint.receive)
    return app


async def start_wechat(settings, assistant: Assistant) -> web.AppRunner:
    """Serve /wechat on WECHAT_HOST:WECHAT_PORT in the running event loop; stop with `stop_wechat`."""
    app = build_wechat_app(settings, assistant)
    runner = await start_site(app, settings.get("WECHAT_HOST"), settings.int("WECHAT_PORT"),
                              access_log_class=QuietAccessLogger)
    mode = "safe (AES)" if settings.get("WECHAT_AES_KEY") else "plain"
    urls = ", ".join(f"http://{address[0]}:{address[1]}{PATH}" for address in runner.addresses)
    log.info("WeChat: listening on %s in %s mode", urls, mode)
    return runner


async def stop_wechat(runner: web.AppRunner) -> None:
    await runner.cleanup()
