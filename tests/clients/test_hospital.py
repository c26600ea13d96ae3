"""The hospital kiosk end to end: a confidential client with PKCE asking for identity and
health_insurance; the BHYT card and the registered facility shown, a check-in ticket printed, then the
patient logged out at the kiosk and at VNeID; a card the patient chose not to share, and sharing it."""

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack

CHOSE_NOT_TO_SHARE = "Bạn đã chọn không chia sẻ thẻ BHYT"


def _signed_in(browser: Browser, stack: Stack) -> bool:
    return 'action="/logout"' in browser.http.get(f"{stack.urls['hospital']}/inspector").text


def test_checkin_shows_the_bhyt_card(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    card = browser.get(f"{hospital}/checkin")
    assert card.status_code == 200, card.text
    assert "Số thẻ BHYT" in card.text
    assert "Nơi đăng ký KCB ban đầu" in card.text
    assert CHOSE_NOT_TO_SHARE not in card.text
    flow = browser.inspector("hospital")[-1]
    assert flow["steps"][2]["data"]["auth_method"] == "client_secret_basic"  # type: ignore[index]
    params = flow["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["code_challenge_method"] == "S256"
    assert "health_insurance" in params["scope"].split()
    ticket = browser.post(
        f"{hospital}/checkin", {"csrf": browser.csrf("hospital"), "department": "mat"}
    )
    assert ticket.status_code == 200
    assert str(ticket.url) == f"{hospital}/ticket"
    assert 'id="queue-number"' in ticket.text.replace("'", '"')
    assert "Khoa Mắt" in ticket.text


def test_printing_the_ticket_logs_the_patient_out_at_vneid(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    browser.get(f"{hospital}/checkin")
    assert _signed_in(browser, stack)
    before = len(browser.visited)
    ticket = browser.post(
        f"{hospital}/checkin", {"csrf": browser.csrf("hospital"), "department": "noi"}
    )
    walked = browser.visited[before:]
    assert str(ticket.url) == f"{hospital}/ticket"
    assert "Khoa Nội" in ticket.text
    assert "đăng xuất khỏi ki-ốt và khỏi VNeID" in ticket.text
    # RP-initiated logout at the provider's end_session_endpoint, back to the registered URI.
    end_session = browser.http.get(f"{stack.idp}/.well-known/openid-configuration").json()[
        "end_session_endpoint"
    ]
    logout = [url for url in walked if url.startswith(f"{end_session}?")]
    assert len(logout) == 1, walked
    query = parse_qs(urlsplit(logout[0]).query)
    assert query["post_logout_redirect_uri"] == [f"{hospital}/logged-out"]
    assert query["id_token_hint"][0].count(".") == 2
    assert not _signed_in(browser, stack)
    # Shown once: the next patient at the kiosk does not see it.
    assert str(browser.get(f"{hospital}/ticket").url) == f"{hospital}/"
    # The provider's session is gone: the next check-in asks for the password again.
    before = len(browser.visited)
    browser.get(f"{hospital}/checkin")
    assert any(url.endswith("/login") for url in browser.visited[before:] if "/interaction/" in url)


def test_a_card_not_shared_is_a_choice_and_can_be_shared(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    page = browser.get(f"{hospital}/checkin", untick=("health_insurance",))
    assert page.status_code == 200, page.text
    token_response = browser.inspector("hospital")[-1]["steps"][2]["data"]["response"]  # type: ignore[index]
    assert "health_insurance" not in token_response["scope"].split()
    assert CHOSE_NOT_TO_SHARE in page.text
    assert "Không có thẻ BHYT" not in page.text
    assert 'href="/checkin/share-card"' in page.text
    english = browser.http.get(f"{hospital}/checkin", params={"lang": "en"}).text
    assert "You chose not to share your BHYT card" in english
    assert "No BHYT card" not in english
    browser.http.get(f"{hospital}/", params={"lang": "vi"})

    before = len(browser.visited)
    shared = browser.get(f"{hospital}/checkin/share-card")
    walked = browser.visited[before:]
    assert any(url.endswith("/consent") for url in walked)  # asked again, no password
    assert not any(url.endswith("/login") for url in walked if "/interaction/" in url)
    params = browser.inspector("hospital")[-1]["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["prompt"] == "consent"
    assert "health_insurance" in params["scope"].split()
    assert str(shared.url) == f"{hospital}/checkin"
    assert CHOSE_NOT_TO_SHARE not in shared.text
    assert re.search(r"<td>[A-Z]{2}\d[0-9A-Z]{2}\d{10}</td>", shared.text)  # the card number
