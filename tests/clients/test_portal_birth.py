"""The portal's birth registration in a real browser (Playwright driving Debian's Chromium) through the
real pages of ``stack``: a level-2 parent signed in at LoA2 is stepped up to LoA3 before the form is
shown; a birth date in the future is refused beside its field; the corrected form registers the child,
whose PIN the page shows and who then exists at the provider, with the population check clean; the
same form sent again registers no second child; the inspector shows the service's token and answer."""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from idp.population_db.database import connect
from idp.population_db.invariants import check_population
from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Stack
from tests.clients.test_browser_flows import Tab
from tests.clients.test_browser_flows import _portal_login
from tests.clients.test_browser_flows import chromium
from tests.oidc.conftest import PIN

__all__ = ["chromium"]
SPOUSE_PIN = "031190999002"
CONTROL = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


@pytest.fixture
def tab(chromium: Browser, stack: Stack) -> Iterator[Tab]:
    """A browser context; the children it registered are removed by the sandbox's reset after."""
    opened = Tab(chromium, stack, "portal-birth")
    yield opened
    opened.close()
    reset = httpx.post(f"{stack.idp}/sandbox/reset", json={}, headers=CONTROL)
    assert reset.status_code == 204


def _fill(tab: Tab, birth_date: str) -> None:
    page = tab.page
    page.fill("#family_name", "Nguyễn")
    page.fill("#middle_name", "Minh")
    page.fill("#given_name", "An")
    page.select_option("#sex", "female")
    page.fill("#birth_date", birth_date)
    page.fill("#other_parent_pin", SPOUSE_PIN)


def test_a_parent_registers_a_birth(tab: Tab, stack: Stack) -> None:
    portal = stack.urls["portal"]
    _portal_login(tab)  # LoA2
    tab.goto(f"{portal}/")
    tab.click("a[href='/procedures/birth']")
    # A level-2 parent at LoA2 is stepped up: the missing factors of LoA3, then consent.
    assert tab.answer_vneid() == ["passcode", "face", "consent"]
    assert any("acr_values=LoA3" in url for url in tab.navigations)
    assert tab.at(f"{portal}/procedures/birth"), tab.page.url
    assert tab.page.input_value("#birth_ward_code") == "00070"  # the parent's ward, filled in
    tab.shot("birth-form")

    _fill(tab, "2026-12-24")
    tab.click("form[action='/procedures/birth'] button[type=submit]")
    assert tab.status == 400
    error = tab.page.locator("#birth_date ~ p[data-error=in_future]")
    assert error.inner_text() == "Ngày sinh sau ngày hôm nay."
    assert tab.page.input_value("#given_name") == "An"  # what was typed stays
    tab.shot("birth-refused")

    tab.page.fill("#birth_date", "2026-06-20")
    request_id = tab.page.input_value("input[name=request_id]")
    csrf = tab.page.input_value("input[name=csrf]")
    tab.click("form[action='/procedures/birth'] button[type=submit]")
    assert tab.status == 200
    tab.shot("birth-registered")
    text = tab.text()
    found = re.search(r"Số định danh cá nhân của trẻ\s+(\d{12})", text)
    assert found is not None, text
    pin = found.group(1)
    assert pin.startswith("0013")  # Hà Nội, a girl born in the 2000s
    assert "0199990001" in text
    assert "Hàng Bạc" in text
    assert re.search(r"TE101\d{10}", text)

    child = httpx.get(f"{stack.idp}/sandbox/citizens/{pin}", headers=CONTROL)
    assert child.status_code == 200, child.text
    assert child.json()["name"] == "Nguyễn Minh An"
    engine = connect(stack.database_url)
    try:
        assert list(check_population(engine)) == []
    finally:
        engine.dispose()

    # The same form sent again (a resubmission) finds the same child.
    form: dict[str, str | float | bool] = {
        "csrf": csrf, "request_id": request_id, "family_name": "Nguyễn", "middle_name": "Minh",
        "given_name": "An", "sex": "female", "birth_date": "2026-06-20", "birth_ward_code": "70",
        "other_parent_pin": SPOUSE_PIN,
    }  # fmt: skip
    again = tab.context.request.post(f"{portal}/procedures/birth", form=form)
    assert again.status == 200
    assert pin in again.text()
    children = httpx.get(f"{stack.idp}/sandbox/citizens/{PIN}", headers=CONTROL)
    assert children.status_code == 200

    flows = tab.json(f"{portal}/inspector.json")["flows"]
    registrations = [f for f in flows if f["purpose"] == "birth_registration" and f["steps"]]
    steps = [s["step"] for s in registrations[-1]["steps"]]
    assert steps == ["population_token", "population_registration"]
    answer = registrations[-1]["steps"][-1]["data"]
    assert answer["status"] == 200
    assert answer["response"]["child"]["pin"] == pin
    assert "…" in answer["request"]["declarant_token"]  # shortened, never shown whole
    tab.goto(f"{portal}/inspector")
    assert "Thẻ truy cập của dịch vụ dân cư" in tab.text()


def test_the_form_in_english(tab: Tab, stack: Stack) -> None:
    portal = stack.urls["portal"]
    _portal_login(tab)
    tab.goto(f"{portal}/procedures/birth?lang=en")
    assert tab.answer_vneid() == ["passcode", "face", "consent"]
    assert tab.at(f"{portal}/procedures/birth"), tab.page.url
    _fill(tab, "2019-01-01")
    tab.click("form[action='/procedures/birth'] button[type=submit]")
    error = tab.page.locator("#birth_date ~ p[data-error=too_old]")
    assert error.inner_text() == "This procedure registers children under 6."
