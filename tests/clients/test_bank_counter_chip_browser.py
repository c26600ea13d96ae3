"""eKYC at the bank's counter with the chip identity card in a real browser (Playwright driving Debian's
Chromium, headless), with two pages: the teller's and the provider's simulated card reader, opened from
the teller's page in a new tab. The teller chooses the operation and "read the chip identity card"; at
the reader the customer's card is placed, its access key typed as printed on the card and tapped with
the customer at the camera; the teller's page, reloading itself, shows "eKYC hoàn tất" with the
customer's data from the chip, the chip's portrait beside the camera's photo; then the inspector, with
every file, the bank's own checks and the service's answer. Every step is saved as
``test-artifacts/browser/bank-counter-chip/NN-step.png``. If Chromium cannot start, the test fails: it
is never skipped."""

import pytest
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
NAME = "Nguyễn Văn Bình"  # the persona of PIN
ENGLISH = english_words(MESSAGES_DIR)


def test_the_teller_completes_ekyc_with_the_chip_card(stack: Stack) -> None:
    shots = Shots(ARTIFACTS / "bank-counter-chip")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure fails the test: never a skip
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {exc}")
        context = browser.new_context(viewport=DESK, locale="vi-VN")
        teller = context.new_page()
        teller.set_default_timeout(20_000)
        teller.goto(f"{stack.urls['bank']}/counter")
        shots.take(teller, "counter")
        teller.select_option("#chip-operation", "open_account")
        teller.click("#counter-chip button[type=submit]")
        teller.wait_for_selector("#card-status")
        shots.take(teller, "waiting")
        reader = open_reader(teller)
        tap_card(reader, stack, shots, PIN)
        teller.bring_to_front()
        teller.wait_for_selector("#card-outcome[data-outcome=accepted]")
        shots.take(teller, "ekyc-complete")
        result = teller.inner_text("main")
        for shown in ("eKYC hoàn tất", NAME, PIN, "15/03/1988", "Bộ Công an"):
            assert shown in result, shown
        assert teller.locator("#card-portrait").evaluate("img => img.naturalWidth") > 0
        assert problems(teller.content(), "vi", ENGLISH) == []
        teller.click("main a[href='/inspector']")
        teller.wait_for_selector("[data-step=card_verification]")
        assert teller.locator("[data-step=card_read] [data-file=DG13]").count() == 1
        assert teller.locator("[data-step=card_read] img").evaluate("img => img.naturalWidth") > 0
        shots.take(teller, "inspector")
        browser.close()
