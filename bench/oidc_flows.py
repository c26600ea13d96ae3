"""Complete OpenID Connect code flows (PKCE) per second against an issuer, and static documents per second.

    .venv/bin/python -m bench.oidc_flows flows --flows 400 --seconds 60
    .venv/bin/python -m bench.oidc_flows static --requests 20000 --seconds 20

Without ``--issuer`` the script starts our provider itself (``vneid-mock serve`` under ``taskset -c 0``) on a
fresh temporary SQLite database seeded with the personas and ``--population`` citizens, with keys in a
temporary folder, and pins itself to core 1. A flow against ours (``--provider vneid``):

    GET /authorize (answered with the login page of a new interaction) → POST /interaction/{uid}/login
    (PIN, password, CSRF; a 303 to the interaction's page) → GET /interaction/{uid} (the consent page)
    → POST …/consent (approve: 303 with the code) → POST /token (client_secret_basic, code_verifier)
    → GET /userinfo

``--provider node-oidc-provider`` and ``--provider oidc-provider-mock`` drive the peers started by
``bench/peers/setup.sh`` (pass ``--issuer`` and ``--pid``); their steps are in ``flow_node`` and
``flow_mock``. The ID token's signature is verified against the JWKS (fetched and loaded once) and its
``nonce`` and ``aud`` checked; userinfo's ``sub`` must match. Every loop stops at its count or its time
limit, whichever comes first. The report gives rates, requests per flow, percentiles and the CPU time per
flow or request of the server (for a known pid) and of this client process, both from /proc.

The driver (``--driver asyncio``, the default) is raw asyncio: ``--concurrency`` tasks on one event loop
(uvloop's when it is installed), each holding one keep-alive HTTP/1.1 connection
(``asyncio.open_connection``, reopened when the server closes it) and a cookie jar emptied at every flow.
Requests are written as bytes in one go; responses are parsed just enough: status line, headers (every
``Set-Cookie`` kept), ``Content-Length`` or chunked bodies. The jar keeps name=value pairs and ignores
paths and domains (everything is one loopback origin); an empty value or ``Max-Age`` ≤ 0 deletes a cookie,
which is how Starlette and koa clear them. Why not a general client: with threads and one httpx client each,
the load generator saturated its own core at 50–80 flows/s, far below what the peers serve, so it measured
itself. A flow costs the raw driver a fraction of that CPU (the report's "client CPU" line shows how much,
and the flow rate one client core could sustain at most). ``--driver httpx`` runs the same flow code
through ``httpx.AsyncClient``, as a cross-check of the raw parser, not for measuring. ``static`` mode sends
keep-alive GETs of the discovery document and the JWKS over the same connections.

``serve`` only starts ours as above, prints the server's pid and keeps it up until SIGTERM, for
``bench/paired.sh``, which drives it beside a peer.

Consent is remembered per citizen and client, so our flow sends ``prompt=consent``: every flow
then shows and answers the consent page, the work the peers' development interactions do every time
(fresh cookies mean a fresh session for them), and ticks the ``profile`` scope on it.
"""

import argparse
import asyncio
import base64
import hashlib
import importlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Protocol
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.clients import ACCESS_TOKEN_ALGORITHMS
from idp.settings import DEFAULT_CLIENTS_FILE

PORTAL_ID = "portal"
PORTAL_SECRET = "portal-sandbox-secret"
PORTAL_REDIRECT = "http://127.0.0.1:8001/callback"
PASSWORD = "Vneid@2025"
PERSONA_PINS = ["001088999001"]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_LOGIN_ACTION = re.compile(r'action="(/interaction/[^/"]+/login)"')
_MAX_AGE = re.compile(r"(?i)max-age\s*=\s*(-?\d+)")
_FLOW_TIMEOUT = 60.0
SANDBOX_TOKEN = "bench-sandbox-token"


