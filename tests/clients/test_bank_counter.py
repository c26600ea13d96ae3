"""The bank's teller counter against the real provider (CIBA, poll mode): the customer approves on the
provider's simulated phone and the counter shows eKYC complete at LoA4 (the ID token verified, the
result kept, the steps in the inspector); the customer refuses; a request nobody can approve (a PIN with
no account) expires silently; malformed PINs come back as field errors; a visit is the browser's own;
the page polls no sooner than the provider's interval."""

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from clients.bank.app import create_app as create_bank
from clients.bank.settings import BankSettings
from clients.rp.catalogue import MESSAGES_DIR
from tests.clients.conftest import Stack
from tests.clients.counter_steps import PhoneApp
from tests.clients.counter_steps import binding_message_of
from tests.clients.counter_steps import start_at_counter
from tests.clients.counter_steps import wait_for_the_end
from tests.oidc.conftest import PIN
from tests.page_reading import english_words
from tests.page_reading import problems
from tests.servers import Served
from tests.servers import free_port

SPOUSE_PIN = "031190999002"
NO_ACCOUNT_PIN = "048079999005"
NAME = "Nguyễn Văn Bình"  # the persona of PIN
ENGLISH = english_words(MESSAGES_DIR)


@pytest.fixture
def teller() -> Iterator[httpx.Client]:
    http = httpx.Client(follow_redirects=True, timeout=20)
    yield http
    http.close()


@pytest.fixture(scope="module")
def hasty_bank(stack: Stack) -> Iterator[str]:
    """A second bank whose counter gives customers 2 seconds (the provider's clock is not reachable:
    the stack serves no sandbox API)."""
    port = free_port()
    settings = BankSettings(
        issuer=stack.idp,
        base_url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{stack.tmp / 'bank-hasty.sqlite3'}",
        keys_dir=stack.tmp / "bank-keys",
        counter_request_expiry=2,
        signals=False,  # the stack's bank keeps the client's one stream of identity events
    )
    served = Served(create_bank(settings), port=port)
    yield f"http://127.0.0.1:{port}"
    served.stop()


def _visit(stack: Stack, visit_id: str) -> dict[str, Any]:
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM bank_counter_visit WHERE id = ?", (visit_id,)).fetchone()
    return dict(row)


def _visit_id(page: httpx.Response) -> str:
    found = re.fullmatch(r"http://[^/]+/counter/(\d+)", str(page.url))
    assert found is not None, page.url
    return found.group(1)


def test_the_customer_approves_on_the_phone_and_the_counter_shows_ekyc_complete(
    stack: Stack, teller: httpx.Client
) -> None:
    bank = stack.urls["bank"]
    phone = PhoneApp(stack.idp, PIN)  # the app opened: activated on a bound device
    try:
        waiting = start_at_counter(teller, bank, PIN)
        assert waiting.status_code == 200, waiting.text
        visit_id = _visit_id(waiting)
        binding_message = binding_message_of(waiting)
        assert re.fullmatch(r"QUAY-3 \d{4}", binding_message)
        assert "Đang chờ khách hàng xác nhận trên điện thoại" in waiting.text
        assert 1 <= int(waiting.headers["refresh"]) <= 5
        teller.get(str(waiting.url))  # reloaded at once: too soon to poll
        assert _visit(stack, visit_id)["polls"] == 0
        phone.decide(binding_message, "approve")
    finally:
        phone.close()
    done = wait_for_the_end(teller, str(waiting.url))
    assert "Đã xác thực khách hàng (eKYC hoàn tất)" in done.text
    for shown in (NAME, PIN, "<code>LoA4</code>", "<code>hwk</code>", "<code>face</code>"):
        assert shown in done.text
    visit = _visit(stack, visit_id)
    assert (visit["status"], visit["acr"], visit["personal_id_number"]) == ("approved", "LoA4", PIN)
    assert visit["auth_req_id"] == ""  # ended: good for nothing now
    assert visit["interval"] == 5  # never told slow_down
    assert "hwk" in visit["amr"]
    _assert_inspected(teller, bank)


