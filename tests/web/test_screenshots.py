"""Every page of the provider in a real browser (Playwright driving Debian's Chromium, headless), in
Vietnamese and in English, each kept as a screenshot under ``test-artifacts/screenshots/provider/``
(``<page>.<lang>.png``): the front page, the SMS inbox, the login form and its wrong-password notice,
the SMS code, passcode and face pages, consent, the two endings, the account page, logout and its
confirmation, the error pages and the form_post page (its button, with JavaScript off). Each page
is checked to wear the style sheet (served from ``/static/`` under the pages' Content-Security-Policy)
and to be in the language asked for."""

import re
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

from tests.login.test_browser import CHROMIUM
from tests.login.test_browser import CHROMIUM_ARGS
from tests.login.test_browser import Live
from tests.login.test_browser import live
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PERSONA_PHONES
from tests.oidc.conftest import PIN
from tests.oidc.conftest import env
from tests.oidc.conftest import pkce
from tests.web.page_tour import LEVEL1_PIN
from tests.web.page_tour import LOCKED_PIN

__all__ = ["env", "live"]  # the served provider
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "provider"
HEADER_COLOUR = "rgb(11, 61, 110)"  # idp/web/static/vneid.css: the header's background


def _authorize(live: Live, lang: str, client_id: str = "rp", **extra: str) -> str:
    _, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": live.redirect,
        "scope": "openid profile" if client_id == "rp" else "openid profile eid_card",
        "state": "shots",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "ui_locales": lang,
        **extra,
    }
    return f"{live.issuer}/authorize?{urlencode(params)}"


class Camera:
    """Takes each page's screenshot and checks it is styled and in ``lang``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.taken: list[Path] = []

    def shoot(self, page: Page, name: str, styled: bool = True) -> None:
        assert page.get_attribute("html", "lang") == self.lang, (name, page.url)
        if styled:
            colour = page.evaluate(
                "getComputedStyle(document.querySelector('header')).backgroundColor"
            )
            assert colour == HEADER_COLOUR, (name, colour)
        path = SHOTS / f"{name}.{self.lang}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


def _log_in(page: Page, pin: str, password: str = PASSWORD) -> None:
    page.fill("#username", pin)
    page.fill("#password", password)
    page.click("form[action$='/login'] button")


def _sms_code(live: Live) -> str:
    phone = PERSONA_PHONES[PIN]
    answer = httpx.get(f"{live.issuer}/sandbox/sms.json", params={"phone": phone})
    code: str = answer.json()["messages"][0]["code"]
    return code


def _interaction(context: BrowserContext, live: Live, camera: Camera, lang: str) -> None:
    page = context.new_page()
    page.goto(_authorize(live, lang, acr_values="LoA2"))
    camera.shoot(page, "login")
    _log_in(page, PIN, "not-the-password")
    page.wait_for_selector("[role=alert]")
    camera.shoot(page, "login-wrong-password")
    _log_in(page, PIN)
    page.wait_for_selector("#otp")
    camera.shoot(page, "otp")
    inbox = context.new_page()
    inbox.goto(f"{live.issuer}{page.get_attribute('a[target=_blank]', 'href')}")
    camera.shoot(inbox, "sms-inbox")
    page.fill("#otp", _sms_code(live))
    page.click("form[action$='/otp'] button")
    page.wait_for_selector("button[name=decision]")
    camera.shoot(page, "consent")
    page.click("button[name=decision][value=approve]")
    page.wait_for_url(f"{live.redirect}?*")
    page.goto(_authorize(live, lang, "l2", acr_values="LoA3"))
    page.wait_for_selector("#passcode")
    camera.shoot(page, "passcode")
    page.fill("#passcode", PASSCODE)
    page.click("form[action$='/passcode'] button")
    page.wait_for_selector("button[name=face]")
    camera.shoot(page, "face")
    page.click("button[name=face][value=match]")
    page.wait_for_selector("button[name=decision]")
    page.click("button[name=decision][value=approve]")
    page.wait_for_url(f"{live.redirect}?*")
    page.goto(f"{live.issuer}/account?lang={lang}")
    camera.shoot(page, "account")
    page.goto(f"{live.issuer}/logout?ui_locales={lang}")
    camera.shoot(page, "logout-confirmation")
    page.click("form[action^='/logout'] button")
    page.wait_for_url(re.compile(r".*/logged-out.*"))
    camera.shoot(page, "logged-out")


def _endings(context: BrowserContext, live: Live, camera: Camera, lang: str) -> None:
    for pin, name, extra in (
        (LEVEL1_PIN, "ending-level2", {"acr_values": "LoA3"}),
        (LOCKED_PIN, "ending-locked", {}),
    ):
        context.clear_cookies()
        page = context.new_page()
        page.goto(_authorize(live, lang, **extra))
        _log_in(page, pin)
        page.wait_for_selector("form[action$='/continue']")
        camera.shoot(page, name)


def _site(context: BrowserContext, live: Live, camera: Camera, lang: str) -> None:
    page = context.new_page()
    for path, name in (
        (f"/?lang={lang}", "front"),
        (f"/no-such-page?lang={lang}", "not-found"),
        (f"/authorize?client_id=nobody&ui_locales={lang}", "error"),
        (f"/interaction/gone?lang={lang}", "expired"),
    ):
        page.goto(f"{live.issuer}{path}")
        camera.shoot(page, name)
    icon = httpx.get(f"{live.issuer}/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")


def _form_post(browser_context: BrowserContext, live: Live, camera: Camera, lang: str) -> None:
    """The form_post page without JavaScript: its button, in the request's language."""
    page = browser_context.new_page()
    page.goto(_authorize(live, lang, response_mode="form_post", prompt="none"))
    page.wait_for_selector("button[type=submit]")
    camera.shoot(page, "form-post", styled=False)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_in_the_browser(live: Live, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    camera = Camera(lang)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _site(browser.new_context(), live, camera, lang)
        _interaction(browser.new_context(), live, camera, lang)
        _endings(browser.new_context(), live, camera, lang)
        _form_post(browser.new_context(java_script_enabled=False), live, camera, lang)
        browser.close()
    names = sorted(path.name for path in camera.taken)
    assert len(names) == 17, names
    assert all(path.stat().st_size > 1000 for path in camera.taken)
