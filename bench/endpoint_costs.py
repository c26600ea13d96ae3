"""CPU time per endpoint of one complete code flow, measured in process: no sockets, no HTTP server.

    VNEID_DATABASE_URL=sqlite:////tmp/p/db.sqlite3 VNEID_KEYS_DIR=/tmp/p/keys \\
    VNEID_ISSUER=http://127.0.0.1:8766 VNEID_LOGIN_RATE_PER_IP=1000000 VNEID_LOGIN_RATE_PER_ACCOUNT=1000000 \\
        taskset -c 0 .venv/bin/python -m bench.endpoint_costs --flows 2000

The database must be seeded first (``vneid-mock population seed``). The flows of ``bench.oidc_flows``
(``flow_vneid``, the same 5 requests) run one after another against the ASGI application itself, and the
process's CPU clock is read around each call of the application, so the figures are the application's
own work per request (FastAPI, Starlette, Authlib, SQLAlchemy and ours) without uvicorn's HTTP parsing,
the socket writes or the load generator. Repeatable to a few per cent on a quiet core, unlike flows per
second over loopback on a shared host: the tool for comparing two versions of the code. The difference
between its total and the CPU per flow that ``bench.oidc_flows`` reports is the HTTP server's and the
kernel's share.
"""

import argparse
import asyncio
import base64
import gc
import re
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

from joserfc.jwk import KeySet
from starlette.types import ASGIApp
from starlette.types import Message

from bench.oidc_flows import PERSONA_PINS
from bench.oidc_flows import Reply
from bench.oidc_flows import Tally
from bench.oidc_flows import flow_vneid
from bench.oidc_flows import update_jar
from idp.settings import IdPSettings
from idp.web.app import create_app

_INTERACTION = re.compile(r"/interaction/[^/]+")


def label(method: str, path: str) -> str:
    """The request's endpoint: its method and path with the interaction's id left out."""
    return f"{method} {_INTERACTION.sub('/interaction/{uid}', path)}"


class AsgiBrowser:
    """:class:`bench.oidc_flows.Browser` over direct calls of an ASGI application, timing each call."""

    def __init__(self, app: ASGIApp, issuer: str) -> None:
        self.app, self.origin = app, issuer
        self.jar: dict[str, str] = {}
        self.requests = 0
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.counts: defaultdict[str, int] = defaultdict(int)

    def clear_cookies(self) -> None:
        self.jar.clear()

    async def close(self) -> None:
        return None

    async def get(self, url: str, params: dict[str, str] | None = None,
                  bearer: str | None = None) -> Reply:  # fmt: skip
        headers = [(b"authorization", f"Bearer {bearer}".encode())] if bearer else []
        return await self._call("GET", url, params, headers, b"")

    async def post(self, url: str, form: dict[str, str], params: dict[str, str] | None = None,
                   auth: tuple[str, str] | None = None) -> Reply:  # fmt: skip
        headers = [(b"content-type", b"application/x-www-form-urlencoded")]
        if auth:
            headers.append(
                (b"authorization", b"Basic " + base64.b64encode(":".join(auth).encode()))
            )
        return await self._call("POST", url, params, headers, urlencode(form).encode())

    async def _call(self, method: str, url: str, params: dict[str, str] | None,
                    headers: list[tuple[bytes, bytes]], body: bytes) -> Reply:  # fmt: skip
        parts = urlsplit(url)
        query = "&".join(q for q in (parts.query, urlencode(params or {})) if q)
        if self.jar:
            cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            headers.append((b"cookie", cookie.encode()))
        headers += [(b"host", parts.netloc.encode()), (b"content-length", b"%d" % len(body))]
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", parts.port or 80),
        }  # fmt: skip
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        started = time.process_time()
        await self.app(scope, receive, send)
        key = label(method, parts.path)
        self.cpu[key] += time.process_time() - started
        self.counts[key] += 1
        self.requests += 1
        return self._reply(url, sent)

    def _reply(self, url: str, sent: list[Message]) -> Reply:
        head = sent[0]
        headers = {k.decode().lower(): v.decode() for k, v in head["headers"]}
        cookies = [v.decode() for k, v in head["headers"] if k.lower() == b"set-cookie"]
        update_jar(self.jar, cookies)
        body = b"".join(m.get("body", b"") for m in sent[1:])
        return Reply(url, head["status"], headers, cookies, body)


async def run(flows: int, warm_up: int) -> AsgiBrowser:
    settings = IdPSettings()
    app = create_app(settings)
    server = app.state.oauth2_server
    keys = KeySet.import_key_set(server.keys.public_jwks)
    browser = AsgiBrowser(app, settings.issuer)
    tally = Tally()
    for _ in range(warm_up):
        browser.clear_cookies()
        await flow_vneid(browser, settings.issuer, keys, PERSONA_PINS[0], tally)
    browser.cpu.clear()
    browser.counts.clear()
    gc.freeze()  # as `vneid-mock serve` does after start-up
    for _ in range(flows):
        browser.clear_cookies()
        await flow_vneid(browser, settings.issuer, keys, PERSONA_PINS[0], tally)
    return browser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=2000)
    parser.add_argument("--warm-up", type=int, default=200)
    args = parser.parse_args()
    browser = asyncio.run(run(args.flows, args.warm_up))
    total = sum(browser.cpu.values())
    for key, seconds in sorted(browser.cpu.items(), key=lambda item: -item[1]):
        per_request = seconds / browser.counts[key] * 1e6
        print(
            f"{key:<40} {per_request:7.0f} µs a request  {seconds / args.flows * 1e6:7.0f} µs a flow"
        )
    print(f"{'complete flow':<40} {'':>20}  {total / args.flows * 1e6:7.0f} µs a flow")


if __name__ == "__main__":
    main()
