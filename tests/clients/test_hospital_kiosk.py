"""The hospital's self-service kiosk (``/kiosk``) against the running provider: the device authorization
grant (RFC 8628) from the kiosk's side. A patient scans the kiosk's QR code with the test kit's phone
and approves there, or types the code at ``/device`` in their own browser and logs in; the kiosk checks
them in as the check-in page does and shows the ticket, then starts again. Refusal, expiry (the
provider's ``expired_token`` and the kiosk's own ``expires_in``), an answer the kiosk cannot use, and
``slow_down``: the kiosk keeps the longer interval and never polls sooner. The kiosk's clock is the
test's (:mod:`tests.clients.kiosk_steps`); the provider's is moved only through its control API, and
put back."""

import re
import sqlite3
from collections.abc import Iterator

import pytest

from idp.testkit.mock import VneidMock
from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.kiosk_steps import KIOSK_CLIENT
from tests.clients.kiosk_steps import KioskClock
from tests.clients.kiosk_steps import forge_device_code
from tests.clients.kiosk_steps import kiosk_clock
from tests.clients.kiosk_steps import shown
from tests.clients.kiosk_steps import start
from tests.clients.kiosk_steps import type_code

NAME = "Nguyễn Văn Bình"  # level2-full, the persona of PIN
CARD_NUMBER = re.compile(r"<td>[A-Z]{2}\d[0-9A-Z]{2}\d{10}</td>")


@pytest.fixture
def provider(stack: Stack) -> Iterator[VneidMock]:
    """The provider's control API (the test kit's phone, its clock, its recorded requests)."""
    vneid = VneidMock(stack.idp, SANDBOX_TOKEN)
    yield vneid
    vneid.clock.reset()
    vneid.close()


@pytest.fixture
def clock(stack: Stack) -> Iterator[KioskClock]:
    with kiosk_clock(stack) as moved:
        yield moved


@pytest.fixture
def kiosk(stack: Stack) -> Iterator[Browser]:
    """The kiosk's screen: a browser of its own."""
    screen = Browser(stack)
    yield screen
    screen.close()


def _polls(provider: VneidMock) -> int:
    return len(provider.requests_to("token", KIOSK_CLIENT))


def _tickets(stack: Stack) -> list[tuple[str, str, str]]:
    with sqlite3.connect(stack.tmp / "hospital.sqlite3") as db:
        rows = db.execute("SELECT patient, department, card_number FROM hospital_checkin")
        return [tuple(row) for row in rows]


def _next_patient(kiosk: Browser, stack: Stack) -> None:
    hospital = stack.urls["hospital"]
    ticket = kiosk.get(f"{hospital}/kiosk")  # the ticket stays until the next patient
    assert 'id="queue-number"' in ticket.text
    again = kiosk.get(f"{hospital}/kiosk/next")
    assert str(again.url) == f"{hospital}/kiosk"
    assert 'action="/kiosk/start"' in again.text


def test_a_patient_scans_the_kiosk_code_with_the_phone(
    stack: Stack, kiosk: Browser, clock: KioskClock, provider: VneidMock
) -> None:
    hospital = stack.urls["hospital"]
    waiting = start(kiosk, stack, "mat")
    code = shown(waiting.text)
    assert re.fullmatch(r"[B-Z]{4}-[B-Z]{4}", code.user_code)
    assert code.verification_uri == f"{stack.idp}/device"
    assert code.link == f"{stack.idp}/device?user_code={code.user_code}"
    assert code.refresh == 5  # the provider's interval: the first poll waits one
    assert "<svg" in waiting.text
    assert "Khoa Mắt" in waiting.text
    started = provider.requests_to("device_authorization", KIOSK_CLIENT)[-1]
    assert "health_insurance" in str(started)
    assert "LoA3" in str(started)

    phone = provider.phone("level2-full")
    request = phone.scan(code.link)
    assert request["kind"] == "device"
    assert phone.approve(request) == "approved"
    before = len(_tickets(stack))
    clock.advance(5)
    ticket = kiosk.get(f"{hospital}/kiosk")
    assert ticket.status_code == 200, ticket.text
    assert 'id="queue-number"' in ticket.text
    assert NAME in ticket.text
    assert "Khoa Mắt" in ticket.text
    assert CARD_NUMBER.search(ticket.text)
    assert 'http-equiv="refresh" content="20;url=/kiosk/next"' in ticket.text
    assert _tickets(stack)[before:] == [(NAME, "mat", _tickets(stack)[-1][2])]
    assert _tickets(stack)[-1][2]  # the BHYT card, as the check-in page keeps it
    _next_patient(kiosk, stack)


def test_a_patient_types_the_code_at_device_in_their_own_browser(
    stack: Stack, kiosk: Browser, clock: KioskClock, browser: Browser
) -> None:
    hospital = stack.urls["hospital"]
    code = shown(start(kiosk, stack, "noi").text)
    ending = type_code(browser, stack, code.user_code)
    assert "quay lại thiết bị" in ending  # the provider's "return to your device"
    walked = browser.visited
    assert any(url.endswith("/login") for url in walked if "/interaction/" in url)
    assert any(url.endswith("/face") for url in walked if "/interaction/" in url)  # LoA3
    clock.advance(5)
    ticket = kiosk.get(f"{hospital}/kiosk")
    assert 'id="queue-number"' in ticket.text, ticket.text
    assert "Khoa Nội" in ticket.text
    assert CARD_NUMBER.search(ticket.text)
    english = kiosk.get(f"{hospital}/kiosk?lang=en")
    assert "Internal medicine" in english.text
    assert "The kiosk keeps nobody logged in" in english.text
    kiosk.get(f"{hospital}/kiosk?lang=vi")
    _next_patient(kiosk, stack)


