"""The hospital kiosk's test steps (``/kiosk``, RFC 8628 on the device side): the kiosk's clock, moved by
the tests (the device's time only, never the provider's: a poll is due once the kiosk's interval has
passed), the kiosk's screen in a :class:`~tests.clients.conftest.Browser`, the code it shows, and a
citizen approving that code by typing it at the provider's ``/device`` page."""

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

import httpx

from clients.rp.device_flow import DeviceClient
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.oidc.conftest import PIN
from tests.oidc.conftest import csrf_of

KIOSK_CLIENT = "hospital-kiosk"


class KioskClock:
    """The system's time, plus what the test advanced."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@contextmanager
def kiosk_clock(stack: Stack) -> Iterator[KioskClock]:
    """The stack's hospital kiosk on a clock the test moves, for the test's length."""
    device: DeviceClient = stack.apps["hospital"].state.kiosk
    clock, before = KioskClock(), device.clock
    device.clock = clock
    try:
        yield clock
    finally:
        device.clock = before


@dataclass(frozen=True)
class Shown:
    """What the waiting screen shows the patient."""

    user_code: str
    verification_uri: str
    link: str
    """``verification_uri_complete``, which the QR code carries."""
    refresh: int
    """Seconds until the screen refreshes (and polls)."""


def shown(html: str) -> Shown:
    return Shown(
        _found(r'id="user-code"[^>]*>([^<]+)<', html),
        _found(r'class="kiosk-uri"><code>([^<]+)</code>', html),
        _found(r'data-link="([^"]+)"', html),
        int(_found(r'http-equiv="refresh" content="(\d+)"', html)),
    )


def _found(pattern: str, html: str) -> str:
    """The first group of ``pattern`` in ``html``, unescaped."""
    match = re.search(pattern, html)
    assert match is not None, (pattern, html)
    return unescape(match.group(1))


def start(browser: Browser, stack: Stack, department: str = "mat") -> httpx.Response:
    """Touch ``department`` on the start screen; the waiting screen."""
    hospital = stack.urls["hospital"]
    screen = browser.get(f"{hospital}/kiosk")
    assert 'action="/kiosk/start"' in screen.text, screen.text
    form = {"csrf": csrf_of(screen.text), "department": department}
    waiting = browser.post(f"{hospital}/kiosk/start", form)
    assert waiting.status_code == 200, waiting.text
    assert str(waiting.url) == f"{hospital}/kiosk"
    return waiting


def type_code(citizen: Browser, stack: Stack, user_code: str, decision: str = "confirm") -> str:
    """The citizen types the code at ``/device`` in their own browser (lower case, no dash), confirms
    it is the kiosk's (or refuses), and answers the login pages; the last page's text."""
    typed = citizen.http.post(
        f"{stack.idp}/device", data={"user_code": user_code.lower().replace("-", "")}
    )
    assert typed.is_redirect, typed.text
    page = citizen.http.get(urljoin(f"{stack.idp}/device", typed.headers["location"]))
    form = {
        "user_code": _found(r'name="user_code" value="([^"]+)"', page.text),
        "token": _found(r'name="token" value="([^"]+)"', page.text),
        "decision": decision,
    }
    bound = citizen.http.post(f"{stack.idp}/device/confirm", data=form)
    return citizen.walk(bound, pin=PIN).text


def forge_device_code(stack: Stack, kiosk: Browser) -> None:
    """Replace the device code the kiosk's session keeps by one the provider never issued (its
    answer: ``invalid_grant``)."""
    session_id = kiosk.http.cookies.get("hospital_session")
    with sqlite3.connect(stack.tmp / "hospital.sqlite3") as db:
        (data,) = db.execute("SELECT data FROM rp_session WHERE id = ?", (session_id,)).fetchone()
        session = json.loads(data)
        session["hospital_kiosk"]["request"]["device_code"] = "never-issued"
        db.execute("UPDATE rp_session SET data = ? WHERE id = ?", (json.dumps(session), session_id))
