"""Identity events in a real browser (Chromium, headless), through the real provider's Shared Signals
stream: the bank freezes eKYC when the customer's identity account is locked at VNeID and lifts it when
it is unlocked, its inspector listing the decoded events; the portal shows the new permanent residence,
marked as updated from VNeID, once the citizen moved. Screenshots: ``test-artifacts/browser/signals-*``."""

import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Stack
from tests.clients.signal_steps import events_of
from tests.clients.signal_steps import stream_of
from tests.clients.signal_steps import wait_for_event
from tests.clients.test_browser_flows import ENGLISH
from tests.clients.test_browser_flows import NAME
from tests.clients.test_browser_flows import Tab
from tests.clients.test_browser_flows import chromium  # noqa: F401  (the module's browser)
from tests.oidc.conftest import PIN
from tests.page_reading import problems

NEW_STREET = "Số 8 ngõ Đổi Mới"


@pytest.fixture(autouse=True)
def no_bank_accounts(stack: Stack) -> None:
    """Accounts are one per citizen: every test starts with none."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.execute("DELETE FROM bank_transfer")
        db.execute("DELETE FROM bank_account")


@pytest.fixture
def tab_of(chromium: Browser, stack: Stack) -> Iterator[Any]:  # noqa: F811
    opened: list[Tab] = []

    def tab(scenario: str) -> Tab:
        opened.append(Tab(chromium, stack, scenario))
        return opened[-1]

    yield tab
    for each in opened:
        each.close()


def change_citizen(stack: Stack, changes: dict[str, Any]) -> dict[str, Any]:
    response = httpx.patch(
        f"{stack.idp}/sandbox/citizens/{PIN}",
        json=changes,
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    return changed


def read_in_both_languages(tab: Tab, url: str) -> None:
    """The page at ``url`` reads as Vietnamese, then (switched) as English; Vietnamese again after."""
    for lang in ("vi", "en", "vi"):
        tab.goto(f"{url}?lang={lang}")
        assert problems(tab.page.content(), lang, ENGLISH) == [], (url, lang)
        tab.shot(f"{url.rsplit('/', 1)[-1] or 'home'}-{lang}")


def sub_at(tab: Tab, app: str) -> str:
    """The citizen's ``sub`` at ``app``: the latest ID token of this browser's flows there."""
    for flow in reversed(tab.json(f"{tab.stack.urls[app]}/inspector.json")["flows"]):
        for step in flow["steps"]:
            if step["step"] == "id_token":
                return str(step["data"]["claims"]["sub"])
    raise AssertionError("no ID token in the inspector")


def test_bank_freezes_ekyc_while_the_identity_account_is_locked(stack: Stack, tab_of: Any) -> None:
    bank = stack.urls["bank"]
    stream_of(stack, "bank")
    tab: Tab = tab_of("signals-bank")
    tab.goto(f"{bank}/")
    tab.click("main a[href='/open']")
    assert tab.answer_vneid() == ["password", "passcode", "face", "consent"]
    tab.page.check("#terms")
    tab.click("form[action='/open'] button[type=submit]")
    assert tab.at(f"{bank}/account"), tab.page.url
    assert not tab.page.locator("[data-ekyc=frozen]").count()
    sub = sub_at(tab, "bank")
    # Earlier tests may have sent such events about the same citizen: wait for one more.
    disabled_before = len(events_of(stack, "bank", "account-disabled", sub))
    enabled_count = len(events_of(stack, "bank", "account-enabled", sub))
    try:
        change_citizen(stack, {"account_status": "locked"})
        disabled = wait_for_event(stack, "bank", "account-disabled", sub, after=disabled_before)
        assert disabled["citizen"] == NAME
        tab.goto(f"{bank}/account")
        frozen = tab.page.locator("[data-ekyc=frozen]")
        assert frozen.count() == 1
        assert "eKYC tạm khóa" in frozen.inner_text()
        assert "tài khoản định danh điện tử của bạn đang bị khóa" in frozen.inner_text()
        tab.shot("account-frozen")
        tab.goto(f"{bank}/open")
        assert tab.status == 403
        assert "eKYC tạm khóa" in tab.text()
        tab.shot("ekyc-refused")
        read_in_both_languages(tab, f"{bank}/open")
        read_in_both_languages(tab, f"{bank}/account")
        read_in_both_languages(tab, f"{bank}/inspector")
        tab.goto(f"{bank}/inspector")
        row = tab.page.locator("#signals tr[data-event=account_disabled]", has_text=sub).first
        assert "Tài khoản định danh bị khóa" in row.inner_text()
        assert NAME in row.inner_text()
        assert "risc/event-type/account-disabled" in row.inner_text()
        assert "event_timestamp" in row.inner_text()
        tab.page.locator("#signals").scroll_into_view_if_needed()
        tab.shot("inspector-events")
        enabled_before = len(tab.json(f"{bank}/inspector.json")["events"])
    finally:
        change_citizen(stack, {"account_status": "active"})
    assert enabled_before > 0
    wait_for_event(stack, "bank", "account-enabled", sub, after=enabled_count)
    tab.goto(f"{bank}/account")
    assert not tab.page.locator("[data-ekyc=frozen]").count()
    tab.shot("account-unfrozen")


def test_portal_shows_the_new_address_from_vneid(stack: Stack, tab_of: Any) -> None:
    portal = stack.urls["portal"]
    stream_of(stack, "portal")
    tab: Tab = tab_of("signals-portal")
    tab.goto(f"{portal}/")
    tab.click("a[href='/login']")
    tab.answer_vneid()
    # The judicial-record request asks for the residence: the portal's consent now covers it.
    tab.click("a[href='/judicial-record']")
    tab.answer_vneid()
    tab.goto(f"{portal}/")
    shown = tab.page.locator("[data-address]")
    assert shown.count() == 1
    assert NEW_STREET not in shown.inner_text()
    assert not tab.page.locator("[data-updated]").count()
    sub = sub_at(tab, "portal")
    before = httpx.get(
        f"{stack.idp}/sandbox/citizens/{PIN}", headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ).json()["address"]
    moved = {key: before[key] for key in ("province_code", "ward_code")}
    changes_before = len(events_of(stack, "portal", "token-claims-change", sub))
    try:
        change_citizen(stack, {"address": {**moved, "street_address": NEW_STREET}})
        wait_for_event(stack, "portal", "token-claims-change", sub, after=changes_before)
        tab.goto(f"{portal}/")
        shown = tab.page.locator("[data-address]")
        assert NEW_STREET in shown.inner_text()
        assert "đã cập nhật từ VNeID lúc" in shown.inner_text()
        tab.shot("address-updated")
        read_in_both_languages(tab, f"{portal}/")
        tab.goto(f"{portal}/?lang=en")
        assert "updated from VNeID at" in tab.page.inner_text("[data-address]")
        tab.goto(f"{portal}/?lang=vi")
    finally:
        original = {key: before[key] for key in ("province_code", "ward_code", "street_address")}
        change_citizen(stack, {"address": original})