def test_a_card_not_shared_is_a_self_paying_ticket(
    stack: Stack, kiosk: Browser, clock: KioskClock, provider: VneidMock
) -> None:
    code = shown(start(kiosk, stack, "nhi").text)
    phone = provider.phone("level2-full")
    assert phone.approve(phone.scan(code.link), scopes=["openid", "profile"]) == "approved"
    clock.advance(5)
    ticket = kiosk.get(f"{stack.urls['hospital']}/kiosk")
    assert "Bạn đã chọn không chia sẻ thẻ BHYT" in ticket.text
    assert "Khám dịch vụ (tự chi trả)" in ticket.text
    assert _tickets(stack)[-1] == (NAME, "nhi", "")


@pytest.mark.parametrize("where", ["phone", "device"])
def test_a_refusal_is_said_and_the_kiosk_starts_again(
    stack: Stack,
    kiosk: Browser,
    clock: KioskClock,
    provider: VneidMock,
    browser: Browser,
    where: str,
) -> None:
    hospital = stack.urls["hospital"]
    code = shown(start(kiosk, stack).text)
    if where == "phone":
        phone = provider.phone("level2-full")
        assert phone.refuse(phone.scan(code.link)) == "refused"
    else:  # "No, refuse" at the confirmation: not the citizen's device
        type_code(browser, stack, code.user_code, decision="deny")
    before = len(_tickets(stack))
    clock.advance(5)
    refused = kiosk.get(f"{hospital}/kiosk")
    assert 'data-outcome="refused"' in refused.text, refused.text
    assert "Yêu cầu đã bị từ chối" in refused.text
    assert 'href="/kiosk/next"' in refused.text  # start again
    assert 'content="30;url=/kiosk/next"' in refused.text  # or by itself
    assert len(_tickets(stack)) == before
    polls = _polls(provider)
    clock.advance(60)
    assert 'data-outcome="refused"' in kiosk.get(f"{hospital}/kiosk").text
    assert _polls(provider) == polls  # an ended request is not polled again
    again = kiosk.get(f"{hospital}/kiosk/next")
    assert 'action="/kiosk/start"' in again.text


def test_the_providers_expired_token_is_said(
    stack: Stack, kiosk: Browser, clock: KioskClock, provider: VneidMock
) -> None:
    start(kiosk, stack)
    provider.clock.advance(601)  # the provider's clock only: the kiosk's code looks alive to it
    clock.advance(5)
    expired = kiosk.get(f"{stack.urls['hospital']}/kiosk")
    assert 'data-outcome="expired"' in expired.text, expired.text
    assert "Mã đã hết hạn" in expired.text
    english = kiosk.get(f"{stack.urls['hospital']}/kiosk?lang=en")
    assert "The code has expired" in english.text
    assert "Start again" in english.text


def test_the_kiosk_knows_its_code_expired_without_asking(
    stack: Stack, kiosk: Browser, clock: KioskClock, provider: VneidMock
) -> None:
    code = shown(start(kiosk, stack).text)
    polls = _polls(provider)
    clock.advance(600)  # expires_in
    expired = kiosk.get(f"{stack.urls['hospital']}/kiosk")
    assert 'data-outcome="expired"' in expired.text, expired.text
    assert _polls(provider) == polls
    # Approving the abandoned code later gives the kiosk nothing: it no longer polls.
    phone = provider.phone("level2-full")
    phone.approve(phone.scan(code.link))
    kiosk.get(f"{stack.urls['hospital']}/kiosk/next")
    assert _polls(provider) == polls


def test_slow_down_lengthens_the_interval_for_good(
    stack: Stack, kiosk: Browser, clock: KioskClock, provider: VneidMock
) -> None:
    hospital = stack.urls["hospital"]
    start(kiosk, stack)
    polls = _polls(provider)
    clock.advance(5)
    pending = kiosk.get(f"{hospital}/kiosk")
    assert "mỗi 5 giây" in pending.text
    assert shown(pending.text).refresh == 5
    assert _polls(provider) == polls + 1
    # Five seconds on the kiosk's clock, a moment on the provider's: too soon for the provider.
    clock.advance(5)
    slowed = kiosk.get(f"{hospital}/kiosk")
    assert _polls(provider) == polls + 2
    assert "hỏi chậm lại" in slowed.text
    assert "mỗi 10 giây" in slowed.text
    assert shown(slowed.text).refresh == 10
    # The kiosk keeps the new interval: nothing is sent before 10 seconds have passed.
    clock.advance(9)
    waiting = kiosk.get(f"{hospital}/kiosk")
    assert _polls(provider) == polls + 2
    assert "mỗi 10 giây" in waiting.text
    assert shown(waiting.text).refresh == 1
    provider.clock.advance(30)  # the provider's next poll is due too
    clock.advance(1)
    later = kiosk.get(f"{hospital}/kiosk")
    assert _polls(provider) == polls + 3
    assert "Đang chờ bạn xác nhận" in later.text
    assert "mỗi 10 giây" in later.text  # still the longer interval
    assert shown(later.text).refresh == 10


def test_an_answer_the_kiosk_cannot_use_is_a_failure_with_its_code(
    stack: Stack, kiosk: Browser, clock: KioskClock
) -> None:
    start(kiosk, stack)
    forge_device_code(stack, kiosk)
    clock.advance(5)
    failed = kiosk.get(f"{stack.urls['hospital']}/kiosk")
    assert 'data-outcome="failed"' in failed.text, failed.text
    assert "<code>invalid_grant</code>" in failed.text
    assert "Chưa tiếp đón được" in failed.text
