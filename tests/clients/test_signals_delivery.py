"""A receiver that is down gets its events when it is back: the provider keeps what it could not deliver
and tries again (RFC 8935 §2.3), and the app, served again, registers its stream again and takes them.
The app takes events the provider sends with its clock moved ahead (a SET's ``iat`` in the app's
future)."""

import time

import httpx

from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.signal_steps import events_of
from tests.clients.signal_steps import stream_of
from tests.clients.signal_steps import wait_for_event
from tests.oidc.conftest import PIN


def _lock(stack: Stack, status: str) -> None:
    response = httpx.patch(
        f"{stack.idp}/sandbox/citizens/{PIN}",
        json={"account_status": status},
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    assert response.status_code == 200, response.text


def _clock(stack: Stack, move: dict[str, object]) -> None:
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    response = httpx.post(f"{stack.idp}/sandbox/clock", json=move, headers=headers)
    assert response.status_code == 200, response.text


def _sub_of(browser: Browser, app: str) -> str:
    for flow in reversed(browser.inspector(app)):
        for step in flow["steps"]:  # type: ignore[attr-defined]
            if step["step"] == "id_token":
                return str(step["data"]["claims"]["sub"])
    raise AssertionError("no ID token in the inspector")


def test_an_app_that_was_down_gets_the_event_when_it_is_back(
    stack: Stack, browser: Browser
) -> None:
    stream_of(stack, "portal")
    browser.get(f"{stack.urls['portal']}/login")  # the citizen shares with the portal
    sub = _sub_of(browser, "portal")
    before = len(events_of(stack, "portal", "account-disabled", sub))
    enabled = len(events_of(stack, "portal", "account-enabled", sub))
    stack.stop("portal")
    try:
        _lock(stack, "locked")
        time.sleep(1.5)  # the provider tries, and fails, while the portal is down
    finally:
        stack.restart("portal")
    try:
        disabled = wait_for_event(stack, "portal", "account-disabled", sub, after=before)
        assert disabled["received_at"] >= disabled["happened_at"]
    finally:
        _lock(stack, "active")
    wait_for_event(stack, "portal", "account-enabled", sub, after=enabled)


def test_events_reach_the_app_while_the_providers_clock_is_ahead(
    stack: Stack, browser: Browser
) -> None:
    stream_of(stack, "portal")
    browser.get(f"{stack.urls['portal']}/login")
    sub = _sub_of(browser, "portal")
    disabled = len(events_of(stack, "portal", "account-disabled", sub))
    enabled = len(events_of(stack, "portal", "account-enabled", sub))
    _clock(stack, {"action": "advance", "seconds": 7 * 86400})  # a workshop a week on
    try:
        _lock(stack, "locked")
        event = wait_for_event(stack, "portal", "account-disabled", sub, after=disabled)
        assert event["happened_at"] > time.time() + 6 * 86400
        _lock(stack, "active")
        wait_for_event(stack, "portal", "account-enabled", sub, after=enabled)
    finally:
        _lock(stack, "active")
        _clock(stack, {"action": "reset"})
