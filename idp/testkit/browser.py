"""Login through the real pages with a Playwright page, for suites that test their own browser flow:
the PIN and password, then whichever factor page comes (the SMS code read from the sandbox's inbox,
the passcode, the face match), then the consent page, until the provider redirects to the client.

The browser's request to the client's ``redirect_uri`` is seen (Playwright reports redirect hops as
requests) and the login ends there, so the client needs no server of its own.
"""

import re
from typing import Any

import httpx

from idp.login.headless import pin_of
from idp.settings import IdPSettings
from idp.testkit.tokens import AuthorizationError

MAX_STEPS = 8
_CODE = re.compile(r"\b(\d{6})\b")


def fill_login(page: Any, url: str, persona: str, redirect_uri: str, issuer: str) -> str:
    """Open ``url`` in ``page``, fill every page for ``persona``; the URL the provider sent the
    browser to at ``redirect_uri``."""
    pin = pin_of(persona) or persona
    defaults = IdPSettings(_env_file=None)
    caught: list[str] = []

    def seen(request: Any) -> None:  # a redirect hop too, which page.route never sees
        if request.url.startswith(redirect_uri):
            caught.append(request.url)

    def catch(route: Any) -> None:  # a page of the client's (form_post): answered here
        seen(route.request)
        route.fulfill(status=200, content_type="text/plain", body="vneid-mock test kit")

    page.on("request", seen)
    page.route(f"{redirect_uri}*", catch)
    try:
        page.goto(url)
        for _ in range(MAX_STEPS):
            if caught:
                return caught[0]
            _step(page, pin, defaults, issuer)
            page.wait_for_load_state()
    finally:
        page.unroute(f"{redirect_uri}*", catch)
        page.remove_listener("request", seen)
    if caught:
        return caught[0]
    raise AuthorizationError("browser_login", f"the pages did not finish: {page.title()}")


def _step(page: Any, pin: str, defaults: IdPSettings, issuer: str) -> None:
    """Fill and submit the page the browser shows."""
    if page.locator("#username").count():
        page.fill("#username", pin)
        page.fill("#password", defaults.sandbox_password)
        page.click("form[action$='/login'] button[type=submit]")
    elif page.locator("#otp").count():
        page.fill("#otp", _latest_code(issuer, page.content()))
        page.click("form[action$='/otp'] button[type=submit]")
    elif page.locator("#passcode").count():
        page.fill("#passcode", defaults.sandbox_passcode)
        page.click("form[action$='/passcode'] button[type=submit]")
    elif page.locator("button[name=face][value=match]").count():
        page.click("button[name=face][value=match]")
    elif page.locator("button[name=decision][value=approve]").count():
        page.click("button[name=decision][value=approve]")
    else:
        raise AuthorizationError("browser_login", f"an unexpected page: {page.title()}")


def _latest_code(issuer: str, shown: str) -> str:
    """The newest code in the SMS inbox for the phone the page names (+84…)."""
    phone = re.search(r"\+84\d{9}", shown)
    query = {"phone": phone.group(0)} if phone else {}
    inbox = httpx.get(f"{issuer}/sandbox/sms.json", params=query).raise_for_status().json()
    for message in inbox["messages"]:  # newest first
        if found := _CODE.search(message["body"]):
            return found.group(1)
    raise AuthorizationError("browser_login", "no SMS code in the inbox")
