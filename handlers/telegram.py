"""Telegram: the python-telegram-bot Application and its callbacks (read Update, ask, send Reply).

`build_application(settings, assistant)` makes the Application; `start_telegram` / `stop_telegram`
run it inside an event loop the caller owns (long polling, or a webhook when TELEGRAM_WEBHOOK_URL
is set), so WeChat's aiohttp server can share the loop. Nothing here answers a question itself:
the Assistant answers, handlers/render.py decides how the answer looks.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from handlers import texts
from handlers.render import (
    Reply,
    escape,
    escaped_messages,
    render_help,
    render_reload_failure,
    render_reload_report,
    render_search_list,
    render_stats,
    render_telegram,
)
from handlers.serving import BODY_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS
from handlers.telegram_flood import ChatFloodLimiter
from knowledge.errors import KnowledgeBaseError

log = logging.getLogger(__name__)

CHANNEL = "telegram"
BOOTSTRAP_RETRIES = 3  # deleteWebhook / setWebhook at start-up, against a network blip
POLL_TIMEOUT = 10  # seconds a getUpdates long poll may wait
WEBHOOK_MAX_BODY = 1024 * 1024  # an update is a few KB
BUTTON_DATA = re.compile(r"^(?P<action>[a-z]+[1-9]?):(?P<view>\d+)$")  # "next:17", "pick2:17": on view 17

# --- configuration --------------------------------------------------------------------------------


def telegram_configured(settings) -> bool:
    """Telegram runs only with a token; without one nothing may reach for the network."""
    return bool(settings.get("TELEGRAM_BOT_TOKEN"))


def api_urls(base: str) -> tuple[str, str]:
    """TELEGRAM_BASE_URL (the server's root, e.g. http://localhost:8081) → (base_url, base_file_url).

    PTB appends the token to these, so they end in /bot and /file/bot; a value already ending in
    /bot (PTB's own convention) is accepted too.
    """
    root = base.strip().rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call; derived from the token, so no new setting."""
    return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()


def command_list(admin: bool = False) -> list[BotCommand]:
    """The commands set_my_commands shows; admins also see /reload and /stats."""
    commands = [
        BotCommand("start", texts.CMD_START),
        BotCommand("help", texts.CMD_HELP),
        BotCommand("search", texts.CMD_SEARCH),
        BotCommand("unit", texts.CMD_UNIT),
        BotCommand("doc", texts.CMD_DOC),
    ]
    if admin:
        commands += [BotCommand("reload", texts.CMD_RELOAD), BotCommand("stats", texts.CMD_STATS)]
    return commands


def build_application(settings, assistant) -> Application:
    """The Application for TELEGRAM_BOT_TOKEN, answering from `assistant`; not yet started."""
    token = settings.get("TELEGRAM_BOT_TOKEN")
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            allow_sending_without_reply=True,  # a deleted question must not swallow its answer
        ))
        .rate_limiter(ChatFloodLimiter())  # a 429 for one chat delays only that chat
        # Updates are handled side by side, so a /reload (seconds) or a send waiting out a 429
        # never holds up other people's questions.
        .concurrent_updates(True)
        .post_init(register_commands)
    )
    if settings.get("TELEGRAM_BASE_URL"):
        base_url, base_file_url = api_urls(settings.get("TELEGRAM_BASE_URL"))
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()
    application.bot_data["assistant"] = assistant
    application.bot_data["admin_ids"] = settings.admin_ids
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    # New messages only: an edited question would get a second answer to the same question.
    new = filters.UpdateType.MESSAGE
    # Commands first: "/search 失业金" is text too, and must not be answered as a question.
    for names, callback in (
        (("start", "help"), on_help), ("search", on_search), ("unit", on_unit), ("doc", on_doc),
        ("reload", on_reload), ("stats", on_stats),
    ):
        application.add_handler(CommandHandler(names, callback, filters=new))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, on_question))
    # Photos, stickers, voice, locations… in private chats; in groups only text addressed to us.
    application.add_handler(MessageHandler(
        new & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text
    ))
    # An unknown /command in a private chat gets the help rather than silence.
    application.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & filters.COMMAND, on_help))
    application.add_error_handler(on_error)


