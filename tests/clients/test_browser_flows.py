"""The three sample apps in a real browser (Playwright driving Debian's Chromium, headless) through the
real pages of the real servers of ``stack``: the portal's certificate request with its step-up and the
inspector, the bank's eKYC and large transfer, the hospital's check-in, single sign-on, single logout,
and the refusal paths. Every step is saved as ``test-artifacts/browser/<scenario>/NN-step.png``
(viewport 1000×700).

Then every page of every app, in Vietnamese and in English, pictured whole as
``test-artifacts/screenshots/clients/<app>-<page>.<lang>.png`` and read as its language in the
browser's own document (:func:`tests.page_reading.problems`); the tour reads a chip identity card at
the hospital and at the bank's counter too (tapped on the provider's reader by its API).

One browser for the module, one fresh context (cookie jar) per test. If Chromium cannot start, the
tests fail: they are never skipped."""

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import Response
from playwright.sync_api import ViewportSize
from playwright.sync_api import sync_playwright

from clients.rp.catalogue import LANGUAGES
from clients.rp.catalogue import MESSAGES_DIR
from tests.clients import card_steps
from tests.clients.conftest import APPS
from tests.clients.conftest import Stack
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.page_reading import english_words
from tests.page_reading import problems

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / "clients"
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ENGLISH = english_words(MESSAGES_DIR)
INTERACTION_PATHS = ("/interaction/", "/authorize?")  # the first page is the authorization answer
VIEWPORT: ViewportSize = {"width": 1000, "height": 700}
NAME = "Nguyễn Văn Bình"  # the persona of PIN
LOGGED_OUT_LINK = "a[href='/login']"
LOGOUT_BUTTON = "form[action='/logout'] button"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure fails the tests: never a skip
            pytest.fail(f"Chromium ({CHROMIUM}) did not start: {exc}")
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_bank_accounts(stack: Stack) -> None:
    """Accounts are one per citizen: every test starts with none."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.execute("DELETE FROM bank_transfer")
        db.execute("DELETE FROM bank_account")


class Tab:
    """One browser context and its page, with a numbered screenshot of every step and the provider's
    pages answered the way a citizen answers them."""

    def __init__(self, browser: Browser, stack: Stack, scenario: str, lang: str = "vi") -> None:
        self.stack = stack
        self.lang = lang
        self.context = browser.new_context(viewport=VIEWPORT, locale=f"{lang}-VN")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.navigations: list[str] = []
        self.page.on(
            "request",
            lambda request: (
                self.navigations.append(request.url) if request.is_navigation_request() else None
            ),
        )
        self.shots = ARTIFACTS / scenario
        shutil.rmtree(self.shots, ignore_errors=True)
        self.shots.mkdir(parents=True)
        self.count = 0
        self.status = 0
        self.ending = ""
        self.unread: dict[str, list[str]] = {}
        if lang != "vi":
            for app in APPS:  # chosen once at each app, remembered there
                self.goto(f"{stack.urls[app]}/?lang={lang}")

    def close(self) -> None:
        self.context.close()

    def shot(self, step: str, page: Page | None = None) -> Path:
        self.count += 1
        path = self.shots / f"{self.count:02d}-{step}.png"
        (page or self.page).screenshot(path=str(path))
        return path

    def picture(self, app: str, name: str) -> Path:
        """The whole page as ``<app>-<name>.<lang>.png``, and what a reader would find wrong in it."""
        path = SCREENSHOTS / f"{app}-{name}.{self.lang}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if found := problems(self.page.content(), self.lang, ENGLISH):
            self.unread[f"{app}-{name}"] = found
        return path

    def post_from_page(self, action: str) -> None:
        """Submit an empty form to ``action`` from the current page, as a browser would."""
        script = (
            "action => { const form = document.createElement('form'); form.method = 'post';"
            " form.action = action; document.body.append(form); form.submit(); }"
        )
        with self.page.expect_navigation() as navigation:
            self.page.evaluate(script, action)
        response: Response | None = navigation.value
        self.status = response.status if response is not None else 0

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        self.status = response.status if response is not None else 0

    def click(self, selector: str) -> None:
        """Click something that navigates, and wait for the page it leads to."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response: Response | None = navigation.value
        self.status = response.status if response is not None else 0

    def text(self) -> str:
        return self.page.inner_text("body")

    def at(self, url: str) -> bool:
        return self.page.url.split("?")[0] == url

    def json(self, url: str) -> Any:
        """A JSON resource fetched with this context's cookies (the app's session)."""
        return self.context.request.get(url).json()

    def answer_vneid(
        self, pin: str = PIN, decision: str = "approve", untick: tuple[str, ...] = ()
    ) -> list[str]:
        """Answer the provider's pages (password, SMS code read from the mock inbox, passcode, face
        match, consent with the scopes of ``untick`` unticked, an ending page's Continue) until the
        browser is back at an app; the kinds of pages answered, in order."""
        answered: list[str] = []
        page = self.page
        for _ in range(12):
            if not page.url.startswith(tuple(self.stack.idp + path for path in INTERACTION_PATHS)):
                return answered
            if page.locator("#password").count():
                answered.append("password")
                page.fill("#username", pin)
                page.fill("#password", PASSWORD)
                self.shot("vneid-password")
                self.click("form[action$='/login'] button[type=submit]")
            elif page.locator("#otp").count():
                answered.append("otp")
                self.shot("vneid-otp")
                with self.context.expect_page() as opened:
                    page.click("a[href^='/sandbox/sms']")  # the OTP page's inbox link (new tab)
                inbox = opened.value
                inbox.wait_for_load_state()
                self.shot("sandbox-sms-inbox", inbox)
                found = re.search(r"\b(\d{6})\b", inbox.inner_text("tbody tr"))
                assert found is not None, inbox.inner_text("body")
                inbox.close()
                page.fill("#otp", found.group(1))
                self.click("form[action$='/otp'] button[type=submit]")
            elif page.locator("#passcode").count():
                answered.append("passcode")
                page.fill("#passcode", PASSCODE)
                self.shot("vneid-passcode")
                self.click("form[action$='/passcode'] button[type=submit]")
            elif page.locator("button[name=face][value=match]").count():
                answered.append("face")
                portrait = page.locator("figure img")
                portrait.wait_for()
                # The synthetic portrait relying parties receive as `picture`, loaded and drawn.
                assert portrait.evaluate("img => img.complete && img.naturalWidth > 0")
                self.shot("vneid-face")
                self.click("button[name=face][value=match]")
            elif page.locator("button[name=decision]").count():
                answered.append("consent")
                for scope in untick:
                    page.uncheck(f"input[name=scope][value={scope}]")
                self.shot("vneid-consent")
                self.click(f"button[name=decision][value={decision}]")
            elif page.locator("form[action$='/continue'] button").count():
                answered.append("ending")
                self.ending = self.text()
                self.shot("vneid-ending")
                self.click("form[action$='/continue'] button")
            else:
                raise AssertionError(f"an unexpected VNeID page: {self.text()}")
        raise AssertionError("the login did not end")

    def signed_in(self) -> bool:
        """The app's header shows the logout button (and not the login link)."""
        return bool(self.page.locator(LOGOUT_BUTTON).count()) and not bool(
            self.page.locator(LOGGED_OUT_LINK).count()
        )


