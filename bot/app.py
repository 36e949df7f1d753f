"""Wiring: open the knowledge base and the query log, start the channels the settings enable.

With no channel configured, `python -m bot` is a console chat; nothing reaches for the network.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

from bot.config import SettingError
from bot.logfilter import rate_limit_logs
from handlers.assistant import Assistant
from knowledge.querylog import QueryLog

log = logging.getLogger(__name__)
WATCH_SECONDS = 5.0  # how often the knowledge base file (and, if watched, the notices) are checked
PURGE_SECONDS = 3600.0  # how often old query-log rows are purged


def open_assistant(settings, kb) -> Assistant:
    """The assistant every channel shares, with the query log purged to its retention period."""
    querylog = QueryLog(settings.log_db_path, settings.get("BOT_USER_HASH_KEY"),
                        settings.int("BOT_LOG_RETENTION_DAYS"))
    querylog.purge()
    return Assistant(kb, querylog, settings.int("BOT_RATE_LIMIT"), context_minutes=settings.int("BOT_CONTEXT_MINUTES"))


def run(settings, open_kb) -> None:
    """Run until interrupted. `open_kb` builds the knowledge base on first use."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    rate_limit_logs()  # a flood of one fault (bad requests, "too many open files") logs a few lines
    check_channels(settings)
    kb = open_kb()
    assistant = open_assistant(settings, kb)
    if not (settings.get("TELEGRAM_BOT_TOKEN") or settings.get("WECHAT_TOKEN") or settings.get("BOT_WEB_PORT")):
        from handlers.console import run_console

        run_console(assistant)
        return
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB warns on every 429 otherwise
    asyncio.run(serve(settings, assistant))


async def keep_current(assistant: Assistant, watch_sources: bool, every: float = WATCH_SECONDS) -> None:
    """Follow the knowledge base while running.

    - a knowledge base file rebuilt by `python -m bot reload` in another process is loaded;
    - with BOT_WATCH_KNOWLEDGE=1, a changed notice or lexicon file triggers a reload;
    - the query log is purged to its retention period once an hour.
    A failed reload leaves the live index serving.
    """
    from knowledge.errors import KnowledgeBaseError

    kb = assistant.kb
    sources = kb.sources_signature() if watch_sources else None
    last_purge = time.monotonic()
    while True:
        await asyncio.sleep(every)
        try:
            if await asyncio.to_thread(kb.refresh):
                log.info("loaded the knowledge base rebuilt by another process")
            if watch_sources:
                now = await asyncio.to_thread(kb.sources_signature)
                if now != sources:
                    sources = now
                    report = await assistant.reload()
                    log.info("knowledge reloaded: %d notices, %d clauses", len(report.notices), report.clauses)
            if assistant.log is not None and time.monotonic() - last_purge > PURGE_SECONDS:
                last_purge = time.monotonic()
                await asyncio.to_thread(assistant.log.purge)
        except KnowledgeBaseError as exc:
            log.warning("knowledge not reloaded, still serving the previous version: %s", exc)
        except Exception:  # never let the follower die: refreshes and the log purge depend on it
            log.exception("keeping the knowledge base current failed; trying again later")


def check_channels(settings) -> None:
    """Fail before starting anything when a channel's settings cannot work."""
    settings.admin_ids  # noqa: B018 - parses ADMIN_IDS, raising SettingError when malformed
    for name in ("WECHAT_PORT", "TELEGRAM_WEBHOOK_PORT", "BOT_RATE_LIMIT", "BOT_LOG_RETENTION_DAYS",
                 "BOT_PARSE_SECONDS"):
        settings.int(name)
    if settings.get("BOT_WEB_PORT"):
        for name in ("BOT_WEB_PORT", "BOT_WEB_IDLE_MINUTES", "BOT_WEB_LOGIN_ATTEMPTS", "BOT_WEB_LOCKOUT_MINUTES",
                     "BOT_WEB_UPLOAD_MB"):
            settings.int(name)
    if settings.get("WECHAT_TOKEN"):
        from handlers.wechat import make_crypto

        try:
            make_crypto(settings)
        except ValueError as exc:
            raise SettingError(str(exc)) from None


async def serve(settings, assistant: Assistant, watch_every: float = WATCH_SECONDS) -> None:
    """Run the configured channels in one event loop until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    telegram = wechat = web = None
    try:
        if settings.get("BOT_WEB_PORT"):
            from handlers.web import start_web

            web = await start_web(settings, assistant)
        if settings.get("WECHAT_TOKEN"):
            from handlers.wechat import start_wechat

            wechat = await start_wechat(settings, assistant)
        if settings.get("TELEGRAM_BOT_TOKEN"):
            from handlers.telegram import build_application, start_telegram

            telegram = build_application(settings, assistant)
            await start_telegram(telegram, settings)
            log.info("Telegram bot running")
        follower = asyncio.create_task(keep_current(assistant, settings.flag("BOT_WATCH_KNOWLEDGE"), watch_every))
        await stop.wait()
        follower.cancel()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if telegram is not None:
            from handlers.telegram import stop_telegram

            await stop_telegram(telegram)
        if wechat is not None:
            from handlers.wechat import stop_wechat

            await stop_wechat(wechat)
        if web is not None:
            from handlers.web import stop_web

            await stop_web(web)
        if assistant.log is not None:
            assistant.log.close()