async def register_commands(application: Application) -> None:
    """post_init: the command menu, in Chinese; a failure is logged, never fatal."""
    bot = application.bot
    try:
        await bot.set_my_commands(command_list(), scope=BotCommandScopeDefault())
    except TelegramError as exc:
        log.warning("Could not register the Telegram commands: %s", exc)
    for admin_id in sorted(application.bot_data.get("admin_ids", ())):
        try:  # fails with "chat not found" until that admin has written to the bot
            await bot.set_my_commands(command_list(admin=True), scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            log.warning("Could not register the admin commands for %s: %s", admin_id, exc)


# --- running inside the caller's event loop ---------------------------------------------------------


async def start_telegram(application: Application, settings) -> None:
    """Initialize, register commands, start receiving updates (webhook or long polling) and handling them.

    The counterpart of PTB's run_polling/run_webhook without owning the event loop. If start-up
    fails, whatever was started is stopped again before the error propagates.
    """
    try:
        await application.initialize()
        if application.post_init:  # run_polling would call it; we replace run_polling
            await application.post_init(application)
        webhook_url = settings.get("TELEGRAM_WEBHOOK_URL")
        if webhook_url:
            await application.updater.start_webhook(
                listen=settings.get("TELEGRAM_WEBHOOK_LISTEN"),
                port=settings.int("TELEGRAM_WEBHOOK_PORT"),
                url_path=urlsplit(webhook_url).path.strip("/"),
                webhook_url=webhook_url,
                allowed_updates=Update.ALL_TYPES,
                secret_token=webhook_secret(settings.get("TELEGRAM_BOT_TOKEN")),
                bootstrap_retries=BOOTSTRAP_RETRIES,
            )
            limit_webhook_server(application)
        else:
            await application.updater.start_polling(
                timeout=POLL_TIMEOUT,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=BOOTSTRAP_RETRIES,
                error_callback=on_polling_error,
            )
        await application.start()
    except BaseException:
        await stop_telegram(application)
        raise


def limit_webhook_server(application: Application, idle_timeout: float = IDLE_TIMEOUT,
                         max_connections: int = MAX_CONNECTIONS) -> bool:
    """The webhook's tornado server, held to the limits of our other servers (handlers/serving.py).

    Tornado waits an hour for a request's headers and accepts any number of connections; PTB does
    not expose the server, so this reaches into it, and says so in the log when it cannot.
    """
    server = getattr(getattr(application.updater, "_httpd", None), "_http_server", None)
    params, connections = getattr(server, "conn_params", None), getattr(server, "_connections", None)
    if params is None or connections is None:
        log.warning("Telegram webhook: cannot set timeouts on this python-telegram-bot's server")
        return False
    params.header_timeout, params.body_timeout = idle_timeout, BODY_TIMEOUT
    params.max_body_size = WEBHOOK_MAX_BODY
    handle_stream = getattr(server.handle_stream, "unlimited", server.handle_stream)

    def limited(stream, address):
        if len(connections) >= max_connections:
            log.warning("Telegram webhook: %d connections open, refused one", max_connections)
            stream.close()
            return None
        return handle_stream(stream, address)

    limited.unlimited = handle_stream
    server.handle_stream = limited
    return True


async def stop_telegram(application: Application) -> None:
    """Stop receiving, finish the updates in hand, close the connections; safe to call twice.

    Sends waiting out a flood limit give up at once, so stopping takes seconds whatever is pending.
    """
    limiter = application.bot.rate_limiter
    if isinstance(limiter, ChatFloodLimiter):
        limiter.close()
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    # shutdown() skips an Application whose initialize() failed (a wrong token); close the bot's
    # connections anyway. A no-op when they are closed already.
    await application.bot.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def on_polling_error(error: TelegramError) -> None:
    """getUpdates failed (500, 403, network); the updater backs off and polls again."""
    log.warning("Telegram getUpdates failed, retrying: %s", error)


# --- callbacks ----------------------------------------------------------------------------------------


def assistant_of(context: ContextTypes.DEFAULT_TYPE):
    return context.bot_data["assistant"]


async def admit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The per-user incoming limit: True to go on; one SLOW_DOWN notice, then silence."""
    user = update.effective_user
    if user is None:  # channel posts and the like have no sender to answer
        return False
    verdict = assistant_of(context).allow(CHANNEL, user.id)
    if verdict == "warn":
        if update.callback_query:
            await update.callback_query.answer(texts.SLOW_DOWN)
        else:
            await update.effective_message.reply_text(escape(texts.SLOW_DOWN))
    return verdict == "ok"


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /help: what the bot can answer, example questions and the notices it holds."""
    if await admit(update, context):
        await say(update, render_help(assistant_of(context).notices()))


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question typed in a private chat, or addressed to the bot in a group."""
    question = question_text(update.effective_message, context.bot)
    if question is None or not await admit(update, context):
        return
    # Conversations are per chat: in a group, anyone may press the buttons under an answer.
    turn = await asyncio.to_thread(assistant_of(context).reply, CHANNEL, update.effective_chat.id, question)
    if turn.answer is None:
        await say(update, turn.text)
    else:
        await deliver(update.effective_message, render_telegram(turn.answer, turn.position, turn.full), turn.view,
                      quote=True)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await admit(update, context):
        await say(update, texts.NON_TEXT)


async def on_search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/search 问题: the top 5 as a compact list, for staff; not logged as a citizen's question."""
    if not await admit(update, context):
        return
    question = command_argument(update.effective_message)
    if not question:
        await say(update, texts.USAGE_SEARCH)
        return
    answer = await asyncio.to_thread(assistant_of(context).lookup, question)
    await update.effective_message.reply_text(render_search_list(answer))


async def on_unit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unit 单位: the clauses a unit leads or shares."""
    await look_up(update, context, texts.USAGE_UNIT, lambda assistant, name: assistant.unit(name))


async def on_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/doc 文号: a notice's outline."""
    await look_up(update, context, texts.USAGE_DOC, lambda assistant, reference: assistant.doc(reference))


async def look_up(update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str, find) -> None:
    """A staff lookup by the command's argument; the rendered answer says when nothing was found."""
    if not await admit(update, context):
        return
    argument = command_argument(update.effective_message)
    if not argument:
        await say(update, usage)
        return
    answer = find(assistant_of(context), argument)
    await deliver(update.effective_message, render_telegram(answer), 0, quote=True)


async def on_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): rebuild the knowledge base; questions are answered from the old one meanwhile."""
    if not await admin_admitted(update, context):
        return
    await say(update, texts.RELOAD_STARTED)
    try:
        report = await assistant_of(context).reload()
    except Exception as exc:  # a failed rebuild changed nothing; the admin needs to know why
        log.warning("Reload failed: %s", exc, exc_info=not isinstance(exc, KnowledgeBaseError))
        await say(update, render_reload_failure(exc))
        return
    await say(update, render_reload_report(report))


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [天数] (admins): questions, the unanswered share, feedback."""
    if not await admin_admitted(update, context):
        return
    days = re.fullmatch(r"[0-9]{1,5}", command_argument(update.effective_message))
    await say(update, render_stats(assistant_of(context).stats(int(days[0]) if days and int(days[0]) else None)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """完整条款, 下一条, 👍/👎, 本文件其他条款 under an answer."""
    query = update.callback_query
    if not await admit(update, context):
        return
    data = BUTTON_DATA.match(query.data or "")
    message = query.message
    if data is None or not isinstance(message, Message):  # a button from before an upgrade
        await query.answer(texts.EXPIRED)
        return
    action = data["action"]
    turn = assistant_of(context).act(CHANNEL, message.chat.id, int(data["view"]), action)
    if turn.answer is None:
        await query.answer(turn.text or None)
        return
    await query.answer()
    replies = render_telegram(turn.answer, turn.position, turn.full)
    if action == "doc" or action.startswith("pick"):  # a new answer below, the question stays
        await deliver(message, replies, turn.view, quote=False)
    else:
        await show(message, replies, turn.view)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log, and tell the user when it was our fault; never raise, so polling goes on."""
    error = context.error
    if isinstance(error, Forbidden):  # the user blocked the bot, or it was removed from a group
        log.info("Telegram refused a call: %s", error)
        return
    if isinstance(error, RetryAfter):  # still limited after ChatFloodLimiter's retries, or a long block
        log.warning("Telegram rate limit: %s", error)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):  # 5xx, timeouts
        log.warning("Telegram network error: %s", error)
        return
    log.error("Error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, escape(texts.ERROR))
        except TelegramError as exc:
            log.warning("Could not tell the user about the error: %s", exc)


# --- helpers --------------------------------------------------------------------------------------------


def question_text(message: Message, bot) -> str | None:
    """The question in a message; in groups only one that mentions or replies to the bot, mention removed."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    addressed = bool(replied and replied.from_user and replied.from_user.id == bot.id)
    mention = f"@{bot.username}".lower()
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lower() == mention:
            addressed = True
            text = text.replace(value, " ")
    return text.strip() if addressed else None


def command_argument(message: Message) -> str:
    """What follows the command, spacing kept ("/unit 市人社局" → "市人社局")."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    return update.effective_user.id in context.bot_data.get("admin_ids", ())


async def admin_admitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`admit`, and an admin: others are told the command is for admins."""
    if not await admit(update, context):
        return False
    if not is_admin(update, context):
        await say(update, texts.NOT_ADMIN)
        return False
    return True


def keyboard(buttons, view: int) -> InlineKeyboardMarkup | None:
    """Reply.buttons → inline keyboard; the callback data names the action and the answer it acts on."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{action}:{view}") for label, action in row] for row in buttons]
    )


async def say(update: Update, text: str) -> None:
    """A fixed or plain-text reply: escaped for HTML, split under the length limit."""
    for chunk in escaped_messages(text):
        await update.effective_message.reply_text(chunk)


async def show(message: Message, replies: list[Reply], view: int) -> None:
    """A button's result: edit the answer in place when it fits one message, else send it anew."""
    if len(replies) == 1:
        try:
            await message.edit_text(replies[0].text, reply_markup=keyboard(replies[0].buttons, view))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():  # a double tap asks for what is shown
                raise
        return
    await deliver(message, replies, view, quote=False)


async def deliver(anchor: Message, replies: list[Reply], view: int, quote: bool) -> Message:
    """Send in order to the anchor's chat (and topic); in groups the first one quotes the question."""
    sent = None
    for i, reply in enumerate(replies):
        markup = keyboard(reply.buttons, view)
        do_quote = None if quote and i == 0 else False  # None: PTB quotes in groups, not in private
        try:
            sent = await anchor.reply_text(reply.text, reply_markup=markup, do_quote=do_quote)
        except BadRequest as exc:
            if "can't parse entities" not in str(exc).lower():
                raise
            # Better plain text than silence: the citizen still gets the answer.
            log.error("Telegram rejected a reply's HTML (%s); sending it as plain text", exc)
            sent = await anchor.reply_text(plain_text(reply.text), parse_mode=None, reply_markup=markup,
                                           do_quote=do_quote)
    return sent


def plain_text(markup: str) -> str:
    """Our HTML without its tags, including a tag cut in half at either end of a split message."""
    text = re.sub(r"<[^<>]*>", "", markup)
    text = re.sub(r"^[^<>]*>", "", text)  # escaped text has no bare ">", so this is a tag's tail
    text = re.sub(r"<[^<>]*$", "", text)
    return html.unescape(text)