@pytest.fixture
def tabs(chromium: Browser, stack: Stack) -> Iterator[list[Tab]]:
    opened: list[Tab] = []
    yield opened
    for tab in opened:
        tab.close()


def _tab(chromium: Browser, stack: Stack, tabs: list[Tab], scenario: str, lang: str = "vi") -> Tab:
    tab = Tab(chromium, stack, scenario, lang)
    tabs.append(tab)
    return tab


def _portal_login(tab: Tab) -> None:
    """Sign in to the portal at LoA2 from its header link: password, SMS code, consent."""
    portal = tab.stack.urls["portal"]
    tab.goto(f"{portal}/")
    assert not tab.signed_in()
    tab.shot("portal-home")
    tab.click(LOGGED_OUT_LINK)
    assert tab.page.url.startswith(f"{tab.stack.idp}/authorize?")  # answered with the login page
    assert tab.answer_vneid() == ["password", "otp", "consent"]
    assert tab.at(f"{portal}/"), tab.page.url
    assert tab.signed_in()


def test_portal_judicial_record_steps_up_and_is_inspected(
    chromium: Browser, stack: Stack, tabs: list[Tab]
) -> None:
    portal = stack.urls["portal"]
    tab = _tab(chromium, stack, tabs, "portal")
    _portal_login(tab)
    text = tab.text()
    assert f"(SoDinhDanh): {PIN}" in text
    assert "LoA2" in text
    assert "Cấp Phiếu lý lịch tư pháp" in text
    assert "Tra cứu hồ sơ" in text
    tab.shot("service-catalogue")

    tab.click("a[href='/judicial-record']")
    # The step-up asks only the missing factors of LoA3 in the same VNeID session, then consent.
    assert tab.answer_vneid() == ["passcode", "face", "consent"]
    assert tab.at(f"{portal}/judicial-record"), tab.page.url
    assert any("acr_values=LoA3" in url for url in tab.navigations)
    text = tab.text()
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    assert NAME in text
    assert PIN in text
    assert "Nơi thường trú" in text
    assert "Thành viên hộ gia đình" in text
    assert "LoA3" in tab.page.inner_text("header")
    tab.shot("prefilled-form")

    purpose = "Bổ sung hồ sơ xin việc (trình duyệt)"
    tab.page.select_option("#certificate_type", "2")
    tab.page.fill("#copies", "2")
    tab.page.fill("#purpose", purpose)
    tab.shot("form-filled")
    tab.click("form[action='/judicial-record'] button[type=submit]")
    assert tab.at(f"{portal}/requests"), tab.page.url
    row = tab.page.locator("tr", has_text=purpose)
    assert row.count() == 1
    assert re.search(r"LLTP-\d{6}", row.inner_text())
    assert "LoA3" in row.inner_text()
    assert "Phiếu số 2" in row.inner_text()
    tab.shot("my-applications")

    tab.click("a[href='/inspector']")
    assert tab.at(f"{portal}/inspector")
    flows = tab.page.locator("section.flow")
    assert flows.count() == 2
    newest = flows.nth(0)
    assert "Nâng mức xác thực: Phiếu lý lịch tư pháp" in newest.locator("h2").inner_text()
    steps = newest.locator("article.step")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
        "authorization_request",
        "callback",
        "token_response",
        "id_token",
        "userinfo",
    ]
    shown = newest.inner_text()
    assert "LoA3" in shown
    assert "household" in shown
    assert "client_secret_basic" in shown
    assert "valid (RS256" in shown
    tab.shot("inspector")