def _assert_inspected(teller: httpx.Client, bank: str) -> None:
    flow = teller.get(f"{bank}/inspector.json").json()["flows"][-1]
    assert flow["purpose"] == "counter"
    steps = [step["step"] for step in flow["steps"]]
    assert steps == [
        "backchannel_request",
        "backchannel_poll",
        "token_response",
        "id_token",
        "userinfo",
    ]
    request = flow["steps"][0]["data"]
    assert request["endpoint"].endswith("/bc-authorize")
    assert request["parameters"]["acr_values"] == "LoA4"
    assert flow["steps"][3]["data"]["signature"].startswith("valid")
    page = teller.get(f"{bank}/inspector")
    assert 'data-step="backchannel_request"' in page.text


def test_the_customer_refuses_on_the_phone(stack: Stack, teller: httpx.Client) -> None:
    bank = stack.urls["bank"]
    phone = PhoneApp(stack.idp, SPOUSE_PIN)
    try:
        waiting = start_at_counter(teller, bank, SPOUSE_PIN, "cash_withdrawal")
        phone.decide(binding_message_of(waiting), "refuse")
    finally:
        phone.close()
    done = wait_for_the_end(teller, str(waiting.url))
    assert "Khách hàng đã từ chối" in done.text
    assert "<code>access_denied</code>" in done.text
    assert "Rút tiền mặt" in done.text
    visit = _visit(stack, _visit_id(waiting))
    assert (visit["status"], visit["sub"], visit["name"]) == ("refused", "", "")


def test_a_request_nobody_can_approve_expires_silently(
    stack: Stack, hasty_bank: str, teller: httpx.Client
) -> None:
    """A PIN with no VNeID account is answered like any other; the request simply expires."""
    waiting = start_at_counter(teller, hasty_bank, NO_ACCOUNT_PIN)
    assert waiting.status_code == 200, waiting.text
    done = wait_for_the_end(teller, str(waiting.url))
    assert "Yêu cầu đã hết hạn" in done.text
    assert "<code>expired_token</code>" in done.text
    for lang in ("vi", "en"):
        page = teller.get(str(waiting.url), params={"lang": lang})
        assert problems(page.text, lang, ENGLISH) == [], lang
    assert "The request expired" in page.text


@pytest.mark.parametrize(
    ("pin", "words"),
    [
        ("12345", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ("0010889990AB", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ("", "Hãy nhập số định danh cá nhân của khách hàng."),
    ],
)
def test_a_malformed_pin_is_a_field_error(
    stack: Stack, teller: httpx.Client, pin: str, words: str
) -> None:
    bank = stack.urls["bank"]
    answer = start_at_counter(teller, bank, pin)
    assert answer.status_code == 400
    assert str(answer.url) == f"{bank}/counter"
    assert f'<p role="alert" id="pin-error">{words}</p>' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert f'value="{pin}"' in answer.text  # the teller corrects, not retypes


def test_a_pin_typed_in_groups_is_read_whole(stack: Stack, teller: httpx.Client) -> None:
    waiting = start_at_counter(teller, stack.urls["bank"], "048 079 999 005")
    assert waiting.status_code == 200, waiting.text
    assert _visit(stack, _visit_id(waiting))["login_hint"] == NO_ACCOUNT_PIN


def test_a_visit_is_only_the_browser_s_that_started_it(stack: Stack, teller: httpx.Client) -> None:
    waiting = start_at_counter(teller, stack.urls["bank"], NO_ACCOUNT_PIN, "replace_card")
    other = httpx.get(str(waiting.url))
    assert other.status_code == 404
    assert "Không tìm thấy yêu cầu này ở quầy." in other.text


def test_the_counter_s_form_is_csrf_protected(stack: Stack, teller: httpx.Client) -> None:
    bank = stack.urls["bank"]
    teller.get(f"{bank}/counter")
    data = {"csrf": "forged", "pin": PIN, "operation": "open_account"}
    assert teller.post(f"{bank}/counter", data=data).status_code == 403
    form = teller.get(f"{bank}/counter")
    assert "<script" not in form.text
