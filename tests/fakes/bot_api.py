"""A fake Telegram Bot API server for end-to-end tests.

It speaks the real HTTP protocol, so python-telegram-bot (PTB) can talk to it
through its normal network stack::

    async with FakeBotApi() as api:
        app = (
            ApplicationBuilder()
            .token("123:ABC")
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.send_text(user_id=42, text="/start")
        (call,) = await api.wait_for("sendMessage")
        assert call.params["chat_id"] == 42

PTB joins URLs as ``base_url + token + "/" + method``, so ``base_url`` ends
with ``/bot``. Parameters arrive as form fields (or multipart when files are
uploaded); non-string values are JSON encoded by PTB and decoded here again.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.telegram_html import EntityError, visible_text

BOT_ID = 123
BOT_USERNAME = "test_bot"

# Parameters that carry free text: never JSON-decode them ("123" must stay a str).
_TEXT_PARAMS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "inline_message_id",
    "url",
    "name",
    "title",
    "description",
    "short_description",
    "query",
    "emoji",
    "language_code",
    "secret_token",
    "question",
    "business_connection_id",
}

_DEFAULT_ERRORS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# Long polls never block longer than this, whatever `timeout` the client asks for.
MAX_POLL_WAIT = 1.0

_file_ids = itertools.count(1)


@dataclass
class Call:
    """One request the bot made: method, decoded params, HTTP status and the ``result`` sent."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None

    @property
    def failed(self) -> bool:
        return self.status != 200


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class FakeBotApi:
    """In-process Bot API server. Use as ``async with FakeBotApi() as api:``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, check_text: bool = False) -> None:
        self.host = host
        self.port = port  # the real port once started
        # Refuse message texts Telegram would refuse (bad HTML, over 4096 characters) with a 400.
        self.check_text = check_text
        self.bot_user: dict[str, Any] = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Test Bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._updates: list[dict[str, Any]] = []
        self._calls: list[Call] = []
        self._failures: dict[str, _Failure] = {}
        self._chat_failures: dict[str, _Failure] = {}  # by chat id: every call naming that chat
        self._messages: dict[int, dict[str, Any]] = {}  # messages the bot sent, by id
        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._commands: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.base_file_url = ""

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        root = f"http://{self.host}:{self.port}"
        self.base_url = f"{root}/bot"
        self.base_file_url = f"{root}/file/bot"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # Wake any pending long poll so the server can shut down immediately.
        self._closing = True
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ test helpers

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update dict (an ``update_id`` is assigned if missing); returns its id."""
        if "update_id" in update:
            # Keep later automatic ids above any explicit one.
            self._update_ids = itertools.count(update["update_id"] + 1)
        else:
            update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update["update_id"]

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        *,
        mention: bool = False,
        reply_to: int | None = None,
    ) -> int:
        """A user writes ``text``; a leading "/command" gets a ``bot_command`` entity.

        ``mention=True`` adds a ``mention`` entity for each "@bot_username" in the text;
        ``reply_to`` makes it a reply to a message the bot sent (by its message_id).
        """
        content: dict[str, Any] = {"text": text}
        entities = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": len(command)})
        if mention:
            handle = "@" + self.bot_user["username"]
            start = text.find(handle)
            while start >= 0:
                offset = _utf16_len(text[:start])
                entities.append({"type": "mention", "offset": offset, "length": len(handle)})
                start = text.find(handle, start + len(handle))
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            if reply_to not in self._messages:
                raise LookupError(f"the bot never sent a message with message_id={reply_to}")
            content["reply_to_message"] = self._messages[reply_to]
        return self._queue_message(user_id, chat_id, chat_type, username, content)

    def send_voice(self, user_id: int, chat_id: int | None = None) -> int:
        """A user sends a voice note."""
        voice = _file(f"voice{next(_file_ids)}", duration=3, mime_type="audio/ogg", file_size=5000)
        return self._queue_message(user_id, chat_id, "private", None, {"voice": voice})

    def send_location(self, user_id: int, latitude: float = 30.2, longitude: float = 115.04) -> int:
        """A user shares a location (default: 黄石)."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._queue_message(user_id, None, "private", None, {"location": location})

    def send_photo(self, user_id: int, chat_id: int | None = None, caption: str | None = None) -> int:
        """A user sends a photo (two sizes, like Telegram does)."""
        n = next(_file_ids)
        content: dict[str, Any] = {
            "photo": [
                _file(f"photo{n}-s", width=90, height=60, file_size=1000),
                _file(f"photo{n}-m", width=800, height=533, file_size=50000),
            ]
        }
        if caption is not None:
            content["caption"] = caption
        return self._queue_message(user_id, chat_id, "private", None, content)

    def send_sticker(self, user_id: int, chat_id: int | None = None, emoji: str = "👍") -> int:
        """A user sends a regular static sticker."""
        sticker = _file(f"sticker{next(_file_ids)}", width=512, height=512, file_size=20000)
        sticker.update(type="regular", is_animated=False, is_video=False, emoji=emoji)
        return self._queue_message(user_id, chat_id, "private", None, {"sticker": sticker})

    def press_button(self, user_id: int, data: str, message_id: int) -> int:
        """A user presses an inline button with ``data`` under a message the bot sent."""
        message = self._messages.get(message_id)
        if message is None:
            raise LookupError(f"the bot never sent a message with message_id={message_id}")
        query = {
            "id": str(next(self._query_ids)),
            "from": self._user(user_id),
            "message": message,
            "chat_instance": f"instance-{message['chat']['id']}",
            "data": data,
        }
        return self.queue_update({"callback_query": query})

    def button_data(self, message_id: int, action: str) -> str:
        """The callback data of the button under a message whose data starts with ``action`` ("next"…)."""
        markup = self._messages[message_id].get("reply_markup") or {"inline_keyboard": []}
        for row in markup["inline_keyboard"]:
            for button in row:
                if button["callback_data"].split(":")[0] == action:
                    return button["callback_data"]
        raise LookupError(f"no {action!r} button under message {message_id}")

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet acknowledged by a getUpdates ``offset``."""
        return list(self._updates)

    def fail_next(
        self,
        method: str,
        status: int,
        retry_after: int | None = None,
        description: str | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with a Telegram-style error."""
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DEFAULT_ERRORS.get(status, f"Error {status}")
        self._failures[method.lower()] = _Failure(status, description, retry_after, count)

    def fail_chat(self, chat_id: int, status: int = 429, retry_after: int | None = None, count: int = 1) -> None:
        """Answer the next ``count`` calls naming ``chat_id`` (any method) with a Telegram-style error,
        as Telegram's per-chat flood limit does."""
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
        description = f"Too Many Requests: retry after {retry_after}" if status == 429 else f"Error {status}"
        self._chat_failures[str(chat_id)] = _Failure(status, description, retry_after, count)

    def calls(self, method: str | None = None, include_failed: bool = False) -> list[Call]:
        """Recorded calls, oldest first.

        Without ``method``, ``getUpdates`` polling is left out (ask for it by name).
        Calls answered with an error only show up with ``include_failed=True``.
        """
        result = [c for c in self._calls if include_failed or not c.failed]
        if method is None:
            return [c for c in result if c.method.lower() != "getupdates"]
        return [c for c in result if c.method.lower() == method.lower()]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5, include_failed: bool = False
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` were recorded; return them all.

        Raises AssertionError (listing what was recorded) on timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(found := self.calls(method, include_failed)) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [(c.method, c.status) for c in self.calls(include_failed=True)]
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, got {len(found)}; recorded: {seen}"
                )
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), remaining)
            except asyncio.TimeoutError:  # not the builtin on Python 3.10
                pass
        return found

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)

        chat = str(params.get("chat_id", ""))
        failures, key = (self._chat_failures, chat) if chat in self._chat_failures else (self._failures, method.lower())
        failure = failures.get(key)
        if failure is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                del failures[key]
            self._record(Call(method, params, failure.status))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(body, status=failure.status)

        problem = self._text_problem(method, params)
        if problem is not None:
            self._record(Call(method, params, 400))
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}
            return web.json_response(body, status=400)

        call = Call(method, params)
        if method.lower() == "getupdates":
            self._record(call)
            call.result = await self._get_updates(params)
        else:
            call.result = self._answer(method, params)
            self._record(call)
        return web.json_response({"ok": True, "result": call.result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        return web.Response(body=b"fake file: " + request.match_info["path"].encode())

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        if offset > 0:  # acknowledges every update below `offset`
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), MAX_POLL_WAIT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not self._updates and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except asyncio.TimeoutError:  # not the builtin on Python 3.10
                break
        return self._updates[:limit]

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        """The ``result`` for a successful call."""
        name = method.lower()
        if name == "getme":
            return self.bot_user
        if name == "deletewebhook":
            if params.get("drop_pending_updates"):
                self._updates.clear()
            return True
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        if name == "setmycommands":
            self._commands = list(params.get("commands") or [])
            return True
        if name == "deletemycommands":
            self._commands = []
            return True
        if name == "getmycommands":
            return self._commands
        if name == "getfile":
            file_id = str(params.get("file_id"))
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": 11,
                "file_path": f"files/{file_id}",
            }
        if name == "sendmediagroup":
            return [self._new_message(params, _media_content(m)) for m in params["media"]]
        if name == "copymessage":
            return {"message_id": next(self._message_ids)}
        if name.startswith("editmessage"):
            return self._edit_message(name, params)
        if (name.startswith("send") and name != "sendchataction") or name == "forwardmessage":
            return self._new_message(params, _content_for(name, params))
        return True  # answerCallbackQuery, sendChatAction, deleteMessage, setWebhook, ...

    # ------------------------------------------------------------------ internals

    def _text_problem(self, method: str, params: dict[str, Any]) -> str | None:
        """With ``check_text``: why Telegram would refuse this message text, else None."""
        if not self.check_text or method.lower() not in ("sendmessage", "editmessagetext"):
            return None
        try:
            visible_text(str(params.get("text", "")), params.get("parse_mode"))
        except EntityError as exc:
            return str(exc)
        return None

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._new_call.set()

    def _user(self, user_id: int, username: str | None = None) -> dict[str, Any]:
        user = self._users.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"},
        )
        if username:
            user["username"] = username
        return user

    def _chat(self, chat_id: Any, chat_type: str = "private") -> dict[str, Any]:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_type == "private":
            chat = {k: v for k, v in self._user(chat_id).items() if k in ("first_name", "username")}
            chat.update(id=chat_id, type="private")
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}
        self._chats[chat_id] = chat
        return chat

    def _queue_message(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        username: str | None,
        content: dict[str, Any],
    ) -> int:
        user = self._user(user_id, username)
        if chat_id is None:
            chat_id = user_id if chat_type == "private" else -user_id
        message = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": self._chat(chat_id, chat_type),
            "date": int(time.time()),
            **content,
        }
        return self.queue_update({"message": message})

    def _new_message(
        self, params: dict[str, Any], content: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str):  # "@channelusername"
            chat_type = "channel"
        else:
            chat_type = "private" if chat_id > 0 else "supergroup"
        message = {
            "message_id": message_id or next(self._message_ids),
            "from": self.bot_user,
            "chat": self._chat(chat_id, chat_type),
            "date": int(time.time()),
            **content,
        }
        _set_markup(message, params.get("reply_markup"))
        self._messages[message["message_id"]] = message
        return message

    def _edit_message(self, name: str, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._messages.get(params.get("message_id"))
        if message is None:  # not one of ours (e.g. a user message): make one up
            message = self._new_message(params, {}, params.get("message_id"))
        message = dict(message, edit_date=int(time.time()))
        if name == "editmessagetext":
            message["text"] = params.get("text", "")
        elif name == "editmessagecaption":
            message["caption"] = params.get("caption", "")
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        _set_markup(message, params.get("reply_markup"))
        self._messages[message["message_id"]] = message
        return message


# ---------------------------------------------------------------------- module helpers


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Decode parameters from the query string, form / multipart body, or a JSON body."""
    if request.content_type == "application/json":
        return dict(await request.json())
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        raw.update(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, web.FileField):
            params[key] = {
                "filename": value.filename,
                "content_type": value.content_type,
                "data": value.file.read(),
            }
        elif isinstance(value, str) and key not in _TEXT_PARAMS:
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value  # e.g. "@channel" or a file_id
        else:
            params[key] = value
    return params


def _utf16_len(text: str) -> int:
    """Entity offsets count UTF-16 code units, as Telegram does."""
    return len(text.encode("utf-16-le")) // 2


def _file(name: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": f"file-{name}", "file_unique_id": f"unique-{name}", **extra}


def _set_markup(message: dict[str, Any], markup: Any) -> None:
    # Only inline keyboards are attached to a Message object.
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _content_for(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Message fields for a send* call: text, caption and a stand-in for any media."""
    if name == "sendmessage":
        return {"text": params.get("text", "")}
    kind = name.removeprefix("send")  # "photo", "document", "sticker", ...
    content: dict[str, Any] = {}
    if "caption" in params:
        content["caption"] = params["caption"]
    if kind == "photo":
        content["photo"] = [_file(f"sent{next(_file_ids)}", width=800, height=600)]
    elif kind == "sticker":
        content["sticker"] = _file(
            f"sent{next(_file_ids)}",
            width=512,
            height=512,
            type="regular",
            is_animated=False,
            is_video=False,
        )
    elif kind == "document":
        content[kind] = _file(f"sent{next(_file_ids)}")
    elif kind in ("audio", "voice"):
        content[kind] = _file(f"sent{next(_file_ids)}", duration=1)
    elif kind == "video":
        content[kind] = _file(f"sent{next(_file_ids)}", width=640, height=360, duration=1)
    return content


def _media_content(media: dict[str, Any]) -> dict[str, Any]:
    """Message fields for one InputMedia item of sendMediaGroup."""
    return _content_for("send" + str(media.get("type", "document")), media)