def test_bank_ekyc_then_a_large_transfer_asks_again(
    chromium: Browser, stack: Stack, tabs: list[Tab]
) -> None:
    bank = stack.urls["bank"]
    tab = _tab(chromium, stack, tabs, "bank")
    tab.goto(f"{bank}/")
    assert "Mở tài khoản trực tuyến bằng VNeID" in tab.text()
    tab.shot("bank-home")
    tab.click("main a[href='/open']")
    assert tab.answer_vneid() == ["password", "passcode", "face", "consent"]
    assert tab.at(f"{bank}/open"), tab.page.url
    text = tab.text()
    assert "Xác nhận thông tin eKYC" in text
    assert PIN in text
    assert re.search(r"\+849\d{8}", text)
    assert "LoA3" in text
    assert "/portraits/" in (tab.page.get_attribute("main img", "src") or "")
    tab.shot("ekyc-confirm")
    tab.page.check("#terms")
    tab.click("form[action='/open'] button[type=submit]")
    assert tab.at(f"{bank}/account"), tab.page.url
    text = tab.text()
    assert "Tài khoản của bạn" in text
    assert re.search(r"9704\d{8}", text)
    assert "50.000.000 ₫" in text
    tab.shot("account-opened")

    before = len(tab.navigations)
    tab.page.fill("#to_account", "123456789")
    tab.page.fill("#amount", "15000000")
    tab.page.fill("#note", "Học phí")
    tab.shot("transfer-15m")
    tab.click("form[action='/transfer'] button[type=submit]")
    # The bank says why it asks again, and for which level, before going to VNeID.
    assert tab.at(f"{bank}/transfer/step-up"), tab.page.url
    waiting = tab.page.locator("table.facts").inner_text()
    assert "15.000.000 ₫" in waiting
    assert "123456789" in waiting
    assert "Số tiền này vượt 10.000.000 ₫" in tab.text()
    button = "a[href='/transfer/authenticate']"
    assert tab.page.inner_text(button) == "Xác thực bằng VNeID (mức LoA3)"
    assert not any(url.startswith(stack.idp) for url in tab.navigations[before:])
    tab.shot("step-up")
    tab.click(button)
    # max_age=0: the password again, then every factor of LoA3 (consent was given already).
    assert tab.answer_vneid() == ["password", "passcode", "face"]
    assert any(
        url.startswith(f"{stack.idp}/authorize") and "max_age=0" in url
        for url in tab.navigations[before:]
    )
    assert re.fullmatch(rf"{bank}/transfers/\d+", tab.page.url), tab.page.url
    receipt = tab.page.locator("table.facts").inner_text()
    assert "15.000.000 ₫" in receipt
    assert "35.000.000 ₫" in receipt
    tab.shot("receipt")
    tab.click("main a[href='/account']")
    assert "35.000.000 ₫" in tab.page.locator("table.facts").inner_text()
    row = tab.page.locator("tr", has_text="Học phí")
    assert "15.000.000 ₫" in row.inner_text()
    assert "LoA3" in row.inner_text()
    tab.shot("transfer-done")
    flow = tab.json(f"{bank}/inspector.json")["flows"][-1]
    assert flow["steps"][0]["data"]["parameters"]["max_age"] == "0"
    assert flow["steps"][3]["data"]["jwe_header"]["enc"] == "A256GCM"


