"""Every page of the three apps reads as its language, in Vietnamese and in English: logged out and
logged in, the forms' results, the bank's step-up and receipts, the refusals, the error pages (404, 405,
bad input, a forged form, a failed sign-in), the flow inspector, the bank's teller counter (its form,
a malformed PIN, a customer waited for, approved, refused; eKYC with the chip identity card), the
hospital kiosk's screens, and the hospital's check-in and kiosk with the chip identity card (waiting,
accepted, the ticket, refused, cancelled). Each page is read as a person reads it (:func:`tests.page_reading.problems`): the right ``<html lang>``, no raw
value (``male``, ``VN``, an ISO date, ``UTC``, ``None``), and on a Vietnamese page no English word."""

import sqlite3
from collections.abc import Callable

import httpx
import pytest

from clients.rp.catalogue import LANGUAGES
from clients.rp.catalogue import MESSAGES_DIR
from idp.testkit.mock import VneidMock
from tests.clients import card_steps
from tests.clients import kiosk_steps
from tests.clients.conftest import APPS
from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.counter_steps import PhoneApp
from tests.clients.counter_steps import binding_message_of
from tests.clients.counter_steps import start_at_counter
from tests.clients.counter_steps import wait_for_the_end
from tests.clients.kiosk_steps import kiosk_clock
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PIN
from tests.oidc.conftest import csrf_of
from tests.page_reading import english_words
from tests.page_reading import problems

ENGLISH = english_words(MESSAGES_DIR)
SPOUSE_PIN = "031190999002"  # another level-2 citizen with the app (the persona's wife)
Pages = dict[str, tuple[httpx.Response, int]]
"""Each page by name: the response and the status it must have."""


