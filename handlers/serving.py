"""Limits for every aiohttp server the bot runs: a slow or idle client cannot hold a connection
for long, and no number of them can use up the process's file descriptors.

- headers: a connection that has not sent a whole request within IDLE_TIMEOUT is closed (aiohttp's
  keep-alive timer runs from the moment a connection opens, partial headers or not); the same timer
  closes a kept-alive connection idle that long;
- body: `read_body` gives up after BODY_TIMEOUT with 408;
- connections: at most MAX_CONNECTIONS open at once (keep it well under `ulimit -n`). When a new one
  arrives at the limit, the oldest connection that is not handling a request (half-sent headers, or
  idle) is closed to make room; when every connection is busy, the new one is closed instead. So a
  flood of slow clients cannot keep a genuine request, which sends its headers at once, out.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 15.0  # seconds to send a request's headers, or between requests on one connection
BODY_TIMEOUT = 10.0  # seconds to send a request's body once its headers are in
MAX_CONNECTIONS = 256  # open at once, per server
MAX_LINE, MAX_FIELD, MAX_HEADERS = 8190, 8190, 64  # request line, one header, header count


def runner_options(idle_timeout: float = IDLE_TIMEOUT) -> dict:
    """Keyword arguments for web.AppRunner that bound what one connection may hold."""
    return {"keepalive_timeout": idle_timeout, "max_line_size": MAX_LINE, "max_field_size": MAX_FIELD,
            "max_headers": MAX_HEADERS}


async def read_body(request: web.Request, timeout: float = BODY_TIMEOUT) -> bytes:
    """The request's body, or 408 when it does not arrive within `timeout` seconds."""
    try:
        return await asyncio.wait_for(request.read(), timeout)
    except asyncio.TimeoutError:
        log.info("a request body did not arrive within %.0f s", timeout)
        raise web.HTTPRequestTimeout(text="body too slow") from None


class Refused(asyncio.Protocol):
    """A connection over the limit: closed as soon as it is accepted, nothing read."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.abort()


BUSY = web.AppKey("busy", set)  # the connections (request handlers) handling a request right now


@web.middleware
async def mark_busy(request: web.Request, handler):
    """Marks a connection as handling a request, so that it is never the one closed to make room."""
    busy = request.app[BUSY]
    busy.add(request.protocol)
    try:
        return await handler(request)
    finally:
        busy.discard(request.protocol)


def limit_connections(app: web.Application) -> None:
    """Lets LimitedSite tell busy connections from idle ones; call before the app starts."""
    app[BUSY] = set()
    app.middlewares.insert(0, mark_busy)


class LimitedSite(web.TCPSite):
    """A TCPSite that keeps at most `max_connections` connections open at once."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, max_connections: int = MAX_CONNECTIONS):
        super().__init__(runner, host, port)
        self.max_connections = max_connections
        self.closed_for_room = self.refused = 0
        self._closing: set = set()  # closed to make room, not yet gone (handlers take no weak references)

    def admit(self):
        """The protocol for a new connection: aiohttp's handler, after making room if need be."""
        try:
            return self._admit()
        except Exception:  # asyncio would drop the connection and log a traceback for each one
            log.exception("connection limit failed; accepting the connection")
            return self._runner.server()

    def _admit(self):
        server = self._runner.server
        self._closing &= set(server.connections)
        connections = [c for c in server.connections if c not in self._closing]
        if len(connections) >= self.max_connections:
            busy = self._runner.app[BUSY]
            idle = next((c for c in connections if c not in busy), None)  # oldest first
            if idle is None:
                self.refused += 1
                log.warning("all %d connections busy: refused a new one", self.max_connections)
                return Refused()
            self.closed_for_room += 1
            log.warning("%d connections open: closed the oldest idle one", self.max_connections)
            self._closing.add(idle)
            idle.force_close()
        return server()

    async def start(self) -> None:
        # TCPSite.start, with `admit` in place of the runner's server as the protocol factory.
        self._runner._reg_site(self)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self.admit, self._host, self._port, backlog=self._backlog,
                                                reuse_address=self._reuse_address)
        if self._server.sockets:
            self._bound_port = self._server.sockets[0].getsockname()[1]


async def start_site(app: web.Application, host: str, port: int, max_connections: int = MAX_CONNECTIONS,
                     **runner_kwargs) -> web.AppRunner:
    """Serve `app` on host:port with the limits above; stop with `runner.cleanup()`."""
    limit_connections(app)
    runner = web.AppRunner(app, **{**runner_options(), **runner_kwargs})
    await runner.setup()
    await LimitedSite(runner, host, port, max_connections).start()
    return runner