def test_hospital_checkin_shows_the_bhyt_card(
    chromium: Browser, stack: Stack, tabs: list[Tab]
) -> None:
    hospital = stack.urls["hospital"]
    tab = _tab(chromium, stack, tabs, "hospital")
    tab.goto(f"{hospital}/")
    tab.shot("kiosk-home")
    tab.click("main a[href='/checkin']")
    assert tab.answer_vneid() == ["password", "passcode", "face", "consent"]
    assert tab.at(f"{hospital}/checkin"), tab.page.url
    card = tab.page.locator("table.facts").inner_text()
    assert NAME in card
    assert re.search(r"Số thẻ BHYT\s+[A-Z]{2}\d[0-9A-Z]{2}\d{10}", card), card
    assert re.search(r"Mức hưởng\s+\d+% chi phí \(mức \d\)", card), card
    assert re.search(r"Nơi đăng ký KCB ban đầu\s+\S", card), card
    assert not tab.page.locator("[role=alert]").count()  # the card is there
    tab.shot("bhyt-card")
    tab.page.select_option("#department", "mat")
    before = len(tab.navigations)
    tab.click("form[action='/checkin'] button[type=submit]")
    # The ticket is printed after the patient is logged out at VNeID (RP-initiated logout).
    assert tab.at(f"{hospital}/ticket"), tab.page.url
    assert any("id_token_hint=" in url for url in tab.navigations[before:])
    assert re.fullmatch(r"\d{3}", tab.page.inner_text("#queue-number"))
    assert "Khoa Mắt" in tab.text()
    assert not tab.signed_in()
    tab.shot("queue-number")
    tab.click("main a[href='/']")  # the next patient
    tab.click("main a[href='/checkin']")
    assert tab.page.locator("#password").count() == 1  # VNeID asks for a login again
    tab.shot("next-patient-logs-in")


def test_single_sign_on_the_hospital_asks_no_password_after_the_portal(
    chromium: Browser, stack: Stack, tabs: list[Tab]
) -> None:
    hospital = stack.urls["hospital"]
    tab = _tab(chromium, stack, tabs, "single-sign-on")
    _portal_login(tab)
    tab.shot("portal-signed-in")
    tab.goto(f"{hospital}/checkin")
    answered = tab.answer_vneid()
    # The VNeID session is reused: no password, no SMS code; the kiosk's LoA3 adds the passcode and
    # face, and the hospital's own consent is asked.
    assert "password" not in answered
    assert "otp" not in answered
    assert answered[-1] == "consent"
    assert tab.at(f"{hospital}/checkin"), tab.page.url
    assert tab.signed_in()
    assert NAME in tab.text()
    tab.shot("hospital-signed-in")
    portal_claims = tab.json(f"{stack.urls['portal']}/inspector.json")["flows"][-1]["steps"][3]
    hospital_claims = tab.json(f"{hospital}/inspector.json")["flows"][-1]["steps"][3]
    assert portal_claims["data"]["claims"]["sid"] == hospital_claims["data"]["claims"]["sid"]


