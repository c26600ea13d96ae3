"""Check-in with the chip identity card in a real browser (Playwright driving Debian's Chromium,
headless), with two pages: the hospital's and the provider's simulated card reader, opened from the
hospital's page in a new tab. At the desk: the operator first types a wrong access key (the hospital's
page still waits), then the right one; the hospital's page, reloading itself, shows the card's holder
and the BHYT note; the patient picks the department and the ticket is printed; then the inspector. At
the kiosk: an impostor stands at the camera and the kiosk refuses, then returns to its start. Every step
is saved as ``test-artifacts/browser/hospital-chip/NN-step.png`` (and ``hospital-kiosk-chip/``). If
Chromium cannot start, the test fails: it is never skipped."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from clients.rp.catalogue import MESSAGES_DIR
from tests.clients.chip_browser_steps import Shots
from tests.clients.chip_browser_steps import open_reader
from tests.clients.chip_browser_steps import tap_card
from tests.clients.conftest import Stack
from tests.clients.test_browser_flows import ARTIFACTS
from tests.clients.test_browser_flows import CHROMIUM
from tests.clients.test_browser_flows import CHROMIUM_ARGS
from tests.oidc.conftest import PIN
from tests.page_reading import english_words
from tests.page_reading import problems

DESK: ViewportSize = {"width": 1100, "height": 800}
KIOSK: ViewportSize = {"width": 1280, "height": 900}
NAME = "Nguyễn Văn Bình"  # the persona of PIN
SPOUSE_PIN = "031190999002"
ENGLISH = english_words(MESSAGES_DIR)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure fails the test: never a skip
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {exc}")
        yield browser
        browser.close()


def test_a_patient_checks_in_at_the_desk_with_the_chip_card(
    chromium: Browser, stack: Stack
) -> None:
    shots = Shots(ARTIFACTS / "hospital-chip")
    context = chromium.new_context(viewport=DESK, locale="vi-VN")
    try:
        desk = context.new_page()
        desk.set_default_timeout(20_000)
        desk.goto(f"{stack.urls['hospital']}/")
        shots.take(desk, "home")
        desk.click("#chip-checkin")
        desk.wait_for_selector("#card-status")
        shots.take(desk, "waiting")
        reader = open_reader(desk)
        shots.take(reader, "reader")
        tap_card(reader, stack, shots, PIN, wrong_key_first=True)
        desk.bring_to_front()
        desk.wait_for_selector("#card-outcome[data-outcome=accepted]")  # reloaded itself, read
        shots.take(desk, "card-accepted")
        shown = desk.inner_text("main")
        for expected in (NAME, PIN, "15/03/1988", "tự chi trả"):
            assert expected in shown, expected
        assert desk.locator("#card-portrait").evaluate("img => img.naturalWidth") > 0
        assert desk.locator("#card-camera").evaluate("img => img.naturalWidth") > 0
        assert problems(desk.content(), "vi", ENGLISH) == []
        desk.select_option("#department", "nhi")
        desk.click("form[action$='/ticket'] button[type=submit]")
        desk.wait_for_selector("#queue-number")
        shots.take(desk, "ticket")
        assert "Khoa Nhi" in desk.inner_text("main")
        desk.click("a[href='/inspector']")
        desk.wait_for_selector("[data-step=card_verification]")
        assert desk.locator("[data-step=passive_authentication] .bad").count() == 0
        shots.take(desk, "inspector")
    finally:
        context.close()


def test_the_kiosk_refuses_an_impostor_at_its_camera(chromium: Browser, stack: Stack) -> None:
    shots = Shots(ARTIFACTS / "hospital-kiosk-chip")
    context = chromium.new_context(viewport=KIOSK, locale="vi-VN")
    try:
        kiosk = context.new_page()
        kiosk.set_default_timeout(20_000)
        kiosk.goto(f"{stack.urls['hospital']}/kiosk")
        kiosk.click("#kiosk-chip button[value=mat]")
        kiosk.wait_for_selector("#card-status")
        shots.take(kiosk, "kiosk-waiting")
        reader = open_reader(kiosk)
        tap_card(reader, stack, shots, PIN, face=SPOUSE_PIN)
        kiosk.bring_to_front()
        kiosk.wait_for_selector("#kiosk-outcome[data-outcome=card_refused]")
        assert kiosk.locator("[data-reason=face_mismatch]").count() == 1
        shots.take(kiosk, "kiosk-refused")
        kiosk.click("a[href='/kiosk/next']")
        kiosk.wait_for_selector("#kiosk-chip")
        shots.take(kiosk, "kiosk-next-patient")
    finally:
        context.close()
