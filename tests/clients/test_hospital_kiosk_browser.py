"""The hospital kiosk in a real browser (Playwright driving Debian's Chromium, headless) with two pages
on the servers of ``stack``: the kiosk's screen (a landscape kiosk) and the patient's phone (phone-sized)
running the simulated VNeID app at ``/phone``. The patient touches a department, the phone "scans" the
kiosk's QR code by pasting the link it carries (``verification_uri_complete``, which the sandbox kiosk
also shows under the code), approves with the
passcode and the face; the kiosk's screen, refreshing by itself, polls and shows the ticket; then the
next patient's start. Every step is saved as ``test-artifacts/browser/hospital-kiosk/NN-step.png``.
If Chromium cannot start, the test fails: it is never skipped."""

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from tests.clients.conftest import Stack
from tests.clients.test_browser_flows import ARTIFACTS
from tests.clients.test_browser_flows import CHROMIUM
from tests.clients.test_browser_flows import CHROMIUM_ARGS
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PIN

SHOTS = ARTIFACTS / "hospital-kiosk"
KIOSK_SIZE: ViewportSize = {"width": 1280, "height": 900}
PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
NAME = "Nguyễn Văn Bình"  # the persona of PIN


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure fails the test: never a skip
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {exc}")
        yield browser
        browser.close()


class Shots:
    """Numbered screenshots of one scenario, whichever page they show."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.count = 0

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


def _open_phone(phone: Page, stack: Stack, shots: Shots) -> None:
    """The patient opens the simulated VNeID app as themselves, then its scanner."""
    phone.goto(f"{stack.idp}/phone")
    phone.fill("#who", PIN)
    phone.click("form[action='/phone/open'] button[type=submit] >> nth=0")
    phone.wait_for_selector("a[href='/phone/scan']")
    shots.take(phone, "phone-home")
    phone.click("a[href='/phone/scan']")
    phone.wait_for_selector("#link")


def test_the_kiosk_code_scanned_and_approved_on_the_phone(chromium: Browser, stack: Stack) -> None:
    hospital, shots = stack.urls["hospital"], Shots(SHOTS)
    kiosk_context = chromium.new_context(viewport=KIOSK_SIZE, locale="vi-VN")
    phone_context = chromium.new_context(viewport=PHONE_SIZE, is_mobile=True, locale="vi-VN")
    try:
        kiosk, phone = kiosk_context.new_page(), phone_context.new_page()
        kiosk.set_default_timeout(20_000)
        phone.set_default_timeout(15_000)
        kiosk.goto(f"{hospital}/kiosk")
        shots.take(kiosk, "kiosk-start")
        kiosk.click("button[name=department][value=mat]")
        kiosk.wait_for_selector("#user-code")
        assert kiosk.locator("figure.kiosk-qr svg path").count() >= 1
        user_code = kiosk.inner_text("#user-code")
        link = kiosk.inner_text("#sandbox-link code")  # shown under the QR code, to copy
        assert link == f"{stack.idp}/device?user_code={user_code}"
        assert kiosk.get_attribute("figure.kiosk-qr", "data-link") == link
        drawn = Image.open(io.BytesIO(kiosk.locator("figure.kiosk-qr svg").screenshot()))
        assert [found.text for found in zxingcpp.read_barcodes(drawn)] == [link]  # a real QR code
        shots.take(kiosk, "kiosk-code")

        _open_phone(phone, stack, shots)
        phone.fill("#link", link)  # the camera's part: the link the QR code carries
        shots.take(phone, "phone-scan")
        phone.click("form[action='/phone/scan'] button[type=submit]")
        phone.wait_for_selector("#passcode")
        assert "ki-ốt tự phục vụ" in phone.inner_text("h1")
        shots.take(phone, "phone-approval")
        phone.fill("#passcode", PASSCODE)
        phone.click("button[name=decision][value=approve]")
        phone.wait_for_selector("h1")
        shots.take(phone, "phone-approved")

        kiosk.wait_for_selector("#queue-number")  # the screen refreshed itself and polled
        ticket = kiosk.inner_text("main")
        assert NAME in ticket
        assert "Khoa Mắt" in ticket
        shots.take(kiosk, "kiosk-ticket")
        kiosk.click("a[href='/kiosk/next']")
        kiosk.wait_for_selector("button[name=department]")
        shots.take(kiosk, "kiosk-next-patient")
    finally:
        kiosk_context.close()
        phone_context.close()