@dataclass
class Tally:
    """What the workers measured (all on one event loop, so no lock)."""

    flows: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    token_ms: list[float] = field(default_factory=list)
    flow_ms: list[float] = field(default_factory=list)
    login_ms: list[float] = field(default_factory=list)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children), from /proc."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


# --- raw HTTP/1.1 over asyncio streams ------------------------------------------------------------


@dataclass(slots=True)
class Reply:
    """A response: lower-case header names (the last value wins), every ``Set-Cookie`` value, the body."""

    url: str
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


def _request(method: str, target: str, host: str, headers: str = "", body: bytes = b"") -> bytes:
    """One HTTP/1.1 request as bytes; ``headers`` are ready-made ``Name: value\\r\\n`` lines."""
    length = f"Content-Length: {len(body)}\r\n" if body or method == "POST" else ""
    return f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{headers}{length}\r\n".encode() + body


class Connection:
    """One keep-alive HTTP/1.1 connection to ``host:port``, (re)opened when needed."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.opened = 0
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def exchange(self, request: bytes, url: str = "") -> Reply:
        """Send ``request`` and read the response. A kept-alive connection the server has closed in the
        meantime (nothing comes back) is reopened and the request sent once more."""
        for retry in (False, True):
            reused = self._writer is not None
            if self._reader is None or self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
                self.opened += 1
            reader = self._reader
            try:
                self._writer.write(request)
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError) as error:
                    nothing = (
                        not isinstance(error, asyncio.IncompleteReadError) or not error.partial
                    )
                    if reused and nothing and not retry:
                        self.close()
                        continue
                    raise
                reply, keep = await self._rest(reader, head, url)
            except BaseException:
                self.close()
                raise
            if not keep:
                self.close()
            return reply
        raise AssertionError("unreachable")

    @staticmethod
    async def _rest(reader: asyncio.StreamReader, head: bytes, url: str) -> tuple[Reply, bool]:
        """Parse the head and read the body; the reply and whether the connection stays open."""
        lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(lines[0][9:12])
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.lower()
            if key == "set-cookie":
                cookies.append(value.strip())
            else:
                headers[key] = value.strip()
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (
            lines[0].startswith("HTTP/1.1") or "keep-alive" in connection
        )
        if status < 200 or status in (204, 304):
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
                chunks.append((await reader.readexactly(size + 2))[:-2])
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        else:
            body, keep = await reader.read(), False
        return Reply(url, status, headers, cookies, body), keep


# --- the two browsers the flows run on ----------------------------------------------------------


class Browser(Protocol):
    """What a flow needs from its HTTP client: no redirects followed, a cookie jar, a request count."""

    requests: int

    async def get(self, url: str, params: dict[str, str] | None = None,
                  bearer: str | None = None) -> Reply: ...  # fmt: skip

    async def post(self, url: str, form: dict[str, str], params: dict[str, str] | None = None,
                   auth: tuple[str, str] | None = None) -> Reply: ...  # fmt: skip

    def clear_cookies(self) -> None: ...

    async def close(self) -> None: ...


class RawBrowser:
    """The raw asyncio driver: one :class:`Connection` to the issuer and a name=value cookie jar."""

    def __init__(self, issuer: str) -> None:
        parts = urlsplit(issuer)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc
        self.connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        self.jar: dict[str, str] = {}
        self.requests = 0

    def clear_cookies(self) -> None:
        self.jar.clear()

    async def close(self) -> None:
        self.connection.close()

    async def get(self, url: str, params: dict[str, str] | None = None,
                  bearer: str | None = None) -> Reply:  # fmt: skip
        headers = f"Authorization: Bearer {bearer}\r\n" if bearer else ""
        return await self._send("GET", url, params, headers, b"")

    async def post(self, url: str, form: dict[str, str], params: dict[str, str] | None = None,
                   auth: tuple[str, str] | None = None) -> Reply:  # fmt: skip
        headers = "Content-Type: application/x-www-form-urlencoded\r\n"
        if auth:
            basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers += f"Authorization: Basic {basic}\r\n"
        return await self._send("POST", url, params, headers, urlencode(form).encode())

    async def _send(self, method: str, url: str, params: dict[str, str] | None, headers: str,
                    body: bytes) -> Reply:  # fmt: skip
        if url.startswith(self.origin):
            target = url[len(self.origin) :] or "/"
        elif url.startswith("/"):
            target = url
        else:
            raise AssertionError(f"{url} is not on {self.origin}")
        if params:
            target += ("&" if "?" in target else "?") + urlencode(params)
        if self.jar:
            headers += "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.jar.items()) + "\r\n"
        self.requests += 1
        reply = await self.connection.exchange(
            _request(method, target, self.host, headers, body), self.origin + target
        )
        update_jar(self.jar, reply.cookies)
        return reply


def update_jar(jar: dict[str, str], cookies: list[str]) -> None:
    """Apply a response's ``Set-Cookie`` values to a name=value jar (an empty value or ``Max-Age`` ≤ 0
    deletes)."""
    for cookie in cookies:
        pair, _, attributes = cookie.partition(";")
        name, _, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        age = _MAX_AGE.search(attributes)
        if not value or (age is not None and int(age.group(1)) <= 0):
            jar.pop(name, None)
        else:
            jar[name] = value


class HttpxBrowser:
    """The same interface over ``httpx.AsyncClient`` (a cross-check of the raw driver; slower)."""

    def __init__(self, issuer: str) -> None:
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=30)
        self.requests = 0

    def clear_cookies(self) -> None:
        self.client.cookies.clear()

    async def close(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, params: dict[str, str] | None = None,
                  bearer: str | None = None) -> Reply:  # fmt: skip
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else None
        self.requests += 1
        return self._reply(await self.client.get(url, params=params, headers=headers))

    async def post(self, url: str, form: dict[str, str], params: dict[str, str] | None = None,
                   auth: tuple[str, str] | None = None) -> Reply:  # fmt: skip
        self.requests += 1
        basic = httpx.BasicAuth(*auth) if auth else httpx.USE_CLIENT_DEFAULT
        response = await self.client.post(url, params=params, data=form, auth=basic)
        return self._reply(response)

    @staticmethod
    def _reply(response: httpx.Response) -> Reply:
        return Reply(str(response.url), response.status_code, dict(response.headers),
                     response.headers.get_list("set-cookie"), response.content)  # fmt: skip


BROWSERS: dict[str, Callable[[str], Browser]] = {"asyncio": RawBrowser, "httpx": HttpxBrowser}


# --- the flows -----------------------------------------------------------------------------------


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _start(verifier_challenge: tuple[str, str]) -> tuple[dict[str, str], str, str]:
    """The authorization request's parameters, with a fresh state and nonce: (params, state, nonce)."""
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = {
        "response_type": "code", "client_id": PORTAL_ID, "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid profile", "state": state, "nonce": nonce,
        "code_challenge": verifier_challenge[1], "code_challenge_method": "S256",
    }  # fmt: skip
    return params, state, nonce


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("no CSRF field in the page")
    return found.group(1)


