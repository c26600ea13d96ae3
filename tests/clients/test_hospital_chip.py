"""Check-in with the chip identity card at the hospital, end to end through the real provider: the desk
(``/checkin/chip``) and the kiosk (``/kiosk/chip``) open a reader on the provider, the card is tapped
by the reader's API (as its page does), and the hospital reads the chip, runs Active Authentication,
checks the signature itself, takes the camera's photo and asks the card verification service.

A wrong access key leaves the reader waiting; an impostor at the camera is refused; an accepted card
prints one ticket (self-paying: the chip holds no BHYT card); the inspector shows every step; the
reader is closed once read, or when the check is cancelled; a check is only its browser's; bad input
to every new page is answered without a 5xx."""

import re
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.clients.card_steps import change_citizen
from tests.clients.card_steps import citizen_kept
from tests.clients.card_steps import outcome_of
from tests.clients.card_steps import reader_of
from tests.clients.card_steps import reader_state
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
CHIP_STEPS = [
    "reader_session",
    "card_read",
    "active_authentication",
    "passive_authentication",
    "camera",
    "service_token",
    "card_verification",
]


def start_at_desk(browser: Browser, stack: Stack) -> httpx.Response:
    """ "Check in with the chip identity card" on the hospital's home page: the waiting page."""
    hospital = stack.urls["hospital"]
    home = browser.get(f"{hospital}/")
    assert 'action="/checkin/chip"' in home.text
    waiting = browser.post(f"{hospital}/checkin/chip", {"csrf": csrf_of(home.text)})
    assert waiting.status_code == 200, waiting.text
    assert re.fullmatch(rf"{hospital}/checkin/chip/[A-Za-z0-9_-]+", str(waiting.url))
    return waiting


