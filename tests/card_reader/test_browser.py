"""The card reader in a real browser (Playwright driving Debian's Chromium, headless): a kiosk's software
opens a reader over the API; its page, opened phone-sized at ``reader_url``, waits for a card; the
operator chooses a persona, types a wrong access key (the page says the chip did not open, and the API
still waits), then the right one; the API then gives the chip's files, which pass passive
authentication, and the camera's photo of the holder. The page is read in English too. Every step is
saved as ``test-artifacts/browser/card-reader/NN-step.png``; no page breaks its Content-Security-Policy.
If Chromium cannot start, the test fails: it is never skipped."""

import base64
import shutil
from datetime import UTC
from datetime import datetime
from pathlib import Path

import httpx
from cryptography import x509
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from idp.chip.face_match import compare_faces
from idp.chip.lds import portrait_of
from idp.chip.passive import passive_authentication
from tests.login.test_browser import CHROMIUM
from tests.login.test_browser import CHROMIUM_ARGS
from tests.login.test_browser import Live
from tests.login.test_browser import live
from tests.oidc.conftest import PIN
from tests.oidc.conftest import env

__all__ = ["env", "live"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser" / "card-reader"
READER_SIZE: ViewportSize = {"width": 600, "height": 960}  # a counter's tablet
API = "/api/card-reader/sessions"


class Shots:
    def __init__(self) -> None:
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)
        self.count = 0

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(SHOTS / f"{self.count:02d}-{step}.png"), full_page=True)


def test_an_operator_taps_a_card_and_the_kiosk_reads_it(live: Live) -> None:
    shots, violations = Shots(), []
    opened = httpx.post(f"{live.issuer}{API}", json={"label": "Quầy giao dịch số 3"}).json()
    status = f"{live.issuer}{API}/{opened['reader_id']}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=READER_SIZE).new_page()
        page.on("console", lambda message: violations.append(message.text))
        page.goto(opened["reader_url"])
        assert page.inner_text("h1") == "Chạm thẻ vào đầu đọc"
        shots.take(page, "waiting")
        page.click(f"form:has(input[name=who][value='{PIN}']) button")
        page.wait_for_selector("#card_number")
        assert page.inner_text("#card-number") == PIN
        shots.take(page, "card-placed")

        page.fill("#card_number", PIN)
        page.fill("#birth_date", "16/03/1988")  # a day off
        page.fill("#expiry_date", "15/03/2028")
        page.click("#tap")
        page.wait_for_selector("[role=alert]")
        assert page.inner_text("[role=alert]") == "Không mở được chip: khóa truy cập sai."
        shots.take(page, "wrong-key")
        assert httpx.get(status).json()["status"] == "waiting"

        page.fill("#card_number", PIN[-9:])
        page.fill("#birth_date", "880315")
        page.fill("#expiry_date", "280315")
        page.click("#tap")
        page.wait_for_selector("#chip-open")
        shots.take(page, "chip-open")
        page.click("a.switch")
        page.wait_for_selector("html[lang=en]")
        assert page.inner_text("h1") == "The chip is open"
        shots.take(page, "chip-open-en")
        browser.close()

    read = httpx.get(status).json()
    assert read["status"] == "card_present"
    assert read["label"] == "Quầy giao dịch số 3"
    files = {name: base64.b64decode(data) for name, data in read["files"].items()}
    csca = x509.load_pem_x509_certificate(httpx.get(f"{live.issuer}/pki/csca.pem").content)
    checked = passive_authentication(files, [csca], datetime.now(UTC))
    assert checked.valid, checked.reasons
    photo = httpx.get(f"{status}/camera").content
    assert compare_faces(photo, portrait_of(files["DG2"])).matched
    assert [text for text in violations if "Content Security Policy" in text] == []