def _login_action(html: str) -> str:
    found = _LOGIN_ACTION.search(html)
    if found is None:
        raise AssertionError("no login form in the page")
    return found.group(1)


def _expect(reply: Reply, status: int) -> Reply:
    if reply.status != status:
        raise AssertionError(f"{urlsplit(reply.url).path}: {reply.status} {reply.body[:200]!r}")
    return reply


def _at(base: str, reply: Reply) -> str:
    """The reply's ``Location``, made absolute against ``base``."""
    return urljoin(base, reply.headers["location"])


async def _finish(
    client: Browser, token_url: str, userinfo_url: str, location: str,
    expected: tuple[str, str, str], keys: KeySet,
) -> float:  # fmt: skip
    """From the redirect with the code: token request, ID token check, userinfo; the token request's ms.

    ``expected`` is (state, nonce, code_verifier) of the flow.
    """
    state, nonce, verifier = expected
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    if query.get("state") != state or "code" not in query:
        raise AssertionError(f"bad redirect {location}")
    body = {"grant_type": "authorization_code", "code": query["code"],
            "redirect_uri": PORTAL_REDIRECT, "code_verifier": verifier}  # fmt: skip
    started = time.perf_counter()
    token = _expect(await client.post(token_url, body, auth=(PORTAL_ID, PORTAL_SECRET)), 200)
    token_ms = (time.perf_counter() - started) * 1000
    tokens = token.json()
    claims = jwt.decode(tokens["id_token"], keys).claims  # raises on a bad signature
    if claims.get("nonce") != nonce or claims.get("aud") not in (PORTAL_ID, [PORTAL_ID]):
        raise AssertionError(f"bad ID token claims {claims}")
    info = _expect(await client.get(userinfo_url, bearer=tokens["access_token"]), 200).json()
    if info.get("sub") != claims["sub"]:
        raise AssertionError("userinfo sub differs from the ID token's")
    return token_ms


