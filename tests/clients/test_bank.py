"""The bank end to end: eKYC at LoA3 with private_key_jwt and an encrypted ID token, the account, small
and large transfers (a fresh LoA3 authentication of the account holder above 10,000,000 VND, or above
20,000,000 VND in a day, asked for by a page that names the transfer), receipts, another citizen's
re-authentication refused, a level-1 citizen refused."""

import re
import sqlite3

import httpx
import pytest

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.conftest import steps_of
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PIN

SPOUSE_PIN = "031190999002"  # another level-2 citizen (the persona's wife)


@pytest.fixture(autouse=True)
def no_accounts(stack: Stack) -> None:
    """Accounts are one per citizen: every test starts with none."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.execute("DELETE FROM bank_transfer")
        db.execute("DELETE FROM bank_account")


def _open_account(stack: Stack, browser: Browser, pin: str = PIN) -> str:
    bank = stack.urls["bank"]
    form = browser.get(f"{bank}/open", pin=pin)
    assert form.status_code == 200, form.text
    assert pin in form.text
    assert "+84" in form.text
    opened = browser.post(f"{bank}/open", {"csrf": browser.csrf("bank"), "terms": "accept"})
    assert str(opened.url) == f"{bank}/account"
    return opened.text


def _balances(stack: Stack) -> dict[str, int]:
    """Each account holder's PIN and balance."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        rows = db.execute("SELECT personal_id_number, balance FROM bank_account").fetchall()
    return {str(pin): int(balance) for pin, balance in rows}


def _transfer_count(stack: Stack) -> int:
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        count: int = db.execute("SELECT count(*) FROM bank_transfer").fetchone()[0]
    return count


