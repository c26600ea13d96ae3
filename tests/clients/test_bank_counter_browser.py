"""The bank's teller counter in a real browser (Playwright driving Debian's Chromium, headless) with two
pages: the teller's (desktop) and the customer's VNeID app on the provider's simulated phone (``/phone``,
phone-sized). A malformed PIN is a field error; the teller sends the request, the phone lists it with
the same binding message as the counter, the customer approves with the passcode and the face, and the
teller's page, reloading itself (``Refresh``, no script), shows eKYC complete at LoA4; then the
inspector. Every step is saved as ``test-artifacts/browser/bank-counter/NN-step.png``. If Chromium
cannot start, the test fails: it is never skipped."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from clients.rp.catalogue import MESSAGES_DIR
from tests.clients.conftest import Stack
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PIN
from tests.page_reading import english_words
from tests.page_reading import problems

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "browser" / "bank-counter"
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESK: ViewportSize = {"width": 1000, "height": 700}
PHONE: ViewportSize = {"width": 390, "height": 844}
NAME = "Nguyễn Văn Bình"  # the persona of PIN
ENGLISH = english_words(MESSAGES_DIR)


class Shots:
    """Numbered screenshots of either page, in the order the steps happen."""

    def __init__(self) -> None:
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)
        self.count = 0

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(SHOTS / f"{self.count:02d}-{step}.png"), full_page=True)


def _open_phone(phone: Page, stack: Stack, shots: Shots) -> None:
    """The customer opens their VNeID app (its home screen binds the device key)."""
    phone.goto(f"{stack.idp}/phone")
    phone.fill("#who", PIN)
    phone.click("form[action='/phone/open'] button[type=submit] >> nth=0")
    phone.wait_for_selector("a[href='/phone/scan']")
    shots.take(phone, "phone-home")


def _teller_sends(teller: Page, stack: Stack, shots: Shots) -> str:
    """A malformed PIN first (a field error), then the customer's; the binding message shown."""
    teller.goto(f"{stack.urls['bank']}/counter")
    shots.take(teller, "teller-form")
    teller.fill("#pin", "12345")
    teller.click("form[action='/counter'] button[type=submit]")
    teller.wait_for_selector("#pin-error")
    assert teller.get_attribute("#pin", "aria-invalid") == "true"
    shots.take(teller, "teller-bad-pin")
    teller.fill("#pin", PIN)
    teller.select_option("#operation", "open_account")
    teller.click("form[action='/counter'] button[type=submit]")
    teller.wait_for_selector("#binding-message")
    shots.take(teller, "teller-waiting")
    assert teller.locator("[role=status]").count() == 1
    return teller.inner_text("#binding-message")


def _customer_approves(phone: Page, binding_message: str, shots: Shots) -> None:
    phone.reload()
    waiting = phone.locator("ul.services li", has_text=binding_message)
    waiting.wait_for()
    shots.take(phone, "phone-waiting")
    waiting.locator("a").click()
    phone.wait_for_selector("#passcode")
    assert binding_message in phone.inner_text("dl")
    shots.take(phone, "phone-request")
    phone.fill("#passcode", PASSCODE)
    phone.click("button[name=decision][value=approve]")
    phone.wait_for_selector("h1")
    shots.take(phone, "phone-approved")


def test_the_teller_checks_a_customer_who_approves_on_the_phone(stack: Stack) -> None:
    shots = Shots()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure fails the test: never a skip
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {exc}")
        desk = browser.new_context(viewport=DESK, locale="vi-VN")
        hand = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
        teller, phone = desk.new_page(), hand.new_page()
        for page in (teller, phone):
            page.set_default_timeout(20_000)
        _open_phone(phone, stack, shots)
        binding_message = _teller_sends(teller, stack, shots)
        _customer_approves(phone, binding_message, shots)
        teller.wait_for_selector("h2.ok")  # the page reloaded itself and polled
        shots.take(teller, "teller-ekyc-complete")
        result = teller.inner_text("main")
        for shown in (NAME, PIN, "LoA4", "hwk", binding_message):
            assert shown in result
        assert "<script" not in teller.content()
        assert problems(teller.content(), "vi", ENGLISH) == []
        teller.click("main a[href='/inspector']")
        teller.wait_for_selector("[data-step=backchannel_request]")
        shots.take(teller, "teller-inspector")
        browser.close()
