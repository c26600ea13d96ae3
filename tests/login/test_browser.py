"""A real browser (Playwright driving Debian's Chromium, headless) through a real server: a password and
SMS-code login at LoA2, then a step-up to LoA3 (passcode, face match) for a level-2 scope, partial consent, and
the relying party's code redeemed for an ID token with ``acr`` = LoA3. A screenshot of every step is saved
under ``test-artifacts/browser/``. If the browser cannot start, the test fails: it is never skipped."""

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Page
from playwright.sync_api import Route
from playwright.sync_api import sync_playwright

from idp.oidc.clients import add_client
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.servers import Served
from tests.servers import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Live:
    issuer: str
    redirect: str
    secrets: dict[str, str]


@pytest.fixture
def live(env: Env, tmp_path: Path) -> Iterator[Live]:
    """A real uvicorn server on a free loopback port, over a freshly seeded SQLite population, with two
    clients whose redirect URI is on that server (``/healthz`` ignores the code it is sent: the test
    reads it from the browser's address)."""
    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    clients = tmp_path / "clients.json"
    redirect = f"{issuer}/healthz"
    found = {
        "rp": add_client(clients, "rp", {"redirect_uris": [redirect], "scope": "openid profile"}),
        "l2": add_client(
            clients,
            "l2",
            {
                "redirect_uris": [redirect],
                "scope": "openid profile eid_card",
                "client_name": "Bank",
            },
        ),
    }
    settings = IdPSettings(
        database_url=url, issuer=issuer, keys_dir=env.settings.keys_dir, clients_file=clients
    )
    served = Served(create_app(settings), port=port)
    yield Live(issuer, redirect, {k: v for k, v in found.items() if v})
    served.stop()


def _authorize_url(live: Live, client_id: str, scope: str, acr: str, challenge: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": live.redirect,
        "scope": scope,
        "state": "browser",
        "nonce": f"n-{client_id}",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "acr_values": acr,
    }
    return f"{live.issuer}/authorize?{urlencode(params)}"


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _redeem(live: Live, location: str, verifier: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token response and its ID token's claims."""
    data = {
        "grant_type": "authorization_code",
        "code": query_of(location)["code"],
        "redirect_uri": live.redirect,
        "code_verifier": verifier,
    }
    response = httpx.post(f"{live.issuer}/token", data=data, auth=("l2", live.secrets["l2"]))
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    payload = tokens["id_token"].split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return tokens, claims


def test_loa2_login_then_step_up_to_loa3_and_consent(live: Live) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    received: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        _, challenge = pkce()
        page.goto(_authorize_url(live, "rp", "openid profile", "LoA2", challenge))
        _shot(page, "01-login")
        page.fill("#username", PIN)
        page.fill("#password", PASSWORD)
        page.click("form[action$='/login'] button")
        page.wait_for_selector("#otp")
        _shot(page, "02-otp")
        inbox = context.new_page()
        inbox.goto(f"{live.issuer}/sandbox/sms?phone=%2B84919990001")
        _shot(inbox, "03-sms-inbox")
        found = re.search(r"\b(\d{6})\b", inbox.inner_text("tbody tr"))
        assert found is not None
        page.fill("#otp", found.group(1))
        page.click("form[action$='/otp'] button")
        page.wait_for_selector("button[name=decision][value=approve]")
        _shot(page, "04-consent-loa2")
        page.click("button[name=decision][value=approve]")
        page.wait_for_url(f"{live.redirect}?*")
        received.append(page.url)
        _shot(page, "05-rp-loa2")
        assert "code=" in received[-1]

        verifier, challenge = pkce()
        scope = "openid profile eid_card"
        page.goto(_authorize_url(live, "l2", scope, "LoA3", challenge))
        page.wait_for_selector("#passcode")
        _shot(page, "06-passcode")
        page.fill("#passcode", PASSCODE)
        page.click("form[action$='/passcode'] button")
        page.wait_for_selector("button[name=face][value=match]")
        _shot(page, "07-face-match")
        page.click("button[name=face][value=match]")
        page.wait_for_selector("button[name=decision][value=approve]")
        page.uncheck(
            "input[name=scope][value=profile]"
        )  # partial consent: the card, not the profile
        _shot(page, "08-consent-loa3")
        page.click("button[name=decision][value=approve]")
        page.wait_for_url(f"{live.redirect}?*")
        received.append(page.url)
        _shot(page, "09-rp-loa3")
        browser.close()
    assert len(received) == 2
    tokens, claims = _redeem(live, received[-1], verifier)
    assert claims["acr"] == "LoA3"
    assert tokens["scope"].split() == ["openid", "eid_card"]  # exactly what was consented
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    info = httpx.get(f"{live.issuer}/userinfo", headers=bearer).json()
    assert info["eid_card"]["number"] == PIN
    assert "name" not in info
    assert claims["amr"] == ["face", "mfa", "otp", "pin", "pwd", "sms"]


FORM_POST_STATE = 'state + = " < > & ạ'


def test_form_post_login_in_chromium_under_the_page_headers(live: Live) -> None:
    """A query-mode login, then a form_post one, with the Content-Security-Policy and framing headers
    on: the form_post page posts itself (its script allowed by hash), the client receives ``state``
    byte for byte, and Chromium reports no policy violation on any page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []
    posted: list[dict[str, list[str]]] = []

    def receive(route: Route) -> None:
        posted.append(parse_qs(route.request.post_data or ""))
        route.fulfill(status=200, content_type="text/html", body="<p>received</p>")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        page.on("console", lambda message: violations.append(message.text))
        _, challenge = pkce()
        login = page.goto(_authorize_url(live, "rp", "openid profile", "LoA1", challenge))
        assert login is not None
        assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
        assert login.headers["x-frame-options"] == "DENY"
        page.fill("#username", PIN)
        page.fill("#password", PASSWORD)
        page.click("form[action$='/login'] button")
        page.click("button[name=decision][value=approve]")
        page.wait_for_url(f"{live.redirect}?*")
        assert "code=" in page.url
        page.route(f"{live.redirect}*", receive)
        _, challenge = pkce()
        url = _authorize_url(live, "rp", "openid profile", "LoA1", challenge)
        state = urlencode({"state": FORM_POST_STATE, "nonce": "n-form-post"})
        page.goto(url.replace("state=browser&nonce=n-rp", state) + "&response_mode=form_post")
        page.wait_for_selector("text=received")
        _shot(page, "10-form-post-received")
        browser.close()
    assert [entry["state"] for entry in posted] == [[FORM_POST_STATE]]
    assert set(posted[0]) == {"code", "state", "iss"}
    assert [text for text in violations if "Content Security Policy" in text] == []
