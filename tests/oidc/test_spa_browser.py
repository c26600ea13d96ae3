"""A single-page app on its own origin, with a public client, against a real provider, in Debian's
Chromium (Playwright), with no proxy in between: the static app of ``tests/spa`` logs in with the npm
package ``oidc-client-ts`` (authorization code + PKCE, OIDC Core §3.1; RFC 7636), reads userinfo,
refreshes its tokens (RFC 6749 §6), revokes them (RFC 7009) and logs out (RP-Initiated Logout 1.0).
Every call to the provider's JSON endpoints is a cross-origin ``fetch`` that only CORS (the Fetch
standard §3.2) lets the app read; an app on an origin no client registered is refused by the browser.

The provider runs under uvicorn on one loopback port, the app's files are served on another (another
origin). Screenshots are saved as ``test-artifacts/browser/spa-*.png``. The browser bundle comes from
``tests/spa/node_modules``, installed by ``scripts/setup``; without it, or without Chromium, the test
fails: it is never skipped.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from typing import cast
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import ConsoleMessage
from playwright.sync_api import Page
from playwright.sync_api import Response
from playwright.sync_api import sync_playwright

from idp.oidc.clients import add_client
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.login.test_browser import ARTIFACTS
from tests.login.test_browser import CHROMIUM
from tests.login.test_browser import CHROMIUM_ARGS
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.servers import Served
from tests.servers import free_port

SPA_FILES = Path(__file__).resolve().parents[1] / "spa"
BUNDLE = SPA_FILES / "node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js"
CLIENT_ID = "spa"
PERSONA_NAME = "Nguyễn Văn Bình"  # the persona of PIN
# The JSON endpoints the app fetches; navigations (/authorize, /logout) are not among them.
FETCHED = ("/.well-known/openid-configuration", "/token", "/userinfo", "/revoke")


class SpaServer(ThreadingHTTPServer):
    """The app's static files, and ``config.json`` (the provider to use) from :attr:`config`."""

    daemon_threads = True
    config: dict[str, str]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class SpaFiles(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/config.json":
            super().do_GET()
            return
        body = json.dumps(cast(SpaServer, self.server).config).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows what a failing test printed, not every file served."""


def _serve_spa(config: dict[str, str]) -> Iterator[SpaServer]:
    assert BUNDLE.is_file(), f"{BUNDLE} is missing: run `bash scripts/setup`"
    server = SpaServer(("127.0.0.1", 0), partial(SpaFiles, directory=str(SPA_FILES)))
    server.config = config
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def spa() -> Iterator[SpaServer]:
    """The app on its own loopback port; its config is filled in by :func:`provider`."""
    yield from _serve_spa({})


@pytest.fixture
def other_spa(spa: SpaServer) -> Iterator[SpaServer]:
    """The same app, with the same config, on an origin no client registered."""
    yield from _serve_spa(spa.config)


@dataclass
class Provider:
    issuer: str


@pytest.fixture
def provider(env: Env, tmp_path: Path, spa: SpaServer) -> Iterator[Provider]:
    """A real uvicorn server on a free loopback port, over a freshly seeded SQLite population, with
    one public client whose redirect URIs are the app's pages (so the app's origin is allowed)."""
    url = f"sqlite:///{tmp_path / 'spa.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    clients = tmp_path / "clients.json"
    metadata = {
        "client_name": "SPA",
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "scope": "openid profile",
        "redirect_uris": [f"{spa.origin}/callback.html"],
        "post_logout_redirect_uris": [f"{spa.origin}/logged-out.html"],
    }
    assert add_client(clients, CLIENT_ID, metadata) is None  # public: no secret
    settings = IdPSettings(
        database_url=url, issuer=issuer, keys_dir=env.settings.keys_dir, clients_file=clients
    )
    served = Served(create_app(settings), port=port)
    spa.config.update(authority=issuer, client_id=CLIENT_ID)
    yield Provider(issuer)
    served.stop()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"spa-{name}.png"), full_page=True)


def _wait_for(page: Page, selector: str) -> None:
    """Wait for ``selector``, or for the app to report an error: then the test fails with it."""
    page.wait_for_selector(f"{selector}, body[data-status=error]", timeout=10_000)
    if page.get_attribute("body", "data-status") == "error":
        pytest.fail(f"the app failed: {page.inner_text('#result')}")


def _step(page: Page, step: str) -> dict[str, Any]:
    """What the app wrote once ``step`` is done."""
    _wait_for(page, f"body[data-step='{step}'][data-status=done]")
    result: dict[str, Any] = json.loads(page.inner_text("#result"))
    return result


@dataclass
class Exchange:
    """One cross-origin fetch to the provider, as the browser sent and received it."""

    method: str
    path: str
    status: int
    origin: str | None
    allowed_origin: str | None
    body: str | None


def _exchanges(responses: list[Response]) -> list[Exchange]:
    return [
        Exchange(
            method=response.request.method,
            path=urlsplit(response.url).path,
            status=response.status,
            origin=response.request.all_headers().get("origin"),
            allowed_origin=response.all_headers().get("access-control-allow-origin"),
            body=response.request.post_data,
        )
        for response in responses
        if urlsplit(response.url).path in FETCHED
    ]


def _problems(page: Page) -> list[tuple[str, str, str]]:
    """The page's console errors and warnings, as they come: (type, where, text). A request refused
    by CORS is one ("... has been blocked by CORS policy ...")."""
    problems: list[tuple[str, str, str]] = []

    def record(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append((message.type, message.location["url"], message.text))

    page.on("console", record)
    return problems


def _log_in(page: Page, provider: Provider) -> None:
    """From the app's ``Log in`` button through the provider's pages (password, consent)."""
    page.click("#login")
    _wait_for(page, "#username")
    assert page.url.startswith(f"{provider.issuer}/"), page.url
    _shot(page, "02-login")
    page.fill("#username", PIN)
    page.fill("#password", PASSWORD)
    page.click("form[action$='/login'] button")
    page.wait_for_selector("button[name=decision][value=approve]")
    _shot(page, "03-consent")
    page.click("button[name=decision][value=approve]")


def _log_out(page: Page, spa: SpaServer) -> None:
    """The app's ``Log out`` button, then the provider's confirmation page if it shows one."""
    page.click("#logout")
    logged_out = "body[data-page=logged-out]"
    _wait_for(page, f"{logged_out}, form[action$='/logout'] button")
    if not page.is_visible(logged_out):
        _shot(page, "06-logout-confirmation")
        page.click("form[action$='/logout'] button")
    page.wait_for_url(f"{spa.origin}/logged-out.html?*")


def test_spa_logs_in_reads_userinfo_refreshes_and_logs_out_across_origins(
    provider: Provider, spa: SpaServer
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    responses: list[Response] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        problems = _problems(page)
        page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
        page.on("response", lambda response: responses.append(response))
        page.goto(f"{spa.origin}/index.html")
        _shot(page, "01-app")
        _log_in(page, provider)
        signed_in = _step(page, "signed-in")
        assert page.url.startswith(f"{spa.origin}/callback.html?"), page.url
        _shot(page, "04-signed-in")
        page.click("#refresh")
        refreshed = _step(page, "refreshed")
        _shot(page, "05-refreshed")
        _log_out(page, spa)
        logged_out = _step(page, "logged-out")
        _shot(page, "07-logged-out")
        exchanges = _exchanges(responses)
        browser.close()

    sub = signed_in["profile"]["sub"]
    assert sub
    assert signed_in["profile"]["name"] == PERSONA_NAME  # read by oidc-client-ts from userinfo
    assert signed_in["userinfo"]["status"] == 200
    assert signed_in["userinfo"]["body"]["sub"] == sub
    assert signed_in["userinfo"]["body"]["name"] == PERSONA_NAME

    assert refreshed["previous_access_token"] == signed_in["access_token"]
    assert refreshed["access_token"] != signed_in["access_token"]
    assert refreshed["refresh_token"] != signed_in["refresh_token"]  # rotated
    assert refreshed["profile"]["sub"] == sub
    assert refreshed["userinfo"]["status"] == 200
    assert refreshed["userinfo"]["body"]["name"] == PERSONA_NAME

    assert logged_out == {
        "step": "logged-out",
        "error": None,  # no error parameter in the redirect
        "state": {"from": "callback.html"},  # our state came back
        "user": None,  # oidc-client-ts forgot the user
    }
    grants = [parse_qs(e.body or "")["grant_type"] for e in exchanges if e.path == "/token"]
    assert grants == [["authorization_code"], ["refresh_token"]]
    hints = [parse_qs(e.body or "")["token_type_hint"] for e in exchanges if e.path == "/revoke"]
    assert sorted(hints) == [["access_token"], ["refresh_token"]]
    assert {e.path for e in exchanges} == set(FETCHED)
    for exchange in exchanges:  # straight from the app's origin, and let through by CORS
        assert exchange.origin == spa.origin, exchange
        assert exchange.allowed_origin == spa.origin, exchange
        assert exchange.status == 200, exchange
    # nothing went wrong in the browser (the provider's pages have no icon: not the app's concern)
    favicon = ("error", f"{provider.issuer}/favicon.ico")
    assert [problem for problem in problems if problem[:2] != favicon] == []
    assert failed == []

    # revokeTokensOnSignout: the app's last tokens no longer work
    bearer = {"Authorization": f"Bearer {refreshed['access_token']}"}
    assert httpx.get(f"{provider.issuer}/userinfo", headers=bearer).status_code == 401
    spent = httpx.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refreshed["refresh_token"],
            "client_id": CLIENT_ID,
        },
    )
    assert spent.status_code == 400
    assert spent.json()["error"] == "invalid_grant"


def test_spa_on_an_origin_no_client_registered_cannot_read_the_provider(
    provider: Provider, other_spa: SpaServer
) -> None:
    """The same app on another port: the browser refuses it the discovery document it fetches first,
    so it cannot even start a login."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        problems = _problems(page)
        page.goto(f"{other_spa.origin}/index.html")
        page.click("#login")
        # the app's error, or any page that is not the app's (the provider's)
        page.wait_for_selector("body[data-status=error], body:not([data-page])", timeout=10_000)
        _shot(page, "08-unregistered-origin")
        assert page.url == f"{other_spa.origin}/index.html"  # it never left
        error = json.loads(page.inner_text("#result"))["error"]
        browser.close()
    assert "Failed to fetch" in error
    blocked = [text for _, _, text in problems if "blocked by CORS policy" in text]
    assert len(blocked) == 1
    assert f"from origin '{other_spa.origin}'" in blocked[0]
    assert "/.well-known/openid-configuration" in blocked[0]