@pytest.fixture(autouse=True)
def no_bank_accounts(stack: Stack) -> None:
    """Accounts are one per citizen: every test starts with none."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.execute("DELETE FROM bank_transfer")
        db.execute("DELETE FROM bank_account")


def speaking(stack: Stack, lang: str) -> Browser:
    """A new browser that chose ``lang`` at every app."""
    browser = Browser(stack)
    for app in APPS:
        assert browser.http.get(f"{stack.urls[app]}/", params={"lang": lang}).status_code == 200
    return browser


def portal_pages(stack: Stack, lang: str) -> Pages:
    portal = stack.urls["portal"]
    denied = speaking(stack, lang)  # first: consent is remembered once given
    access_denied = denied.get(f"{portal}/login", decision="deny")
    denied.close()
    browser = speaking(stack, lang)
    pages: Pages = {
        "access-denied": (access_denied, 400),
        "home-logged-out": (browser.get(f"{portal}/"), 200),
        "inspector-empty": (browser.get(f"{portal}/inspector"), 200),
        "not-found": (browser.get(f"{portal}/no-such-page"), 404),
        "method-not-allowed": (browser.http.post(f"{portal}/"), 405),
        "no-keys": (browser.get(f"{portal}/jwks"), 404),
        "invalid-state": (browser.get(f"{portal}/callback?code=x&state=forged"), 400),
        "home": (browser.get(f"{portal}/login"), 200),
        "judicial-record": (browser.get(f"{portal}/judicial-record"), 200),
    }
    form = {"csrf": browser.csrf("portal"), "certificate_type": "2", "copies": "2"}
    form["purpose"] = "Bổ sung hồ sơ xin việc"
    pages["requests"] = (browser.post(f"{portal}/judicial-record", form), 200)
    bad = browser.http.post(f"{portal}/judicial-record", data={**form, "copies": "99"})
    pages["bad-input"] = (bad, 400)
    forged = browser.http.post(f"{portal}/judicial-record", data={**form, "csrf": "forged"})
    pages["forged-form"] = (forged, 403)
    pages["inspector"] = (browser.get(f"{portal}/inspector"), 200)
    pages["logged-out"] = (browser.post(f"{portal}/logout", {"csrf": browser.csrf("portal")}), 200)
    pages["logout-invalid-state"] = (browser.get(f"{portal}/logged-out?state=forged"), 400)
    pages["inspector-after-logout"] = (browser.get(f"{portal}/inspector"), 200)
    browser.close()
    assert 'data-step="logout_request"' in pages["inspector-after-logout"][0].text
    assert str(pages["judicial-record"][0].url) == f"{portal}/judicial-record"
    assert str(pages["requests"][0].url) == f"{portal}/requests"
    return pages


def bank_pages(stack: Stack, lang: str) -> Pages:
    bank = stack.urls["bank"]
    browser = speaking(stack, lang)
    pages: Pages = {
        "home": (browser.get(f"{bank}/"), 200),
        "open": (browser.get(f"{bank}/open"), 200),
    }
    opened = browser.post(f"{bank}/open", {"csrf": browser.csrf("bank"), "terms": "accept"})
    pages["account-new"] = (opened, 200)
    send = {"csrf": browser.csrf("bank"), "to_account": "123456789", "note": "Học phí"}
    pages["receipt"] = (browser.post(f"{bank}/transfer", {**send, "amount": "2000000"}), 200)
    pages["step-up"] = (browser.post(f"{bank}/transfer", {**send, "amount": "15000000"}), 200)
    pages["receipt-after-step-up"] = (browser.get(f"{bank}/transfer/authenticate"), 200)
    pages["account"] = (browser.get(f"{bank}/account"), 200)
    too_much = browser.http.post(f"{bank}/transfer", data={**send, "amount": "900000000"})
    pages["insufficient-balance"] = (too_much, 400)
    pages["no-such-receipt"] = (browser.get(f"{bank}/transfers/999999"), 404)
    for error in ("another_citizen", "expired", "access_denied", "no_such_code"):
        refused = browser.get(f"{bank}/transfer/confirm?error={error}")
        pages[f"refused-{error}"] = (refused, 403)
    pages["inspector"] = (browser.get(f"{bank}/inspector"), 200)
    pages |= counter_pages(stack, browser)
    pages |= counter_chip_pages(stack, browser)
    browser.close()
    assert str(pages["open"][0].url) == f"{bank}/open"
    assert str(pages["step-up"][0].url) == f"{bank}/transfer/step-up"
    for receipt in ("receipt", "receipt-after-step-up"):
        assert str(pages[receipt][0].url).startswith(f"{bank}/transfers/"), receipt
    level1 = speaking(stack, lang)
    pages["level-1-refused"] = (level1.get(f"{bank}/open", pin=LEVEL1_PIN), 400)
    level1.close()
    return pages


def counter_pages(stack: Stack, browser: Browser) -> Pages:
    """The teller counter: one customer approves on their phone, another refuses (both waited for
    together: each ends at the first poll the interval allows)."""
    bank = stack.urls["bank"]
    pages: Pages = {
        "counter": (browser.get(f"{bank}/counter"), 200),
        "counter-bad-pin": (start_at_counter(browser.http, bank, "12345"), 400),
        "counter-no-such-visit": (browser.get(f"{bank}/counter/999999"), 404),
    }
    phones = {"approve": PhoneApp(stack.idp, PIN), "refuse": PhoneApp(stack.idp, SPOUSE_PIN)}
    waiting = {
        "approve": start_at_counter(browser.http, bank, PIN),
        "refuse": start_at_counter(browser.http, bank, SPOUSE_PIN, "update_details"),
    }
    pages["counter-waiting"] = (waiting["approve"], 200)
    for decision, phone in phones.items():
        phone.decide(binding_message_of(waiting[decision]), decision)
        phone.close()
    ended = {d: wait_for_the_end(browser.http, str(page.url)) for d, page in waiting.items()}
    pages["counter-ekyc-complete"] = (ended["approve"], 200)
    pages["counter-refused"] = (ended["refuse"], 200)
    pages["inspector-counter"] = (browser.get(f"{bank}/inspector"), 200)
    assert 'id="pin-error"' in pages["counter-bad-pin"][0].text
    assert 'class="ok"' in pages["counter-ekyc-complete"][0].text
    assert "<code>access_denied</code>" in pages["counter-refused"][0].text
    return pages


def counter_chip_pages(stack: Stack, browser: Browser) -> Pages:
    """eKYC with the chip card at the counter: waiting for the card, complete, an impostor refused,
    and the inspector of the last."""
    bank = stack.urls["bank"]
    pages: Pages = {}
    for outcome, face in (("complete", None), ("refused", SPOUSE_PIN)):
        form = browser.get(f"{bank}/counter")
        waiting = browser.post(
            f"{bank}/counter/chip", {"csrf": csrf_of(form.text), "operation": "open_account"}
        )
        pages["counter-chip-waiting"] = (waiting, 200)
        assert (
            card_steps.tap(stack, card_steps.reader_of(waiting), PIN, face=face).status_code == 200
        )
        pages[f"counter-chip-{outcome}"] = (
            card_steps.wait_for_outcome(browser.http, str(waiting.url)),
            200,
        )
    pages["inspector-counter-chip"] = (browser.get(f"{bank}/inspector"), 200)
    pages["no-such-card-check"] = (browser.get(f"{bank}/counter/chip/{'x' * 32}"), 404)
    assert 'data-outcome="accepted"' in pages["counter-chip-complete"][0].text
    assert 'data-reason="face_mismatch"' in pages["counter-chip-refused"][0].text
    return pages


def hospital_pages(stack: Stack, lang: str) -> Pages:
    """A patient who first keeps the BHYT card back (at consent), then shares it."""
    hospital = stack.urls["hospital"]
    browser = speaking(stack, lang)
    pages: Pages = {
        "home": (browser.get(f"{hospital}/"), 200),
        "card-not-shared": (browser.get(f"{hospital}/checkin", untick=("health_insurance",)), 200),
        "card": (browser.get(f"{hospital}/checkin/share-card"), 200),
        "inspector": (browser.get(f"{hospital}/inspector"), 200),
        "not-found": (browser.get(f"{hospital}/static/no-such-file.css"), 404),
    }
    data = {"csrf": browser.csrf("hospital"), "department": "mat"}
    pages["ticket"] = (browser.post(f"{hospital}/checkin", data), 200)
    browser.close()
    assert 'href="/checkin/share-card"' in pages["card-not-shared"][0].text
    assert 'href="/checkin/share-card"' not in pages["card"][0].text
    assert str(pages["ticket"][0].url) == f"{hospital}/ticket"
    return (
        pages
        | chip_checkin_pages(stack, lang)
        | kiosk_pages(stack, lang)
        | kiosk_chip_pages(stack, lang)
    )


def chip_checkin_pages(stack: Stack, lang: str) -> Pages:
    """Check-in with the chip card at the desk: waiting, accepted, its ticket, an impostor refused, a
    cancelled reading, and the inspector with the card's steps."""
    hospital, browser = stack.urls["hospital"], speaking(stack, lang)
    pages: Pages = {}
    for outcome, face in (("accepted", None), ("refused", SPOUSE_PIN)):
        home = browser.get(f"{hospital}/")
        waiting = browser.post(f"{hospital}/checkin/chip", {"csrf": csrf_of(home.text)})
        pages["chip-waiting"] = (waiting, 200)
        assert (
            card_steps.tap(stack, card_steps.reader_of(waiting), PIN, face=face).status_code == 200
        )
        pages[f"chip-{outcome}"] = (
            card_steps.wait_for_outcome(browser.http, str(waiting.url)),
            200,
        )
    accepted = pages["chip-accepted"][0]
    form = {"csrf": csrf_of(accepted.text), "department": "noi"}
    pages["chip-ticket"] = (browser.post(f"{accepted.url}/ticket", form), 200)
    pages["chip-used"] = (browser.http.post(f"{accepted.url}/ticket", data=form), 409)
    home = browser.get(f"{hospital}/")
    cancelled = browser.post(f"{hospital}/checkin/chip", {"csrf": csrf_of(home.text)})
    browser.post(f"{cancelled.url}/cancel", {"csrf": csrf_of(home.text)})
    pages["chip-cancelled"] = (browser.get(str(cancelled.url)), 200)
    pages["inspector-chip"] = (browser.get(f"{hospital}/inspector"), 200)
    pages["no-such-card-check"] = (
        browser.get(f"{hospital}/card-checks/{'x' * 32}/camera.jpg"),
        404,
    )
    browser.close()
    assert 'data-outcome="cancelled"' in pages["chip-cancelled"][0].text
    assert 'data-step="passive_authentication"' in pages["inspector-chip"][0].text
    return pages


