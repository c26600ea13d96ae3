"""QR login in a real browser (Playwright driving Debian's Chromium) with two pages: the desktop's login
page shows its QR code; the phone (another browser context, phone-sized) opens the simulated app,
scans the code from the list of codes shown, approves with the passcode and the face; the desktop page,
polling, goes on to the relying party by itself, whose code gives an ID token at LoA4. Screenshots of
every step go to ``test-artifacts/browser/phone/``. If the browser cannot start, the test fails."""

import io
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from tests.login.test_browser import CHROMIUM
from tests.login.test_browser import CHROMIUM_ARGS
from tests.login.test_browser import Live
from tests.login.test_browser import _authorize_url
from tests.login.test_browser import _redeem
from tests.login.test_browser import live
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PIN
from tests.oidc.conftest import pkce

__all__ = ["live"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser" / "phone"
PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_qr_login_on_the_desktop_approved_on_the_phone(live: Live) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desktop = browser.new_context().new_page()
        verifier, challenge = pkce()
        desktop.goto(_authorize_url(live, "l2", "openid profile eid_card", "LoA4", challenge))
        desktop.wait_for_load_state("load")  # the QR code's image loaded
        assert desktop.locator("#password").count() == 0  # LoA4: only the phone reaches it
        _shot(desktop, "01-desktop-qr")
        # the code on the screen is a real QR code: an independent decoder reads the link in it
        shot = desktop.locator(".qr-login img").screenshot()
        (ARTIFACTS / "qr.png").write_bytes(shot)
        drawn = Image.open(io.BytesIO(shot))
        decoded = [found.text for found in zxingcpp.read_barcodes(drawn)]
        assert decoded == [desktop.input_value("#qr-link")]

        phone = browser.new_context(viewport=PHONE_SIZE, is_mobile=True).new_page()
        phone.goto(f"{live.issuer}/phone")
        _shot(phone, "02-phone-open")
        phone.fill("#who", PIN)
        phone.click("form[action='/phone/open'] button[type=submit] >> nth=0")
        phone.wait_for_selector("a[href='/phone/scan']")
        _shot(phone, "03-phone-home")
        phone.click("a[href='/phone/scan']")
        phone.click("a[href^='/phone/scan?r=']")
        phone.wait_for_selector("#passcode")
        _shot(phone, "04-phone-approval")
        phone.uncheck("input[name=scope][value=profile]")  # the card only
        phone.fill("#passcode", PASSCODE)
        phone.click("button[name=decision][value=approve]")
        phone.wait_for_selector("h1")
        _shot(phone, "05-phone-approved")

        desktop.wait_for_url(f"{live.redirect}?*", timeout=15_000)  # its polling reloads it
        _shot(desktop, "06-desktop-rp")
        tokens, claims = _redeem(live, desktop.url, verifier)
        browser.close()
    assert claims["acr"] == "LoA4"
    assert claims["amr"] == ["face", "hwk", "mfa", "pin"]
    assert tokens["scope"].split() == ["openid", "eid_card"]
