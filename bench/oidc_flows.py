"""Complete OpenID Connect code flows (PKCE) per second against an issuer, and static documents per second.

    .venv/bin/python -m bench.oidc_flows flows --flows 400 --seconds 60
    .venv/bin/python -m bench.oidc_flows static --requests 20000 --seconds 20

Without ``--issuer`` the script starts our provider itself (``vneid-mock serve`` under ``taskset -c 0``) on a
fresh temporary SQLite database seeded with the personas and ``--population`` citizens, with keys in a
temporary folder, and pins itself to core 1. A flow, driven by ``--concurrency`` workers (threads, one httpx
client each, a fresh cookie jar per flow):

    GET /authorize → GET /interaction/{uid} (login page) → POST …/login (PIN, password, CSRF)
    → GET /interaction/{uid} (consent page) → POST …/consent (approve) → GET the resume URL (302 with code)
    → POST /token (client_secret_basic, code_verifier) → GET /userinfo

Consent is remembered per citizen and client (issue 4): a citizen's later flows skip the consent page
(6 requests instead of 8).

The ID token's signature is verified against the JWKS (keys fetched and loaded once) and its ``nonce`` and
``aud`` checked. ``static`` mode sends keep-alive GETs of the discovery document and the JWKS over raw
asyncio streams (httpx would saturate its own core first). Every loop stops at its count or its time limit,
whichever comes first. Reports rates, requests per flow, percentiles and, for a server the script started,
its CPU time per flow or request (from /proc).
"""

import argparse
import asyncio
import base64
import hashlib
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urljoin
from urllib.parse import urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