def kiosk_chip_pages(stack: Stack, lang: str) -> Pages:
    """The kiosk with the chip card: waiting for it, the ticket, an impostor refused."""
    hospital, kiosk = stack.urls["hospital"], speaking(stack, lang)
    pages: Pages = {}
    for outcome, face in (("ticket", None), ("refused", SPOUSE_PIN)):
        start = kiosk.get(f"{hospital}/kiosk/next")
        data = {"csrf": csrf_of(start.text), "department": "nhi"}
        waiting = kiosk.post(f"{hospital}/kiosk/chip", data)
        pages["kiosk-chip-waiting"] = (waiting, 200)
        assert (
            card_steps.tap(stack, card_steps.reader_of(waiting), PIN, face=face).status_code == 200
        )
        pages[f"kiosk-chip-{outcome}"] = (
            card_steps.wait_for_outcome(kiosk.http, f"{hospital}/kiosk"),
            200,
        )
    kiosk.close()
    assert 'id="queue-number"' in pages["kiosk-chip-ticket"][0].text
    assert 'data-outcome="card_refused"' in pages["kiosk-chip-refused"][0].text
    return pages


def kiosk_pages(stack: Stack, lang: str) -> Pages:
    """The kiosk's screens: start, waiting (pending, slowed down), the ticket of a patient approved on
    the phone, and the refused, expired and failed screens."""
    hospital, kiosk = stack.urls["hospital"], speaking(stack, lang)
    vneid, phone_of = VneidMock(stack.idp, SANDBOX_TOKEN), "level2-full"
    with kiosk_clock(stack) as clock:
        pages: Pages = {"kiosk-start": (kiosk.get(f"{hospital}/kiosk"), 200)}
        pages["kiosk-waiting"] = (kiosk_steps.start(kiosk, stack), 200)
        clock.advance(5)
        kiosk.get(f"{hospital}/kiosk")
        clock.advance(5)
        pages["kiosk-slowed"] = (kiosk.get(f"{hospital}/kiosk"), 200)
        phone = vneid.phone(phone_of)
        phone.approve(phone.scan(kiosk_steps.shown(pages["kiosk-waiting"][0].text).link))
        clock.advance(10)
        pages["kiosk-ticket"] = (kiosk.get(f"{hospital}/kiosk"), 200)
        kiosk.get(f"{hospital}/kiosk/next")
        phone.refuse(phone.scan(kiosk_steps.shown(kiosk_steps.start(kiosk, stack).text).link))
        clock.advance(5)
        pages["kiosk-refused"] = (kiosk.get(f"{hospital}/kiosk"), 200)
        kiosk.get(f"{hospital}/kiosk/next")
        kiosk_steps.start(kiosk, stack)
        clock.advance(600)
        pages["kiosk-expired"] = (kiosk.get(f"{hospital}/kiosk"), 200)
        kiosk.get(f"{hospital}/kiosk/next")
        kiosk_steps.start(kiosk, stack)
        kiosk_steps.forge_device_code(stack, kiosk)
        clock.advance(5)
        pages["kiosk-failed"] = (kiosk.get(f"{hospital}/kiosk"), 200)
    kiosk.close()
    vneid.close()
    for outcome in ("refused", "expired", "failed"):
        assert f'data-outcome="{outcome}"' in pages[f"kiosk-{outcome}"][0].text, outcome
    assert 'id="queue-number"' in pages["kiosk-ticket"][0].text
    return pages