async def flow_vneid(client: Browser, issuer: str, keys: KeySet, pin: str, tally: Tally) -> None:
    """One complete code flow against ours (6 requests)."""
    verifier, challenge = _pkce()
    params, state, nonce = _start((verifier, challenge))
    params["prompt"] = "consent"
    html = _expect(await client.get(f"{issuer}/authorize", params), 200).text  # the login page
    page = issuer + _login_action(html).removesuffix("/login")
    started = time.perf_counter()
    form = {"username": pin, "password": PASSWORD, "csrf": _csrf(html)}
    consent = _expect(await client.post(f"{page}/login", form), 303)  # Post/Redirect/Get
    html = _expect(await client.get(_at(issuer, consent)), 200).text  # the consent page
    login_ms = (time.perf_counter() - started) * 1000
    form = {"decision": "approve", "csrf": _csrf(html), "scope": "profile"}
    location = _expect(await client.post(f"{page}/consent", form), 303).headers["location"]
    token_ms = await _finish(client, f"{issuer}/token", f"{issuer}/userinfo", location,
                             (state, nonce, verifier), keys)  # fmt: skip
    tally.token_ms.append(token_ms)
    tally.login_ms.append(login_ms)


async def flow_headless(client: Browser, issuer: str, keys: KeySet, pin: str, tally: Tally) -> None:
    """One complete code flow against ours, finished headlessly (3 requests): the authorization
    request with the sandbox token and ``login_hint`` (answered with the redirect and the code, its
    interaction started and finished on the way: login, consent, audit rows), then token and
    userinfo as in :func:`flow_vneid`."""
    verifier, challenge = _pkce()
    params, state, nonce = _start((verifier, challenge))
    params.update(prompt="consent", login_hint=pin)
    started = time.perf_counter()
    reply = await client.get(f"{issuer}/authorize", params, bearer=SANDBOX_TOKEN)
    location = _expect(reply, 303).headers["location"]
    tally.login_ms.append((time.perf_counter() - started) * 1000)
    token_ms = await _finish(client, f"{issuer}/token", f"{issuer}/userinfo", location,
                             (state, nonce, verifier), keys)  # fmt: skip
    tally.token_ms.append(token_ms)


async def flow_mock(client: Browser, issuer: str, keys: KeySet, pin: str, tally: Tally) -> None:
    """One complete code flow against PyPI ``oidc-provider-mock``: its subject form, no registration
    (4 requests)."""
    verifier, challenge = _pkce()
    params, state, nonce = _start((verifier, challenge))
    url = f"{issuer}/oauth2/authorize"
    _expect(await client.get(url, params), 200)
    location = _expect(await client.post(url, {"sub": pin}, params), 302).headers["location"]
    token_ms = await _finish(client, f"{issuer}/oauth2/token", f"{issuer}/userinfo", location,
                             (state, nonce, verifier), keys)  # fmt: skip
    tally.token_ms.append(token_ms)


