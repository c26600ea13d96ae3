"""eKYC at the bank's teller counter with the chip identity card, end to end through the real provider:
the counter (``/counter/chip``) opens a reader, the customer's card is tapped by the reader's API, and
the bank reads the chip, runs Active Authentication, checks the signature itself, takes the camera's
photo and asks the card verification service as ``bank-counter`` (client credentials). A valid card
with its holder at the camera: "eKYC hoàn tất" with the customer's data from the chip; an impostor:
refused with the reason; every new endpoint answers bad input without a 5xx."""

from urllib.parse import quote

import httpx
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.clients.card_steps import outcome_of
from tests.clients.card_steps import reader_of
from tests.clients.card_steps import reasons_of
from tests.clients.card_steps import tap
from tests.clients.card_steps import wait_for_outcome
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.conftest import steps_of
from tests.oidc.conftest import PIN
from tests.oidc.conftest import csrf_of

NAME = "Nguyễn Văn Bình"  # the persona of PIN
SPOUSE_PIN = "031190999002"


def start_chip_ekyc(
    browser: Browser, stack: Stack, operation: str = "open_account"
) -> httpx.Response:
    """The teller's "read the chip identity card": the waiting page."""
    bank = stack.urls["bank"]
    form = browser.get(f"{bank}/counter")
    assert 'action="/counter/chip"' in form.text
    data = {"csrf": csrf_of(form.text), "operation": operation}
    waiting = browser.post(f"{bank}/counter/chip", data)
    assert waiting.status_code == 200, waiting.text
    assert str(waiting.url).startswith(f"{bank}/counter/chip/")
    return waiting


def test_the_teller_completes_ekyc_with_the_chip_card(stack: Stack, browser: Browser) -> None:
    waiting = start_chip_ekyc(browser, stack, "update_details")
    assert "Cập nhật thông tin khách hàng" in waiting.text
    assert tap(stack, reader_of(waiting), PIN).status_code == 200
    done = wait_for_outcome(browser.http, str(waiting.url))
    assert outcome_of(done) == "accepted"
    for shown in (
        "eKYC hoàn tất",
        NAME,
        PIN,
        "15/03/1988",
        "Số 12 Hàng Bạc",
        'id="verification-id"',
    ):
        assert shown in done.text, shown
    flow = browser.inspector("bank")[-1]
    assert flow["purpose"] == "chip_counter"
    assert "card_verification" in steps_of(flow)
    token = next(s["data"] for s in flow["steps"] if s["step"] == "service_token")  # type: ignore[attr-defined]
    assert token["parameters"]["client_id"] == "bank-counter"
    assert token["parameters"]["scope"] == "card_verification"


def test_an_impostor_at_the_counter_is_refused(stack: Stack, browser: Browser) -> None:
    waiting = start_chip_ekyc(browser, stack)
    assert tap(stack, reader_of(waiting), PIN, face=SPOUSE_PIN).status_code == 200
    refused = wait_for_outcome(browser.http, str(waiting.url))
    assert outcome_of(refused) == "refused"
    assert reasons_of(refused) == ["face_mismatch"]
    assert "eKYC hoàn tất" not in refused.text
    assert "Không thực hiện giao dịch." in refused.text


CHECK_IDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


@settings(max_examples=60, deadline=None)
@given(
    operation=st.text(max_size=40), check_id=CHECK_IDS, csrf=st.sampled_from(["ok", "forged", ""])
)
def test_the_counters_card_endpoints_never_fail_on_bad_input(
    stack: Stack, operation: str, check_id: str, csrf: str
) -> None:
    bank = stack.urls["bank"]
    with httpx.Client(timeout=20) as http:
        form = http.get(f"{bank}/counter")
        token = csrf_of(form.text) if csrf == "ok" else csrf
        started = http.post(f"{bank}/counter/chip", data={"csrf": token, "operation": operation})
        assert started.status_code in (303, 400, 403), started.text
        quoted = quote(check_id, safe="") or "x"
        path = f"{bank}/counter/chip/{quoted}"
        for answered in (
            http.get(path),
            http.post(f"{path}/continue", data={"csrf": token}),
            http.post(f"{path}/cancel", data={"csrf": token}),
            http.get(f"{bank}/card-checks/{quoted}/portrait.jpg"),
        ):
            assert answered.status_code < 500, (answered.request.url, answered.text)
        if started.status_code == 303:
            http.post(f"{started.headers['location']}/cancel", data={"csrf": token})