def _send(
    browser: Browser, stack: Stack, amount: int, pin: str = PIN
) -> tuple[httpx.Response, list[str]]:
    """A transfer of ``amount`` VND; when the bank asks for a fresh authentication, its page is checked
    (it names the transfer) and its button taken, VNeID answered by citizen ``pin``. The final response
    and the URLs walked."""
    bank = stack.urls["bank"]
    before = len(browser.visited)
    data = {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": str(amount)}
    answer = browser.post(f"{bank}/transfer", data, pin=pin)
    if str(answer.url) == f"{bank}/transfer/step-up":
        _assert_names_the_transfer(answer, amount)
        answer = browser.get(f"{bank}/transfer/authenticate", pin=pin)
    return answer, browser.visited[before:]


def _assert_names_the_transfer(page: httpx.Response, amount: int) -> None:
    """The step-up page says why: the amount, the recipient, the level the button asks for."""
    assert page.status_code == 200, page.text
    assert f"{amount:,} ₫".replace(",", ".") in page.text
    assert "123456789" in page.text
    assert 'href="/transfer/authenticate">Xác thực bằng VNeID (mức LoA3)</a>' in page.text


def _is_receipt(stack: Stack, page: httpx.Response) -> bool:
    return re.fullmatch(rf"{stack.urls['bank']}/transfers/\d+", str(page.url)) is not None


def test_ekyc_opens_an_account(stack: Stack, browser: Browser) -> None:
    page = _open_account(stack, browser)
    assert "50.000.000 ₫" in page
    assert re.search(r"9704\d{8}", page)
    assert "/portraits/" in page
    flow = browser.inspector("bank")[-1]
    assert steps_of(flow) == [
        "authorization_request",
        "callback",
        "token_response",
        "id_token",
        "userinfo",
    ]
    token_step = flow["steps"][2]["data"]  # type: ignore[index]
    assert token_step["auth_method"] == "private_key_jwt"
    id_token = flow["steps"][3]["data"]  # type: ignore[index]
    assert id_token["jwe_header"]["alg"] == "RSA-OAEP-256"
    assert id_token["jwe_header"]["enc"] == "A256GCM"
    assert id_token["signature"].startswith("valid")
    assert id_token["claims"]["acr"] == "LoA3"


def test_transfer_above_threshold_asks_again(stack: Stack, browser: Browser) -> None:
    bank = stack.urls["bank"]
    _open_account(stack, browser)
    small = browser.post(
        f"{bank}/transfer",
        {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "2000000"},
    )
    assert _is_receipt(stack, small), small.url
    assert "2.000.000 ₫" in small.text
    assert "48.000.000 ₫" in small.text
    before = len(browser.visited)
    waiting = browser.post(
        f"{bank}/transfer",
        {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "15000000"},
    )
    assert str(waiting.url) == f"{bank}/transfer/step-up"
    _assert_names_the_transfer(waiting, 15_000_000)
    assert not any(url.startswith(stack.idp) for url in browser.visited[before:])
    assert _balances(stack)[PIN] == 48_000_000  # nothing moves before the authentication
    large = browser.get(f"{bank}/transfer/authenticate")
    walked = browser.visited[before:]
    assert any("max_age=0" in url for url in walked)
    # max_age=0: the password again, then every factor of LoA3.
    assert any("/interaction/" in url and url.endswith("/login") for url in walked)
    assert any("/interaction/" in url and url.endswith("/face") for url in walked)
    assert _is_receipt(stack, large), large.url
    assert "15.000.000 ₫" in large.text
    assert "33.000.000 ₫" in large.text
    flow = browser.inspector("bank")[-1]
    params = flow["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["max_age"] == "0"
    # What VNeID's step-up pages tell the citizen they confirm (OIDC4IDA §8 ``purpose``).
    assert params["purpose"] == "Xác nhận chuyển 15.000.000 ₫ tới tài khoản 123456789"


def test_level1_citizen_is_refused_clearly(stack: Stack, browser: Browser) -> None:
    page = browser.get(f"{stack.urls['bank']}/open", pin=LEVEL1_PIN)
    assert page.status_code == 400
    assert "unmet_authentication_requirements" in page.text
    assert "mức 2" in page.text


def _two_account_holders(stack: Stack, browser: Browser) -> None:
    """The persona's wife opens an account (in her own browser), then the persona in ``browser``."""
    spouse = Browser(stack)
    try:
        _open_account(stack, spouse, pin=SPOUSE_PIN)
    finally:
        spouse.close()
    _open_account(stack, browser)
    assert _balances(stack) == {PIN: 50_000_000, SPOUSE_PIN: 50_000_000}


def _assert_refused_without_moving_money(stack: Stack, page: httpx.Response) -> None:
    assert str(page.url).startswith(f"{stack.urls['bank']}/transfer/confirm"), page.url
    assert page.status_code == 403
    assert "Giao dịch bị từ chối" in page.text
    assert "không phải là công dân đang đăng nhập" in page.text
    assert "Không có khoản tiền nào được chuyển" in page.text
    assert "another_citizen" in page.text
    assert _balances(stack) == {PIN: 50_000_000, SPOUSE_PIN: 50_000_000}
    assert _transfer_count(stack) == 0


def _assert_nobody_signed_in(stack: Stack, browser: Browser) -> None:
    """The wife was never signed in to the bank; the persona's login ended when she logged in to VNeID
    on his browser (the provider's back-channel logout of his session)."""
    page = browser.get(f"{stack.urls['bank']}/account")
    assert str(page.url) == f"{stack.urls['bank']}/"
    assert 'action="/logout"' not in page.text


def test_reauthentication_asks_for_the_account_holder(stack: Stack, browser: Browser) -> None:
    _open_account(stack, browser)
    _send(browser, stack, 15_000_000)
    params = browser.inspector("bank")[-1]["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["login_hint"] == PIN
    assert "ký tự / chars" in params["id_token_hint"]  # the signed-in citizen's ID token, shortened
    assert params["max_age"] == "0"


def test_another_citizen_cannot_reauthenticate_a_transfer(stack: Stack, browser: Browser) -> None:
    """The provider answers ``login_required`` (the hint names the persona, his wife logs in): the
    bank refuses clearly and moves nothing."""
    _two_account_holders(stack, browser)
    refused, walked = _send(browser, stack, 15_000_000, pin=SPOUSE_PIN)
    assert any("error=login_required" in url for url in walked)
    _assert_refused_without_moving_money(stack, refused)
    _assert_nobody_signed_in(stack, browser)


def test_another_sub_is_refused_even_if_the_provider_lets_it_through(
    stack: Stack, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider that ignored ``id_token_hint`` would issue the wife's ID token: the bank compares
    its ``sub`` with the account holder's and refuses before anything changes."""
    _two_account_holders(stack, browser)
    monkeypatch.setattr("idp.oidc.authorization._hints_another", lambda *args: False)
    refused, walked = _send(browser, stack, 15_000_000, pin=SPOUSE_PIN)
    assert any("/callback?code=" in url for url in walked)  # the provider did issue a code
    _assert_refused_without_moving_money(stack, refused)
    flow = browser.inspector("bank")[-1]
    assert steps_of(flow) == ["authorization_request", "callback", "token_response", "id_token"]
    _assert_nobody_signed_in(stack, browser)


def test_a_pending_transfer_is_only_the_account_holders(stack: Stack, browser: Browser) -> None:
    """The persona asks for a large transfer, leaves the kiosk without authenticating and logs out;
    his wife signs in on the same browser: the pending transfer is not hers to confirm."""
    bank = stack.urls["bank"]
    _open_account(stack, browser)
    data = {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "15000000"}
    waiting = browser.http.post(f"{bank}/transfer", data=data)
    assert waiting.status_code == 303  # to the step-up page; VNeID never visited
    assert waiting.headers["location"] == "/transfer/step-up"
    logged_out = browser.post(f"{bank}/logout", {"csrf": browser.csrf("bank")})
    assert "Đã đăng xuất" in logged_out.text
    _open_account(stack, browser, pin=SPOUSE_PIN)
    refused = browser.get(f"{bank}/transfer/confirm")
    _assert_refused_without_moving_money(stack, refused)


def test_small_transfers_add_up_to_a_fresh_authentication(stack: Stack, browser: Browser) -> None:
    """8,000,000 VND three times: the third takes the day's total above 20,000,000 VND."""
    _open_account(stack, browser)
    for expected in (42_000_000, 34_000_000):
        done, walked = _send(browser, stack, 8_000_000)
        assert _is_receipt(stack, done), done.url
        assert not any(url.startswith(stack.idp) for url in walked)
        assert _balances(stack)[PIN] == expected
    bank = stack.urls["bank"]
    before = len(browser.visited)
    data = {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "8000000"}
    waiting = browser.post(f"{bank}/transfer", data)
    _assert_names_the_transfer(waiting, 8_000_000)
    assert (
        "tổng số tiền chuyển trong ngày vượt 20.000.000 ₫" in waiting.text
    )  # why: the day's total
    done = browser.get(f"{bank}/transfer/authenticate")
    walked = browser.visited[before:]
    assert _is_receipt(stack, done), done.url
    assert any(url.startswith(f"{stack.idp}/authorize") and "max_age=0" in url for url in walked)
    assert any("/interaction/" in url and url.endswith("/face") for url in walked)
    assert _balances(stack)[PIN] == 26_000_000
    assert _transfer_count(stack) == 3


def test_a_waiting_transfer_can_be_cancelled(stack: Stack, browser: Browser) -> None:
    bank = stack.urls["bank"]
    _open_account(stack, browser)
    data = {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "15000000"}
    browser.post(f"{bank}/transfer", data)
    cancelled = browser.post(f"{bank}/transfer/cancel", {"csrf": browser.csrf("bank")})
    assert str(cancelled.url) == f"{bank}/account"
    # Nothing waits any more: the step-up page and its button lead back to the account.
    assert str(browser.get(f"{bank}/transfer/step-up").url) == f"{bank}/account"
    assert str(browser.get(f"{bank}/transfer/authenticate").url) == f"{bank}/account"
    assert _balances(stack)[PIN] == 50_000_000
    assert _transfer_count(stack) == 0


def test_a_transfer_above_the_balance_is_refused_before_any_authentication(
    stack: Stack, browser: Browser
) -> None:
    bank = stack.urls["bank"]
    _open_account(stack, browser)
    data = {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "60000000"}
    refused = browser.http.post(f"{bank}/transfer", data=data)
    assert refused.status_code == 400
    assert "Số dư không đủ để chuyển 60.000.000 ₫" in refused.text
    assert _transfer_count(stack) == 0


def test_a_receipt_is_only_the_account_holders(stack: Stack, browser: Browser) -> None:
    _open_account(stack, browser)
    done, _ = _send(browser, stack, 1_000_000)
    assert _is_receipt(stack, done), done.url
    assert browser.http.get(str(done.url)).status_code == 200
    spouse = Browser(stack)
    try:
        _open_account(stack, spouse, pin=SPOUSE_PIN)
        other = spouse.http.get(str(done.url))
        assert other.status_code == 404
        assert "Không tìm thấy giao dịch này" in other.text
    finally:
        spouse.close()