def test_single_logout_logs_every_app_out(chromium: Browser, stack: Stack, tabs: list[Tab]) -> None:
    urls = stack.urls
    tab = _tab(chromium, stack, tabs, "single-logout")
    _portal_login(tab)
    tab.goto(f"{urls['hospital']}/checkin")
    tab.answer_vneid()
    assert tab.at(f"{urls['hospital']}/checkin")
    tab.goto(f"{urls['bank']}/login")
    assert tab.answer_vneid() == ["consent"]  # LoA3 reached already: the bank's consent only
    assert tab.signed_in()
    tab.shot("bank-signed-in")
    for app in ("hospital", "portal"):  # the portal last: its page is where the citizen logs out
        tab.goto(f"{urls[app]}/")
        assert tab.signed_in(), app

    tab.shot("portal-before-logout")
    tab.click(LOGOUT_BUTTON)
    assert tab.at(f"{urls['portal']}/logged-out"), tab.page.url
    assert "Đã đăng xuất" in tab.text()
    assert not tab.signed_in()
    tab.shot("portal-logged-out")
    for app in ("hospital", "bank"):  # ended by the provider's back-channel logout tokens
        tab.goto(f"{urls[app]}/")
        assert tab.page.locator(LOGGED_OUT_LINK).count() == 1, app
        assert not tab.page.locator(LOGOUT_BUTTON).count(), app
        tab.shot(f"{app}-reloaded-logged-out")
    # The VNeID session is gone too: the hospital asks for the password again.
    tab.goto(f"{urls['hospital']}/checkin")
    assert tab.page.locator("#password").count() == 1
    tab.shot("hospital-asks-password-again")


@pytest.mark.parametrize(("lang", "declined"), [("vi", "từ chối"), ("en", "declined")])
def test_denied_consent_is_the_apps_clear_error_page(
    chromium: Browser, stack: Stack, tabs: list[Tab], lang: str, declined: str
) -> None:
    portal = stack.urls["portal"]
    tab = _tab(chromium, stack, tabs, f"portal-denied-consent-{lang}", lang)
    tab.goto(f"{portal}/login")
    assert tab.answer_vneid(decision="deny") == ["password", "otp", "consent"]
    assert tab.at(f"{portal}/callback"), tab.page.url
    assert tab.status == 400
    assert tab.page.get_attribute("html", "lang") == lang
    assert declined in tab.page.inner_text("[role=alert]")
    assert "access_denied" in tab.text()
    assert not tab.signed_in()
    tab.shot("access-denied")


def test_level1_citizen_at_the_bank_is_explained_then_refused(
    chromium: Browser, stack: Stack, tabs: list[Tab]
) -> None:
    bank = stack.urls["bank"]
    tab = _tab(chromium, stack, tabs, "bank-level1")
    tab.goto(f"{bank}/open")
    answered = tab.answer_vneid(pin=LEVEL1_PIN)
    assert answered[0] == "password"
    assert answered[-1] == "ending"
    assert "passcode" not in answered
    # VNeID's own explanation first: level 1, and how to reach level 2.
    assert "Chưa đủ mức xác thực" in tab.ending
    assert "mức 2" in tab.ending
    assert "Công an" in tab.ending
    assert tab.at(f"{bank}/callback"), tab.page.url
    assert tab.status == 400
    assert "unmet_authentication_requirements" in tab.text()
    assert "mức 2" in tab.page.inner_text("[role=alert]")
    assert not tab.signed_in()
    tab.shot("bank-refusal")