WALKS: dict[str, Callable[[Stack, str], Pages]] = {
    "portal": portal_pages,
    "bank": bank_pages,
    "hospital": hospital_pages,
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_page_reads_as_its_language(stack: Stack, app: str, lang: str) -> None:
    pages = WALKS[app](stack, lang)
    statuses = {name: response.status_code for name, (response, _) in pages.items()}
    assert statuses == {name: status for name, (_, status) in pages.items()}
    unread = {
        name: found
        for name, (response, _) in pages.items()
        if (found := problems(response.text, lang, ENGLISH))
    }
    assert unread == {}


def test_the_pages_follow_the_language_chosen_once(stack: Stack) -> None:
    """``?lang=en`` once, then every page in English until ``?lang=vi``; Vietnamese by default."""
    portal = stack.urls["portal"]
    browser = Browser(stack)
    try:
        assert '<html lang="vi">' in browser.get(f"{portal}/").text
        assert '<html lang="en">' in browser.get(f"{portal}/inspector?lang=en").text
        for path in ("/", "/inspector", "/no-such-page"):
            assert '<html lang="en">' in browser.http.get(f"{portal}{path}").text, path
        assert '<html lang="vi">' in browser.get(f"{portal}/?lang=vi").text
        assert '<html lang="vi">' in browser.get(f"{portal}/inspector").text
    finally:
        browser.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_provider_is_asked_for_the_apps_language(stack: Stack, lang: str) -> None:
    browser = speaking(stack, lang)
    try:
        browser.get(f"{stack.urls['portal']}/login")
        request = browser.inspector("portal")[-1]["steps"][0]["data"]  # type: ignore[index]
        assert request["parameters"]["ui_locales"] == lang
    finally:
        browser.close()


def test_the_static_files_are_served(stack: Stack) -> None:
    for app in APPS:
        css = httpx.get(f"{stack.urls[app]}/static/app.css")
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        assert f".app-{app}" in css.text
        icon = httpx.get(f"{stack.urls[app]}/favicon.ico", follow_redirects=True)
        assert icon.status_code == 200
        assert icon.headers["content-type"] == "image/svg+xml"
