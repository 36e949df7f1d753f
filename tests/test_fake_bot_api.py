"""End-to-end checks of tests/fakes/bot_api.py against python-telegram-bot's real HTTP stack."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.bot_api import FakeBotApi

TOKEN = "123:ABC"
USER_ID = 4242


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Run ``app`` with long polling against the fake server; always shut it down."""
    await app.initialize()
    try:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


def build_app(api: FakeBotApi) -> Application:
    return ApplicationBuilder().token(TOKEN).base_url(api.base_url).base_file_url(api.base_file_url).build()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


@pytest.mark.asyncio
async def test_helpers_build_valid_updates(api: FakeBotApi) -> None:
    bot = Bot(TOKEN, base_url=api.base_url)
    api.send_text(USER_ID, "/start now", username="alice")
    api.send_text(USER_ID, "hi all", chat_id=-100, chat_type="supergroup")
    api.send_photo(USER_ID, caption="look")
    api.send_sticker(USER_ID)

    raw = api.pending_updates  # the exact JSON the fake will serve
    updates = [Update.de_json(u, bot) for u in raw]

    start = updates[0].message
    assert start.from_user.username == "alice"
    assert start.chat.type == "private" and start.chat.id == USER_ID
    assert start.parse_entities() == {start.entities[0]: "/start"}
    assert updates[1].effective_chat.type == "supergroup"
    assert updates[1].effective_chat.id == -100
    assert updates[2].message.photo[-1].width == 800
    assert updates[2].message.caption == "look"
    assert updates[3].message.sticker.emoji == "👍"
    assert [u.update_id for u in updates] == [1, 2, 3, 4]


@pytest.mark.asyncio
async def test_get_updates_respects_offset(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:  # initialize() calls getMe
        assert bot.username == "test_bot"
        first = api.send_text(USER_ID, "one")
        second = api.send_text(USER_ID, "two")

        got = await bot.get_updates(timeout=0)
        assert [u.update_id for u in got] == [first, second]
        got = await bot.get_updates(offset=second, timeout=0)
        assert [u.update_id for u in got] == [second]
        # Acknowledged everything: the (capped) long poll returns empty.
        assert await bot.get_updates(offset=second + 1, timeout=5) == ()

        params = api.calls("getUpdates")[-1].params
        assert params["offset"] == second + 1 and params["timeout"] == 5


@pytest.mark.asyncio
async def test_echo_round_trip(api: FakeBotApi) -> None:
    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    async with running(app):
        api.send_text(USER_ID, "hello 123")
        (call,) = await api.wait_for("sendMessage")

    assert call.params["chat_id"] == USER_ID
    assert call.params["text"] == "hello 123"  # free text is never JSON-decoded
    # PTB's startup sequence went through the fake, too.
    assert [c.method for c in api.calls()][:2] == ["getMe", "deleteWebhook"]


@pytest.mark.asyncio
# PTB itself reads the deprecated int-valued RetryAfter.retry_after while building the error.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_reaches_error_handler_and_polling_continues(
    api: FakeBotApi,
) -> None:
    errors: list[Exception] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_error_handler(on_error)
    api.fail_next("sendMessage", 429, retry_after=1)

    async with running(app):
        api.send_text(USER_ID, "first")
        failed = await api.wait_for("sendMessage", include_failed=True)
        api.send_text(USER_ID, "second")
        (ok,) = await api.wait_for("sendMessage")

    assert failed[0].status == 429 and failed[0].params["text"] == "first"
    assert ok.params["text"] == "second"
    assert len(errors) == 1 and isinstance(errors[0], RetryAfter)
    assert "Retry in" in str(errors[0])


@pytest.mark.asyncio
async def test_forbidden_on_send(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        api.fail_next("sendMessage", 403)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER_ID, "hi")
        await bot.send_message(USER_ID, "again")  # the failure was used up
    assert [c.status for c in api.calls("sendMessage", include_failed=True)] == [403, 200]


@pytest.mark.asyncio
async def test_callback_query_round_trip(api: FakeBotApi) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = [[InlineKeyboardButton("Yes", callback_data="yes")]]
        await update.message.reply_text("Sure?", reply_markup=InlineKeyboardMarkup(keyboard))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("noted")
        await query.edit_message_text(f"You chose {query.data}")

    app = build_app(api)
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(pressed))

    async with running(app):
        api.send_text(USER_ID, "/menu")
        (sent,) = await api.wait_for("sendMessage")
        markup = sent.params["reply_markup"]  # decoded from the JSON form field
        assert markup["inline_keyboard"][0][0]["callback_data"] == "yes"

        message_id = sent.result["message_id"]
        api.press_button(USER_ID, "yes", message_id)
        (answer,) = await api.wait_for("answerCallbackQuery")
        (edit,) = await api.wait_for("editMessageText")

    assert answer.params["text"] == "noted"
    assert edit.params["chat_id"] == USER_ID
    assert edit.params["message_id"] == message_id
    assert edit.params["text"] == "You chose yes"