def _portal_pages(tab: Tab) -> None:
    portal = tab.stack.urls["portal"]
    tab.goto(f"{portal}/")
    tab.picture("portal", "home-logged-out")
    tab.goto(f"{portal}/inspector")
    tab.picture("portal", "inspector-empty")
    tab.goto(f"{portal}/no-such-page")
    assert tab.status == 404
    tab.picture("portal", "not-found")
    tab.post_from_page("/")
    assert tab.status == 405
    tab.picture("portal", "method-not-allowed")
    tab.goto(f"{portal}/callback?code=x&state=forged")
    assert tab.status == 400
    tab.picture("portal", "invalid-state")
    tab.goto(f"{portal}/login")  # denied first: consent is remembered once given
    tab.answer_vneid(decision="deny")
    assert tab.status == 400
    tab.picture("portal", "access-denied")
    tab.goto(f"{portal}/")
    tab.click(LOGGED_OUT_LINK)
    tab.answer_vneid()
    assert tab.signed_in()
    tab.picture("portal", "home")
    tab.click("main a[href='/judicial-record']")
    tab.answer_vneid()
    assert tab.at(f"{portal}/judicial-record"), tab.page.url
    tab.picture("portal", "judicial-record")
    tab.page.fill("#purpose", "Bổ sung hồ sơ xin việc")
    tab.click("form[action='/judicial-record'] button[type=submit]")
    assert tab.at(f"{portal}/requests"), tab.page.url
    tab.picture("portal", "requests")
    tab.goto(f"{portal}/judicial-record")
    tab.page.fill("#purpose", "Bổ sung hồ sơ xin việc")
    tab.page.eval_on_selector(
        "#copies", "input => { input.removeAttribute('max'); input.value = 9; }"
    )
    tab.click("form[action='/judicial-record'] button[type=submit]")
    assert tab.status == 400
    tab.picture("portal", "bad-input")
    tab.goto(f"{portal}/judicial-record")
    tab.page.fill("#purpose", "Bổ sung hồ sơ xin việc")
    tab.page.eval_on_selector("main input[name=csrf]", "input => { input.value = 'forged'; }")
    tab.click("form[action='/judicial-record'] button[type=submit]")
    assert tab.status == 403
    tab.picture("portal", "forged-form")
    tab.goto(f"{portal}/inspector")
    tab.picture("portal", "inspector")
    tab.goto(f"{portal}/")
    tab.click(LOGOUT_BUTTON)
    assert tab.at(f"{portal}/logged-out"), tab.page.url
    tab.picture("portal", "logged-out")
    tab.goto(f"{portal}/logged-out?state=forged")
    assert tab.status == 400
    tab.picture("portal", "logout-invalid-state")
    tab.goto(f"{portal}/inspector")
    assert tab.page.locator("article[data-step=logout_request]").count() == 1
    tab.picture("portal", "inspector-after-logout")


def _transfer(tab: Tab, amount: int) -> None:
    tab.goto(f"{tab.stack.urls['bank']}/account")
    tab.page.fill("#to_account", "123456789")
    tab.page.fill("#amount", str(amount))
    tab.page.fill("#note", "Học phí")
    tab.click("form[action='/transfer'] button[type=submit]")


def _bank_pages(tab: Tab) -> None:
    bank = tab.stack.urls["bank"]
    tab.goto(f"{bank}/")
    tab.picture("bank", "home")
    tab.click("main a[href='/open']")
    tab.answer_vneid()
    assert tab.at(f"{bank}/open"), tab.page.url
    tab.picture("bank", "open")
    tab.page.check("#terms")
    tab.click("form[action='/open'] button[type=submit]")
    assert tab.at(f"{bank}/account"), tab.page.url
    tab.picture("bank", "account-new")
    _transfer(tab, 2_000_000)
    assert re.fullmatch(rf"{bank}/transfers/\d+", tab.page.url), tab.page.url
    tab.picture("bank", "receipt")
    _transfer(tab, 15_000_000)
    assert tab.at(f"{bank}/transfer/step-up"), tab.page.url
    tab.picture("bank", "step-up")
    tab.click("a[href='/transfer/authenticate']")
    tab.answer_vneid()
    assert re.fullmatch(rf"{bank}/transfers/\d+", tab.page.url), tab.page.url
    tab.picture("bank", "receipt-after-step-up")
    tab.goto(f"{bank}/account")
    tab.picture("bank", "account")
    _transfer(tab, 900_000_000)
    assert tab.status == 400
    tab.picture("bank", "insufficient-balance")
    tab.goto(f"{bank}/transfers/999999")
    assert tab.status == 404
    tab.picture("bank", "no-such-receipt")
    tab.goto(f"{bank}/transfer/confirm?error=another_citizen")
    assert tab.status == 403
    tab.picture("bank", "refused")
    tab.goto(f"{bank}/counter")
    tab.click("#counter-chip button[type=submit]")
    _card_read(tab, "bank", "counter-chip")
    tab.goto(f"{bank}/inspector")
    tab.picture("bank", "inspector")
    tab.click(LOGOUT_BUTTON)
    assert tab.at(f"{bank}/logged-out"), tab.page.url
    tab.picture("bank", "logged-out")
    tab.goto(f"{bank}/open")
    tab.answer_vneid(pin=LEVEL1_PIN)
    assert tab.status == 400
    tab.picture("bank", "level-1-refused")