async def flow_node(client: Browser, issuer: str, keys: KeySet, pin: str, tally: Tally) -> None:
    """One complete code flow against node ``oidc-provider`` with its development interactions
    (9 requests)."""
    verifier, challenge = _pkce()
    params, state, nonce = _start((verifier, challenge))
    base = issuer + "/"
    page = _at(base, _expect(await client.get(f"{issuer}/auth", params), 303))
    _expect(await client.get(page), 200)
    form = {"prompt": "login", "login": pin, "password": "x"}
    resume = _expect(await client.post(page, form), 303)
    page = _at(base, _expect(await client.get(_at(base, resume)), 303))
    _expect(await client.get(page), 200)
    resume = _expect(await client.post(page, {"prompt": "consent"}), 303)
    location = _at(base, _expect(await client.get(_at(base, resume)), 303))
    token_ms = await _finish(client, f"{issuer}/token", f"{issuer}/me", location,
                             (state, nonce, verifier), keys)  # fmt: skip
    tally.token_ms.append(token_ms)


Flow = Callable[[Browser, str, KeySet, str, Tally], Awaitable[None]]
FLOWS: dict[str, Flow] = {
    "vneid": flow_vneid,
    "vneid-headless": flow_headless,
    "oidc-provider-mock": flow_mock,
    "node-oidc-provider": flow_node,
}


async def load_keys(issuer: str, driver: str) -> KeySet:
    """The issuer's JWKS, fetched and imported once."""
    client = BROWSERS[driver](issuer)
    try:
        return KeySet.import_key_set(_expect(await client.get(f"{issuer}/jwks"), 200).json())
    finally:
        await client.close()


