"""Slow and numerous connections against the WeChat server on 127.0.0.1: half-sent headers are cut
off, a flood of them cannot keep a genuine message out, a slow body gets 408, and log lines about
the same fault are rate-limited."""

from __future__ import annotations

import asyncio
import io
import logging

import aiohttp
import pytest

from bot.logfilter import RepeatFilter
from handlers.assistant import Assistant
from handlers.serving import start_site
from handlers.wechat import PATH, WECHAT, build_wechat_app
from tests.fakes.wechat_platform import WeChatPlatform
from tests.test_wechat import QUESTION, TOKEN, make_settings

HANG_GUARD = 30  # seconds; every wait below is bounded by it, so a regression fails instead of hanging
PARTIAL_HEADERS = b"POST /wechat?signature=x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@pytest.fixture
def assistant(tiny_kb):
    return Assistant(tiny_kb)


async def serve(assistant, **limits):
    app = build_wechat_app(make_settings(), assistant)
    runner = await start_site(app, "127.0.0.1", 0, **limits)
    host, port = runner.addresses[0][:2]
    return runner, app, host, port


async def half_open(host, port, count):
    """`count` connections that send part of their headers and then nothing."""
    connections = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(PARTIAL_HEADERS)
        connections.append((reader, writer))
    await asyncio.gather(*(writer.drain() for _, writer in connections))
    return connections


async def closed_by_server(reader) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), HANG_GUARD) == b""
    except ConnectionError:
        return True


async def genuine_message(host, port) -> tuple[int, str]:
    platform = WeChatPlatform(TOKEN)
    params, body = platform.post_params_and_body(platform.text_message_xml("o_citizen", QUESTION, 7), False)
    timeout = aiohttp.ClientTimeout(total=HANG_GUARD)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.post(f"http://{host}:{port}{PATH}", params=params, data=body) as response:
            return response.status, await response.text()


async def test_half_sent_headers_are_cut_off(assistant):
    runner, _, host, port = await serve(assistant, keepalive_timeout=0.5)
    try:
        connections = await half_open(host, port, 50)
        closed = await asyncio.gather(*(closed_by_server(reader) for reader, _ in connections))
        assert all(closed)
        assert runner.server.connections == []
    finally:
        await runner.cleanup()


async def test_a_flood_of_slow_connections_cannot_keep_a_message_out(assistant):
    """More half-open connections than the limit, none timing out during the test: the oldest idle
    ones are closed to make room, and the genuine message is answered."""
    runner, _, host, port = await serve(assistant, max_connections=20, keepalive_timeout=HANG_GUARD * 2)
    try:
        connections = await half_open(host, port, 100)
        await asyncio.sleep(0.2)  # let the server accept them all
        assert len(runner.server.connections) <= 20
        status, body = await genuine_message(host, port)
        assert status == 200 and "市人社局" in body
        assert len(runner.server.connections) <= 20
        for _, writer in connections:
            writer.close()
    finally:
        await runner.cleanup()


async def test_a_body_that_never_finishes_gets_408(assistant):
    runner, app, host, port = await serve(assistant)
    app[WECHAT].body_timeout = 0.5
    try:
        platform = WeChatPlatform(TOKEN)
        params, _ = platform.post_params_and_body("<xml/>", False)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"POST {PATH}?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<xml>".encode())
        status_line = await asyncio.wait_for(reader.readline(), HANG_GUARD)
        writer.close()
        assert status_line.split()[1] == b"408"
    finally:
        await runner.cleanup()


def test_repeated_log_lines_are_rate_limited():
    now = [0.0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RepeatFilter(burst=5, window=60, clock=lambda: now[0]))
    logger = logging.getLogger("tests.flood")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for _ in range(1000):
            try:
                raise OSError(24, "Too many open files")
            except OSError:
                logger.exception("accept failed")
        logger.warning("another fault")
        assert stream.getvalue().count("accept failed") == 5
        assert stream.getvalue().count("Traceback") == 5 and "another fault" in stream.getvalue()
        now[0] = 61
        logger.error("accept failed")
        assert "accept failed (995 more like this left out)" in stream.getvalue()
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