PORTAL_ID = "portal"
PORTAL_SECRET = "portal-sandbox-secret"
PORTAL_REDIRECT = "http://127.0.0.1:8001/callback"
PASSWORD = "Vneid@2025"
PERSONA_PINS = ["001088999001"]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Tally:
    """What the workers measured, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
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


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("no CSRF field in the page")
    return found.group(1)


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise AssertionError(
            f"{response.request.url.path}: {response.status_code} {response.text[:200]}"
        )
    return response


def _finish(
    client: httpx.Client, token_url: str, userinfo_url: str, location: str,
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
    token = _expect(client.post(token_url, data=body, auth=(PORTAL_ID, PORTAL_SECRET)), 200)
    token_ms = (time.perf_counter() - started) * 1000
    tokens = token.json()
    claims = jwt.decode(tokens["id_token"], keys).claims  # raises on a bad signature
    if claims.get("nonce") != nonce or claims.get("aud") not in (PORTAL_ID, [PORTAL_ID]):
        raise AssertionError(f"bad ID token claims {claims}")
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    info = _expect(client.get(userinfo_url, headers=auth), 200).json()
    if info.get("sub") != claims["sub"]:
        raise AssertionError("userinfo sub differs from the ID token's")
    return token_ms


def one_flow(client: httpx.Client, issuer: str, keys: KeySet, pin: str, tally: Tally) -> int:
    """One complete code flow with a fresh session; the number of HTTP requests it took."""
    client.cookies.clear()
    verifier, challenge = _pkce()
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = {
        "response_type": "code", "client_id": PORTAL_ID, "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid profile", "state": state, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    page = _expect(client.get(f"{issuer}/authorize", params=params), 303).headers["location"]
    page = urljoin(issuer + "/", page)
    html = _expect(client.get(page), 200).text
    started = time.perf_counter()
    form = {"username": pin, "password": PASSWORD, "csrf": _csrf(html)}
    _expect(client.post(f"{page}/login", data=form), 303)
    login_ms = (time.perf_counter() - started) * 1000
    consent = client.get(page)
    requests = 8
    if consent.status_code == 303:  # consent remembered for this citizen (issue 4): no page
        resume, requests = consent, 6
    else:
        form = {
            "decision": "approve",
            "csrf": _csrf(_expect(consent, 200).text),
            "scope": "profile",
        }
        resume = _expect(client.post(f"{page}/consent", data=form), 303)
    location = _expect(client.get(urljoin(page, resume.headers["location"])), 302).headers[
        "location"
    ]
    token_ms = _finish(
        client,
        f"{issuer}/token",
        f"{issuer}/userinfo",
        location,
        (state, nonce, verifier),
        keys,
    )
    with tally.lock:
        tally.token_ms.append(token_ms)
        tally.login_ms.append(login_ms)
    return requests


def one_flow_mock(client: httpx.Client, issuer: str, keys: KeySet, pin: str, tally: Tally) -> int:
    """One complete code flow against PyPI ``oidc-provider-mock`` (its subject form, no registration)."""
    verifier, challenge = _pkce()
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = {
        "response_type": "code", "client_id": PORTAL_ID, "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid profile", "state": state, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    url = f"{issuer}/oauth2/authorize"
    _expect(client.get(url, params=params), 200)
    location = _expect(client.post(url, params=params, data={"sub": pin}), 302).headers["location"]
    token_ms = _finish(
        client,
        f"{issuer}/oauth2/token",
        f"{issuer}/userinfo",
        location,
        (state, nonce, verifier),
        keys,
    )
    with tally.lock:
        tally.token_ms.append(token_ms)
    return 4


def _at(issuer: str, response: httpx.Response) -> str:
    return urljoin(issuer + "/", response.headers["location"])


def one_flow_node(client: httpx.Client, issuer: str, keys: KeySet, pin: str, tally: Tally) -> int:
    """One complete code flow against node ``oidc-provider`` with its development interactions."""
    client.cookies.clear()
    verifier, challenge = _pkce()
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = {
        "response_type": "code", "client_id": PORTAL_ID, "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid profile", "state": state, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    page = _at(issuer, _expect(client.get(f"{issuer}/auth", params=params), 303))
    _expect(client.get(page), 200)
    resume = _expect(
        client.post(page, data={"prompt": "login", "login": pin, "password": "x"}), 303
    )
    page = _at(issuer, _expect(client.get(_at(issuer, resume)), 303))
    _expect(client.get(page), 200)
    resume = _expect(client.post(page, data={"prompt": "consent"}), 303)
    location = _at(issuer, _expect(client.get(_at(issuer, resume)), 303))
    token_ms = _finish(
        client,
        f"{issuer}/token",
        f"{issuer}/me",
        location,
        (state, nonce, verifier),
        keys,
    )
    with tally.lock:
        tally.token_ms.append(token_ms)
    return 9


FLOW_DRIVERS = {
    "vneid": one_flow,
    "oidc-provider-mock": one_flow_mock,
    "node-oidc-provider": one_flow_node,
}


def run_flows(issuer: str, flows: int, seconds: float, concurrency: int, pins: list[str],
              provider: str = "vneid") -> Tally:  # fmt: skip
    """Run up to ``flows`` flows within ``seconds`` on ``concurrency`` threads."""
    with httpx.Client() as client:
        keys = KeySet.import_key_set(client.get(f"{issuer}/jwks").json())  # loaded once
    tally = Tally()
    deadline = time.monotonic() + seconds
    counter = iter(range(flows))
    counter_lock = threading.Lock()

    def worker(index: int) -> None:
        with httpx.Client(follow_redirects=False, timeout=30) as client:
            while time.monotonic() < deadline:
                with counter_lock:
                    number = next(counter, None)
                if number is None:
                    return
                started = time.perf_counter()
                try:
                    requests = FLOW_DRIVERS[provider](
                        client, issuer, keys, pins[number % len(pins)], tally
                    )
                except Exception as error:
                    with tally.lock:
                        tally.failures.append(repr(error))
                    continue
                with tally.lock:
                    tally.flows += 1
                    tally.requests += requests
                    tally.flow_ms.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


async def _static_worker(host: str, port: int, paths: list[str], until: float, budget: list[int],
                         counts: list[int]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection(host, port)
    try:
        turn = 0
        while time.monotonic() < until and budget[0] > 0:
            budget[0] -= 1
            path = paths[turn % len(paths)]
            turn += 1
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


async def run_static(issuer: str, paths: list[str], requests: int, seconds: float, concurrency: int
                     ) -> tuple[int, int, float]:  # fmt: skip
    """Keep-alive GETs of ``paths`` in turn: (successes, failures, elapsed seconds)."""
    parts = urlsplit(issuer)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    budget, counts = [requests], [0, 0]
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(_static_worker(host, port, paths, until, budget, counts) for _ in range(concurrency))
    )
    return counts[0], counts[1], time.monotonic() - started


def start_server(root: Path, port: int, population: int, core: int) -> subprocess.Popen[bytes]:
    """Seed a fresh SQLite population under ``root`` and start ``vneid-mock serve`` pinned to ``core``."""
    cli = str(Path(sys.executable).with_name("vneid-mock"))
    env = os.environ | {
        "VNEID_DATABASE_URL": f"sqlite:///{root / 'vneid.sqlite3'}",
        "VNEID_ISSUER": f"http://127.0.0.1:{port}",
        "VNEID_KEYS_DIR": str(root / "keys"),
        "COLUMNS": "100",
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


def _ms(values: list[float], cut: int) -> str:
    if len(values) < 2:
        return "n/a"
    return f"{statistics.quantiles(values, n=100)[cut - 1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["flows", "static"])
    parser.add_argument("--issuer", help="an already running issuer (default: start ours)")
    parser.add_argument("--pid", type=int, help="process id of that issuer, for its CPU time")
    parser.add_argument("--provider", choices=sorted(FLOW_DRIVERS), default="vneid",
                        help="flow driver for --issuer (default: ours)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--flows", type=int, default=400)
    parser.add_argument("--warm-up", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.client_core})
    root = Path(tempfile.mkdtemp(prefix="vneid-bench-"))
    server = None
    try:
        if args.issuer:
            issuer, pid = args.issuer.rstrip("/"), args.pid
        else:
            server = start_server(root, args.port, args.population, args.server_core)
            issuer, pid = f"http://127.0.0.1:{args.port}", server.pid
        if args.mode == "flows":
            run_flows(
                issuer, args.warm_up, args.seconds, args.concurrency, PERSONA_PINS, args.provider
            )
            cpu = _cpu_seconds(pid) if pid else 0.0
            started = time.perf_counter()
            tally = run_flows(
                issuer, args.flows, args.seconds, args.concurrency, PERSONA_PINS, args.provider
            )
            elapsed = time.perf_counter() - started
            cpu = (_cpu_seconds(pid) - cpu) if pid else 0.0
            print(f"issuer          {issuer}, concurrency {args.concurrency}")
            print(f"flows           {tally.flows} in {elapsed:.1f} s, {len(tally.failures)} failed"
                  + (f" (first: {tally.failures[0]})" if tally.failures else ""))  # fmt: skip
            print(f"flows/s         {tally.flows / elapsed:.1f}")
            print(f"requests/flow   {tally.requests / max(tally.flows, 1):.0f}")
            print(f"flow            p50 {_ms(tally.flow_ms, 50)}, p99 {_ms(tally.flow_ms, 99)}")
            print(f"login POST      p50 {_ms(tally.login_ms, 50)}, p99 {_ms(tally.login_ms, 99)}")
            print(f"token request   p50 {_ms(tally.token_ms, 50)}, p99 {_ms(tally.token_ms, 99)}")
            if pid:
                print(f"server CPU      {cpu:.1f} s, {cpu / max(tally.flows, 1) * 1000:.1f} ms/flow, "
                      f"{cpu / elapsed * 100:.0f} % of a core")  # fmt: skip
        else:
            for paths in (["/.well-known/openid-configuration"], ["/jwks"]):
                asyncio.run(run_static(issuer, paths, 500, args.seconds, args.concurrency))
                cpu = _cpu_seconds(pid) if pid else 0.0
                done, failed, elapsed = asyncio.run(
                    run_static(issuer, paths, args.requests, args.seconds, args.concurrency)
                )
                cpu = (_cpu_seconds(pid) - cpu) if pid else 0.0
                line = f"{paths[0]:36} {done / elapsed:8.0f} req/s ({done} in {elapsed:.1f} s, {failed} not 200)"
                if pid:
                    line += f", server {cpu / max(done, 1) * 1e6:.0f} µs/req, {cpu / elapsed * 100:.0f} % of a core"
                print(line)
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
