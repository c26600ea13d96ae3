"""Single sign-on across the three apps and single logout: logging out of one app ends the provider's
session, and the provider's back-channel logout tokens end the others' local sessions."""

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack


def _signed_in(browser: Browser, stack: Stack, app: str) -> bool:
    """Whether the app's header shows the logout form (a signed-in citizen)."""
    return 'action="/logout"' in browser.http.get(f"{stack.urls[app]}/inspector").text


def test_second_app_reuses_the_session(stack: Stack, browser: Browser) -> None:
    browser.get(f"{stack.urls['hospital']}/checkin")
    before = len(browser.visited)
    page = browser.get(f"{stack.urls['portal']}/login")
    walked = browser.visited[before:]
    assert page.status_code == 200
    assert _signed_in(browser, stack, "portal")
    # No password, code or passcode asked: only the portal's consent.
    assert not any(
        url.endswith(("/login", "/otp", "/passcode")) for url in walked if "/interaction/" in url
    )
    assert any(url.endswith("/consent") for url in walked)
    portal_sid = browser.inspector("portal")[-1]["steps"][3]["data"]["claims"]["sid"]  # type: ignore[index]
    hospital_sid = browser.inspector("hospital")[-1]["steps"][3]["data"]["claims"]["sid"]  # type: ignore[index]
    assert portal_sid == hospital_sid


def test_logout_at_one_app_logs_out_of_all(stack: Stack, browser: Browser) -> None:
    browser.get(f"{stack.urls['hospital']}/checkin")
    browser.get(f"{stack.urls['portal']}/login")
    assert _signed_in(browser, stack, "hospital")
    assert _signed_in(browser, stack, "portal")
    page = browser.post(f"{stack.urls['portal']}/logout", {"csrf": browser.csrf("portal")})
    assert page.status_code == 200, page.text
    assert str(page.url).startswith(f"{stack.urls['portal']}/logged-out")
    assert "Đã đăng xuất" in page.text
    assert not _signed_in(browser, stack, "portal")
    assert not _signed_in(browser, stack, "hospital")  # ended by the back channel
    logout = browser.inspector("portal")[-1]
    assert logout["purpose"] == "logout"
    assert "id_token_hint" in logout["steps"][0]["data"]["parameters"]  # type: ignore[index]
    # The provider's session is gone too: the hospital asks for the password again.
    before = len(browser.visited)
    browser.get(f"{stack.urls['hospital']}/checkin")
    assert any(url.endswith("/login") for url in browser.visited[before:] if "/interaction/" in url)


def test_logout_state_must_be_ours(stack: Stack, browser: Browser) -> None:
    page = browser.http.get(f"{stack.urls['portal']}/logged-out", params={"state": "forged"})
    assert page.status_code == 400
    assert "invalid_state" in page.text


def test_callback_with_unknown_state_is_refused(stack: Stack, browser: Browser) -> None:
    page = browser.http.get(f"{stack.urls['bank']}/callback", params={"code": "x", "state": "nope"})
    assert page.status_code == 400
    assert "invalid_state" in page.text