def test_a_patient_checks_in_with_the_chip_card(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    waiting = start_at_desk(browser, stack)
    assert 'http-equiv="refresh"' in waiting.text
    assert 'target="_blank"' in waiting.text
    reader = reader_of(waiting)
    assert reader_state(stack, reader).json()["status"] == "waiting"

    wrong = {"card_number": PIN, "birth_date": "000101", "expiry_date": "000101"}
    refused = tap(stack, reader, PIN, key=wrong)
    assert refused.status_code == 403
    assert refused.json()["error"] == "access_denied"
    still = browser.get(str(waiting.url))
    assert 'id="card-status"' in still.text  # a wrong key: the reader still waits for the card

    assert tap(stack, reader, PIN).status_code == 200
    read = wait_for_outcome(browser.http, str(waiting.url))
    assert outcome_of(read) == "accepted"
    for shown in (
        NAME,
        PIN,
        "15/03/1988",
        'id="no-bhyt"',
        'id="card-portrait"',
        'id="card-camera"',
    ):
        assert shown in read.text, shown
    assert reader_state(stack, reader).status_code == 404  # closed once read
    portrait = browser.http.get(
        f"{hospital}/card-checks/{str(waiting.url).rsplit('/', 1)[1]}/portrait.jpg"
    )
    assert portrait.headers["content-type"] == "image/jpeg"

    printed = browser.post(
        f"{waiting.url!s}/ticket", {"csrf": csrf_of(read.text), "department": "nhi"}
    )
    assert str(printed.url) == f"{hospital}/ticket"
    assert 'id="queue-number"' in printed.text
    assert NAME in printed.text
    assert "Khám dịch vụ (tự chi trả)" in printed.text
    again = browser.http.post(
        f"{waiting.url!s}/ticket", data={"csrf": csrf_of(read.text), "department": "nhi"}
    )
    assert again.status_code == 409  # one card reading, one ticket

    flow = browser.inspector("hospital")[-1]
    assert flow["purpose"] == "chip_checkin"
    assert steps_of(flow) == CHIP_STEPS
    steps = {s["step"]: s["data"] for s in flow["steps"]}  # type: ignore[attr-defined]
    assert steps["passive_authentication"]["valid"] is True
    assert steps["active_authentication"]["valid"] is True
    assert steps["card_verification"]["response"]["status"] == "valid"
    page = browser.get(f"{hospital}/inspector").text
    for shown in ("IDVNM", 'data-file="DG13"', 'data-group="DG15"', 'id="service-answer"'):
        assert shown in page, shown


def test_an_impostor_at_the_camera_is_refused(stack: Stack, browser: Browser) -> None:
    waiting = start_at_desk(browser, stack)
    assert tap(stack, reader_of(waiting), PIN, face=SPOUSE_PIN).status_code == 200
    read = wait_for_outcome(browser.http, str(waiting.url))
    assert outcome_of(read) == "refused"
    assert reasons_of(read) == ["face_mismatch"]
    assert 'action="/checkin/chip/' not in read.text.split("card-outcome", 1)[1]  # no ticket form


EXPIRED_PIN = "034064999007"  # his card expired on his 60th birthday
ADDRESS = ("province_code", "ward_code", "street_address")


@pytest.mark.parametrize("change", ["revoked", "replaced", "expired", "mismatch"])
def test_a_card_that_is_no_longer_valid_is_refused(
    stack: Stack, browser: Browser, change: str
) -> None:
    """Revoked (reported lost) before the tap; replaced by a new card while on the reader (the
    reader keeps the card as it was placed); past its expiry; or out of date (the citizen moved:
    the chip still says the old residence)."""
    who = EXPIRED_PIN if change == "expired" else PIN
    with citizen_kept(stack, who) as before:
        if change == "revoked":
            change_citizen(stack, who, card={"action": "revoke", "reason": "lost"})
        if change == "mismatch":
            moved = {**before["address"], "street_address": "Số 99 Hàng Đào"}
            change_citizen(stack, who, address={k: moved[k] for k in ADDRESS})
        waiting = start_at_desk(browser, stack)
        assert tap(stack, reader_of(waiting), who).status_code == 200
        if change == "replaced":
            change_citizen(stack, who, card={"action": "renew"})
        read = wait_for_outcome(browser.http, str(waiting.url))
    assert outcome_of(read) == "refused"
    assert reasons_of(read) == [f"status_{change}"]
    flow = browser.inspector("hospital")[-1]
    steps = {s["step"]: s["data"] for s in flow["steps"]}  # type: ignore[attr-defined]
    assert steps["card_verification"]["response"]["status"] == change
    assert steps["passive_authentication"]["valid"] is True  # genuine: only no longer valid


def test_cancelling_closes_the_reader(stack: Stack, browser: Browser) -> None:
    waiting = start_at_desk(browser, stack)
    reader = reader_of(waiting)
    url = str(waiting.url)
    assert (
        browser.http.post(f"{url}/continue", data={"csrf": csrf_of(waiting.text)}).status_code
        == 303
    )
    cancelled = browser.http.post(f"{url}/cancel", data={"csrf": csrf_of(waiting.text)})
    assert cancelled.status_code == 303
    assert reader_state(stack, reader).status_code == 404
    assert outcome_of(browser.get(url)) == "cancelled"


def test_a_check_is_only_its_browsers(stack: Stack, browser: Browser) -> None:
    waiting = start_at_desk(browser, stack)
    stranger = Browser(stack)
    try:
        assert stranger.get(str(waiting.url)).status_code == 404
        home = stranger.get(f"{stack.urls['hospital']}/")
        forged = stranger.http.post(f"{waiting.url}/cancel", data={"csrf": csrf_of(home.text)})
        assert forged.status_code == 404
        check_id = str(waiting.url).rsplit("/", 1)[1]
        camera = stranger.http.get(f"{stack.urls['hospital']}/card-checks/{check_id}/camera.jpg")
        assert camera.status_code == 404
    finally:
        stranger.close()
    forged = browser.http.post(f"{waiting.url}/cancel", data={"csrf": "forged"})
    assert forged.status_code == 403


def test_the_kiosk_checks_in_with_the_chip_card(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    start = browser.get(f"{hospital}/kiosk")
    assert 'action="/kiosk/chip"' in start.text
    waiting = browser.post(
        f"{hospital}/kiosk/chip", {"csrf": csrf_of(start.text), "department": "mat"}
    )
    assert str(waiting.url) == f"{hospital}/kiosk"
    assert 'http-equiv="refresh" content="2"' in waiting.text
    assert tap(stack, reader_of(waiting), PIN).status_code == 200
    ticket = wait_for_outcome(browser.http, f"{hospital}/kiosk")
    assert 'id="queue-number"' in ticket.text
    for shown in (NAME, "Khoa Mắt", "Thẻ căn cước không chứa thông tin thẻ BHYT"):
        assert shown in ticket.text, shown
    assert browser.inspector("hospital")[-1]["purpose"] == "chip_kiosk"
    assert 'action="/kiosk/start"' in browser.get(f"{hospital}/kiosk/next").text


def test_the_kiosk_refuses_an_impostor_and_starts_again(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    start = browser.get(f"{hospital}/kiosk")
    waiting = browser.post(
        f"{hospital}/kiosk/chip", {"csrf": csrf_of(start.text), "department": "noi"}
    )
    assert tap(stack, reader_of(waiting), PIN, face=SPOUSE_PIN).status_code == 200
    refused = wait_for_outcome(browser.http, f"{hospital}/kiosk")
    assert outcome_of(refused) == "card_refused"
    assert 'content="30;url=/kiosk/next"' in refused.text
    assert 'action="/kiosk/start"' in browser.get(f"{hospital}/kiosk/next").text


@settings(max_examples=60, deadline=None)
@given(
    department=st.text(max_size=20),
    check_id=st.text(max_size=80),
    csrf=st.sampled_from(["ok", "forged", ""]),
)
def test_the_hospitals_card_endpoints_never_fail_on_bad_input(
    stack: Stack, department: str, check_id: str, csrf: str
) -> None:
    hospital = stack.urls["hospital"]
    with httpx.Client(timeout=20) as http:
        token = csrf_of(http.get(f"{hospital}/").text) if csrf == "ok" else csrf
        quoted = quote(check_id, safe="") or "x"
        form = {"csrf": token, "department": department}
        for answered in (
            http.post(f"{hospital}/kiosk/chip", data=form),
            http.get(f"{hospital}/kiosk"),
            http.post(f"{hospital}/kiosk/chip/continue", data=form),
            http.get(f"{hospital}/checkin/chip/{quoted}"),
            http.post(f"{hospital}/checkin/chip/{quoted}/ticket", data=form),
            http.post(f"{hospital}/checkin/chip/{quoted}/continue", data=form),
            http.get(f"{hospital}/card-checks/{quoted}/camera.jpg"),
            http.post(f"{hospital}/kiosk/chip/cancel", data=form),
        ):
            assert answered.status_code < 500, (answered.request.url, answered.text)
