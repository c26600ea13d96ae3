"""The test kit's own requests to a provider it started in this process: handed to the provider's ASGI
application directly (httpx's ``ASGITransport``), on an event loop of the calling thread, instead of
through a socket to the uvicorn thread.

The application is the one uvicorn serves to the application under test, so both see one provider
(its clock, scenarios, sessions, recorded requests). What is skipped is only the trip through the
loopback socket and uvicorn's HTTP parser, and the hand-overs of every request between the test's
thread, uvicorn's and a storage worker's (this loop does its storage work itself: it serves nobody
else): about half of a headless login's time. The kit's calls are serialised (one
loop, one lock), as a test makes them. Called from a thread whose event loop is running (an async
test), where a second loop cannot run, a request goes through the socket as any client's.
"""

import asyncio
import threading
from typing import Any

import httpx

from idp.web.blocking import serve_inline


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport over an ASGI application."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        serve_inline(self._loop)  # it serves the kit's calls, one at a time, and nothing else
        self._lock = threading.Lock()
        self._socket = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if _loop_running():
            return self._socket.handle_request(request)
        forwarded = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.read()
        )
        with self._lock:
            status, headers, content = self._loop.run_until_complete(self._send(forwarded))
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def _send(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        return response.status_code, response.headers, await response.aread()

    def close(self) -> None:
        self._socket.close()
        with self._lock:
            self._loop.close()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