def _card_read(tab: Tab, app: str, name: str) -> None:
    """An app waiting for a chip card (pictured as ``<name>-waiting``); the card tapped on the
    provider's reader by its API; the app's page, reloaded by itself, with the accepted card."""
    tab.page.wait_for_selector("#card-status")
    tab.picture(app, f"{name}-waiting")
    reader = str(tab.page.get_attribute("#reader-link", "href")).rsplit("/", 1)[1]
    assert card_steps.tap(tab.stack, reader, PIN).status_code == 200
    tab.page.wait_for_selector("#card-outcome[data-outcome=accepted]")
    tab.picture(app, f"{name}-accepted")


def _hospital_pages(tab: Tab) -> None:
    hospital = tab.stack.urls["hospital"]
    tab.goto(f"{hospital}/")
    tab.picture("hospital", "home")
    tab.click("main a[href='/checkin']")
    tab.answer_vneid(untick=("health_insurance",))
    assert tab.page.locator("a[href='/checkin/share-card']").count() == 1
    tab.picture("hospital", "card-not-shared")
    tab.click("a[href='/checkin/share-card']")
    tab.answer_vneid()
    assert tab.at(f"{hospital}/checkin"), tab.page.url
    assert not tab.page.locator("[role=alert]").count()
    tab.picture("hospital", "card")
    tab.page.select_option("#department", "nhi")
    tab.click("form[action='/checkin'] button[type=submit]")
    assert tab.at(f"{hospital}/ticket"), tab.page.url
    tab.picture("hospital", "ticket")
    tab.goto(f"{hospital}/")
    tab.click("#chip-checkin")
    _card_read(tab, "hospital", "chip")
    tab.page.select_option("#department", "mat")
    tab.click("form[action$='/ticket'] button[type=submit]")
    assert tab.at(f"{hospital}/ticket"), tab.page.url
    tab.picture("hospital", "chip-ticket")
    tab.goto(f"{hospital}/inspector")
    tab.picture("hospital", "inspector")
    tab.goto(f"{hospital}/no-such-page")
    assert tab.status == 404
    tab.picture("hospital", "not-found")


PAGES = {
    "portal": (
        _portal_pages,
        "home-logged-out inspector-empty not-found method-not-allowed invalid-state access-denied "
        "home judicial-record requests bad-input forged-form inspector logged-out "
        "logout-invalid-state inspector-after-logout",
    ),
    "bank": (
        _bank_pages,
        "home open account-new receipt step-up receipt-after-step-up account insufficient-balance "
        "no-such-receipt refused counter-chip-waiting counter-chip-accepted inspector logged-out "
        "level-1-refused",
    ),
    "hospital": (
        _hospital_pages,
        "home card-not-shared card ticket chip-waiting chip-accepted chip-ticket inspector not-found",
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_page_pictured_in_each_language(
    chromium: Browser, stack: Stack, tabs: list[Tab], app: str, lang: str
) -> None:
    walk, names = PAGES[app]
    pictures = [SCREENSHOTS / f"{app}-{name}.{lang}.png" for name in names.split()]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for picture in pictures:
        picture.unlink(missing_ok=True)
    tab = _tab(chromium, stack, tabs, f"pages-{app}-{lang}", lang)
    walk(tab)
    assert [p.name for p in pictures if not p.is_file() or p.stat().st_size == 0] == []
    assert tab.unread == {}