async def run_flows(issuer: str, keys: KeySet, flows: int, seconds: float, concurrency: int,
                    pins: list[str], provider: str = "vneid", driver: str = "asyncio") -> Tally:  # fmt: skip
    """Run up to ``flows`` flows within ``seconds`` on ``concurrency`` tasks, one browser each."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    counter = iter(range(flows))
    flow = FLOWS[provider]

    async def worker() -> None:
        client = BROWSERS[driver](issuer)
        try:
            while time.monotonic() < deadline and (number := next(counter, None)) is not None:
                client.clear_cookies()  # a fresh session per flow
                before, started = client.requests, time.perf_counter()
                try:
                    async with asyncio.timeout(_FLOW_TIMEOUT):
                        await flow(client, issuer, keys, pins[number % len(pins)], tally)
                except Exception as error:
                    tally.failures.append(repr(error))
                    continue
                tally.flows += 1
                tally.requests += client.requests - before
                tally.flow_ms.append((time.perf_counter() - started) * 1000)
        finally:
            await client.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tally


async def run_static(issuer: str, paths: list[str], requests: int, seconds: float, concurrency: int
                     ) -> tuple[int, int, float]:  # fmt: skip
    """Keep-alive GETs of ``paths`` in turn: (successes, failures, elapsed seconds)."""
    parts = urlsplit(issuer)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    prepared = [_request("GET", path, parts.netloc) for path in paths]
    budget, counts = [requests], [0, 0]
    started = time.monotonic()
    until = started + seconds

    async def worker() -> None:
        connection = Connection(host, port)
        try:
            turn = 0
            while time.monotonic() < until and budget[0] > 0:
                budget[0] -= 1
                reply = await connection.exchange(prepared[turn % len(prepared)])
                turn += 1
                counts[0 if reply.status == 200 else 1] += 1
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return counts[0], counts[1], time.monotonic() - started


def _loop_factory() -> tuple[Callable[[], asyncio.AbstractEventLoop] | None, str]:
    """uvloop's event loop when it is installed (optional), else asyncio's own; and its name."""
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return None, "asyncio"
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory, "uvloop"


def bench_clients(root: Path, access_token_alg: str | None) -> Path:
    """The registered clients, the portal's access tokens signed with ``access_token_alg`` (None: the
    server's default, as the clients file registers it)."""
    document = json.loads(DEFAULT_CLIENTS_FILE.read_text(encoding="utf-8"))
    for entry in document["clients"]:
        if entry["client_id"] == PORTAL_ID and access_token_alg is not None:
            entry["access_token_signed_response_alg"] = access_token_alg
    path = root / "clients.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def start_server(root: Path, port: int, population: int, core: int,
                 access_token_alg: str | None = None,
                 sandbox: bool = False) -> subprocess.Popen[bytes]:  # fmt: skip
    """Seed a fresh SQLite population under ``root`` and start ``vneid-mock serve`` pinned to ``core``;
    ``sandbox``: with the sandbox API on (headless login), else as deployed by default."""
    cli = str(Path(sys.executable).with_name("vneid-mock"))
    env = os.environ | {
        "VNEID_DATABASE_URL": f"sqlite:///{root / 'vneid.sqlite3'}",
        "VNEID_ISSUER": f"http://127.0.0.1:{port}",
        "VNEID_KEYS_DIR": str(root / "keys"),
        # A load generator is one client address logging one citizen in hundreds of times a second:
        # lift the brute-force rate limits and the per-request log line for the measurement.
        "VNEID_LOGIN_RATE_PER_IP": "1000000",
        "VNEID_LOGIN_RATE_PER_ACCOUNT": "1000000",
        "VNEID_ACCESS_LOG": "false",
        "VNEID_CLIENTS_FILE": str(bench_clients(root, access_token_alg)),
        "COLUMNS": "100",
        "VNEID_SANDBOX_API": "true" if sandbox else "false",
        "VNEID_SANDBOX_TOKEN": SANDBOX_TOKEN,
    }
    subprocess.run([cli, "population", "seed", "--count", str(population)], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    server = subprocess.Popen(
        ["taskset", "-c", str(core), cli, "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/jwks", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 30 s")


def serve_until_terminated(server: subprocess.Popen[bytes]) -> None:
    """Print the started server's pid and wait for SIGTERM (or the server's end); the caller stops it."""
    print(server.pid, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    server.wait()


def _ms(values: list[float], cut: int) -> str:
    if len(values) < 2:
        return "n/a"
    return f"{statistics.quantiles(values, n=100)[cut - 1]:.1f} ms"


async def measure_flows(args: argparse.Namespace, issuer: str, pid: int | None, loop: str) -> None:
    """Warm up, run the measured flows and print the report."""
    keys = await load_keys(issuer, args.driver)
    await run_flows(issuer, keys, args.warm_up, args.seconds, args.concurrency, PERSONA_PINS,
                    args.provider, args.driver)  # fmt: skip
    cpu = _cpu_seconds(pid) if pid else 0.0
    mine = _cpu_seconds(os.getpid())
    started = time.perf_counter()
    tally = await run_flows(issuer, keys, args.flows, args.seconds, args.concurrency, PERSONA_PINS,
                            args.provider, args.driver)  # fmt: skip
    elapsed = time.perf_counter() - started
    cpu = (_cpu_seconds(pid) - cpu) if pid else 0.0
    mine = _cpu_seconds(os.getpid()) - mine
    done = max(tally.flows, 1)
    print(f"issuer          {issuer} ({args.provider}), concurrency {args.concurrency}, "
          f"driver {args.driver} on {loop}")  # fmt: skip
    print(f"flows           {tally.flows} in {elapsed:.1f} s, {len(tally.failures)} failed"
          + (f" (first: {tally.failures[0]})" if tally.failures else ""))  # fmt: skip
    print(f"flows/s         {tally.flows / elapsed:.1f}")
    print(f"requests/flow   {tally.requests / done:.0f}")
    print(f"flow            p50 {_ms(tally.flow_ms, 50)}, p99 {_ms(tally.flow_ms, 99)}")
    if tally.login_ms:
        print(f"login POST      p50 {_ms(tally.login_ms, 50)}, p99 {_ms(tally.login_ms, 99)}")
    print(f"token request   p50 {_ms(tally.token_ms, 50)}, p99 {_ms(tally.token_ms, 99)}")
    if pid:
        print(f"server CPU      {cpu:.1f} s, {cpu / done * 1000:.2f} ms/flow, "
              f"{cpu / elapsed * 100:.0f} % of a core")  # fmt: skip
    ceiling = f"at most ~{done / mine:.0f} flows/s on one core" if mine > 0 else "too short to tell"
    print(f"client CPU      {mine:.1f} s, {mine / done * 1000:.2f} ms/flow, "
          f"{mine / elapsed * 100:.0f} % of its core ({ceiling})")  # fmt: skip


async def measure_static(args: argparse.Namespace, issuer: str, pid: int | None) -> None:
    """Warm up and measure each static document; one line each."""
    for paths in (["/.well-known/openid-configuration"], ["/jwks"]):
        await run_static(issuer, paths, 500, args.seconds, args.concurrency)
        cpu = _cpu_seconds(pid) if pid else 0.0
        mine = _cpu_seconds(os.getpid())
        done, failed, elapsed = await run_static(issuer, paths, args.requests, args.seconds,
                                                 args.concurrency)  # fmt: skip
        cpu = (_cpu_seconds(pid) - cpu) if pid else 0.0
        mine = _cpu_seconds(os.getpid()) - mine
        line = f"{paths[0]:36} {done / elapsed:8.0f} req/s ({done} in {elapsed:.1f} s, {failed} not 200)"
        if pid:
            line += f", server {cpu / max(done, 1) * 1e6:.0f} µs/req, {cpu / elapsed * 100:.0f} % of a core"
        line += f", client {mine / max(done, 1) * 1e6:.0f} µs/req, {mine / elapsed * 100:.0f} %"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["flows", "static", "serve"],
                        help="serve: start ours only, print its pid, keep it up until SIGTERM")  # fmt: skip
    parser.add_argument("--issuer", help="an already running issuer (default: start ours)")
    parser.add_argument("--pid", type=int, help="process id of that issuer, for its CPU time")
    parser.add_argument("--provider", choices=sorted(FLOWS), default="vneid",
                        help="flow steps for --issuer (default: ours)")  # fmt: skip
    parser.add_argument("--driver", choices=sorted(BROWSERS), default="asyncio",
                        help="HTTP client of the flows (default: raw asyncio; httpx to cross-check)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--flows", type=int, default=400)
    parser.add_argument("--warm-up", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--access-token-alg", choices=ACCESS_TOKEN_ALGORITHMS, default=None,
                        help="register the portal client's access_token_signed_response_alg "
                             "(ours only; default: none, so the server's ES256)")  # fmt: skip
    args = parser.parse_args()
    if args.mode == "serve" and args.issuer:
        parser.error("serve starts our provider; it takes no --issuer")
    os.sched_setaffinity(0, {args.client_core})
    factory, loop = _loop_factory()
    root = Path(tempfile.mkdtemp(prefix="vneid-bench-"))
    server = None
    try:
        if args.issuer:
            issuer, pid = args.issuer.rstrip("/"), args.pid
        else:
            server = start_server(root, args.port, args.population, args.server_core,
                                  args.access_token_alg, args.provider == "vneid-headless")  # fmt: skip
            issuer, pid = f"http://127.0.0.1:{args.port}", server.pid
        if server is not None and args.mode == "serve":
            serve_until_terminated(server)
            return
        with asyncio.Runner(loop_factory=factory) as runner:
            if args.mode == "flows":
                runner.run(measure_flows(args, issuer, pid, loop))
            else:
                runner.run(measure_static(args, issuer, pid))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
