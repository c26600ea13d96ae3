"""The hospital kiosk end to end: a public client (PKCE, no secret) asking for identity and
health_insurance; the BHYT card and the registered facility shown, a check-in ticket."""

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack


def test_checkin_shows_the_bhyt_card(stack: Stack, browser: Browser) -> None:
    hospital = stack.urls["hospital"]
    card = browser.get(f"{hospital}/checkin")
    assert card.status_code == 200, card.text
    assert "Số thẻ BHYT" in card.text
    assert "Nơi đăng ký KCB ban đầu" in card.text
    flow = browser.inspector("hospital")[-1]
    assert flow["steps"][2]["data"]["auth_method"] == "none"  # type: ignore[index]
    params = flow["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["code_challenge_method"] == "S256"
    assert "health_insurance" in params["scope"].split()
    ticket = browser.post(
        f"{hospital}/checkin", {"csrf": browser.csrf("hospital"), "department": "mat"}
    )
    assert ticket.status_code == 200
    assert 'id="queue-number"' in ticket.text.replace("'", '"')
    assert "Khoa Mắt" in ticket.text
