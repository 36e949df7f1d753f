"""The staff web console (hotline staff and admins), served beside the chat channels when BOT_WEB_PORT is set."""

from __future__ import annotations

import logging

from aiohttp import web

log = logging.getLogger(__name__)


async def start_web(settings, assistant) -> web.AppRunner:
    """Serve the console on BOT_WEB_HOST:BOT_WEB_PORT in the running event loop; stop with `stop_web`."""
    from handlers.web.app import build_web_app
    from knowledge.accounts import ConsoleStore

    store = ConsoleStore(settings.console_db_path)
    from handlers.serving import start_site

    # Slow or idle connections are cut off and their number is bounded, as on every server we run.
    runner = await start_site(build_web_app(settings, assistant, store), settings.get("BOT_WEB_HOST"),
                              settings.int("BOT_WEB_PORT"), access_log=None)
    urls = ", ".join(f"http://{address[0]}:{address[1]}/" for address in runner.addresses)
    log.info("web console: listening on %s (accounts: python -m bot user add NAME)", urls)
    if not store.accounts():
        log.warning("web console: no accounts yet; add one with: python -m bot user add NAME --role admin")
    return runner


async def stop_web(runner: web.AppRunner) -> None:
    from handlers.web.app import STORE

    store = runner.app[STORE]
    await runner.cleanup()
    store.close()
