"""Every page of the provider, reached as a browser reaches it, in a chosen language: the pages of an
interaction (login, SMS code, passcode, face match, consent, the endings, the too-many-attempts
notice), the device flow's pages (the code, a wrong one, too many, the confirmation, done, refused),
the front page, the SMS inbox, the account page, logout, the card reader's screens (waiting, a card
placed, a wrong key, too many, the chip open, an impostor at the camera, a reader that is gone), the
error pages (a bad authorization request, an unknown page, a method the page does not take, an
expired interaction) and the form_post page. Shared by the page-header test and the page-reading
test."""

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import follow
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import sms_code

LEVEL1_PIN = "079195999004"
LOCKED_PIN = "040183999006"
NO_PHONE_PIN = "001216999003"
Page = Callable[[TestClient, str], Response]


def _authorize(client: TestClient, lang: str, **extra: str) -> Response:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, ui_locales=lang, **extra)
    return client.get("/authorize", params=params)


def _login(client: TestClient, lang: str, pin: str = PIN, **extra: str) -> Response:
    """The page after a right password (the form's 303 followed)."""
    page, html = first_page(_authorize(client, lang, **extra))
    data = {"username": pin, "password": PASSWORD, "csrf": csrf_of(html)}
    return follow(client, client.post(f"{page}/login", data=data))


def _factor(client: TestClient, lang: str, acr: str, field: str) -> Response:
    response = _login(client, lang, acr_values=acr)
    if field == "face":
        page, html = first_page(response)
        data = {"passcode": "246810", "csrf": csrf_of(html)}
        response = follow(client, client.post(f"{page}/passcode", data=data))
    assert f'name="{field}"' in response.text, response.text
    return response


def _consent(client: TestClient, lang: str) -> Response:
    page, html = first_page(_factor(client, lang, "LoA2", "otp"))
    data = {"otp": sms_code(client), "csrf": csrf_of(html)}
    response = follow(client, client.post(f"{page}/otp", data=data))
    assert 'name="decision"' in response.text, response.text
    return response


def _wrong_password(client: TestClient, lang: str) -> Response:
    page, html = first_page(_authorize(client, lang))
    data = {"username": PIN, "password": "wrong", "csrf": csrf_of(html)}
    response = follow(client, client.post(f"{page}/login", data=data))
    assert response.status_code == 401
    return response


def _account(client: TestClient, lang: str) -> Response:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    return client.get("/account", params={"lang": lang})


def _logout_confirmation(client: TestClient, lang: str) -> Response:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    return client.get("/logout", params={"ui_locales": lang})


def _logged_out(client: TestClient, lang: str) -> Response:
    html = _logout_confirmation(client, lang).text
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    assert action is not None
    done = client.post(action.group(1).replace("&amp;", "&"), data={"csrf": csrf_of(html)})
    return follow(client, done)


def _expired(client: TestClient, lang: str) -> Response:
    return client.get("/interaction/no-such-interaction", params={"lang": lang})


def _phone(client: TestClient, lang: str, pin: str = PIN) -> Response:
    """The simulated app's home screen, opened as ``pin``."""
    home = client.get("/phone", params={"lang": lang})
    opened = client.post("/phone/open", data={"csrf": csrf_of(home.text), "who": pin})
    assert opened.status_code == 303, opened.text
    return client.get("/phone", params={"lang": lang})


def _phone_request(client: TestClient, lang: str) -> Response:
    """A login's QR code scanned on the phone: the approval screen."""
    html = _authorize(client, lang, scope="openid profile eid_card").text
    link = re.search(r'id="qr-link" value="[^"]*\?r=([^"&]+)"', html)
    assert link is not None
    _phone(client, lang)
    scanned = client.get("/phone/scan", params={"r": link.group(1)})
    assert scanned.status_code == 303, scanned.text
    return client.get(scanned.headers["location"], params={"lang": lang})


def _phone_approved(client: TestClient, lang: str) -> Response:
    screen = _phone_request(client, lang)
    action = re.search(r'<form method="post" action="(/phone/requests/[^"]+)"', screen.text)
    assert action is not None
    data = {"csrf": csrf_of(screen.text), "decision": "approve", "passcode": "246810"}
    return follow(client, client.post(action.group(1), data={**data, "face": "match"}))


def _card_reader(client: TestClient, lang: str, *steps: tuple[str, dict[str, str]]) -> Response:
    """A card reader opened by a kiosk, its page's forms posted in order (``steps``: the form's
    action and fields), then its page."""
    opened = client.post("/api/card-reader/sessions", json={"label": "Quầy giao dịch số 3"})
    assert opened.status_code == 201, opened.text
    page = f"/card-reader/{opened.json()['reader_id']}"
    csrf = csrf_of(client.get(page).text)
    for action, fields in steps:
        assert client.post(f"{page}/{action}", data={"csrf": csrf, **fields}).status_code == 303
    return client.get(page, params={"lang": lang})


CARD = ("card", {"who": PIN})
WRONG_KEY = ("tap", {"card_number": PIN, "birth_date": "010101", "expiry_date": "280315"})
RIGHT_KEY = ("tap", {"card_number": PIN, "birth_date": "15/03/1988", "expiry_date": "280315"})
IMPOSTOR = ("face", {"face": "031190999002"})


def _device_confirmation(client: TestClient, lang: str) -> Response:
    response = client.post("/device_authorization", data={"client_id": "tv", "scope": "openid"})
    assert response.status_code == 200, response.text
    return client.get("/device", params={"user_code": response.json()["user_code"], "lang": lang})


def _device_answer(client: TestClient, lang: str, decision: str) -> Response:
    """The browser's last page of a device request: the confirmation answered, then (confirmed)
    the login and the consent."""
    page = _device_confirmation(client, lang)
    code = re.search(r'name="user_code" value="([^"]+)"', page.text)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert code is not None
    assert token is not None
    data = {"user_code": code.group(1), "token": token.group(1), "decision": decision}
    response = client.post("/device/confirm", data=data)
    return complete(client, response) if decision == "confirm" else response


def _device_wrong_codes(client: TestClient, lang: str, times: int) -> Response:
    for _ in range(times - 1):
        client.post("/device", params={"lang": lang}, data={"user_code": "BCDF-GHJK"})
    return client.post("/device", params={"lang": lang}, data={"user_code": "BCDF-GHJK"})


PAGES: dict[str, Page] = {
    "front": lambda client, lang: client.get("/", params={"lang": lang}),
    "sms-inbox": lambda client, lang: client.get("/sandbox/sms", params={"lang": lang}),
    "login": _authorize,
    "wrong-password": _wrong_password,
    "otp": lambda client, lang: _factor(client, lang, "LoA2", "otp"),
    "passcode": lambda client, lang: _factor(client, lang, "LoA3", "passcode"),
    "face": lambda client, lang: _factor(client, lang, "LoA3", "face"),
    "consent": _consent,
    "unmet-level2": lambda client, lang: _login(client, lang, LEVEL1_PIN, acr_values="LoA3"),
    "unmet-no-phone": lambda client, lang: _login(client, lang, NO_PHONE_PIN, acr_values="LoA2"),
    "refused-locked": lambda client, lang: _login(client, lang, LOCKED_PIN),
    "account": _account,
    "error": lambda client, lang: client.get(
        "/authorize", params={"client_id": "nobody", "ui_locales": lang}
    ),
    "unregistered-redirect": lambda client, lang: client.get(
        "/authorize", params=auth_params(redirect_uri=REDIRECT + "/x", ui_locales=lang)
    ),
    "expired": _expired,
    "not-found": lambda client, lang: client.get("/no-such-page", params={"lang": lang}),
    "method-not-allowed": lambda client, lang: client.delete("/account", params={"lang": lang}),
    "form-post": lambda client, lang: _authorize(
        client, lang, response_mode="form_post", prompt="none"
    ),
    "logout-confirmation": _logout_confirmation,
    "logged-out": _logged_out,
    "login-loa4": lambda client, lang: _authorize(client, lang, acr_values="LoA4"),
    "phone-open": lambda client, lang: client.get("/phone", params={"lang": lang}),
    "phone-home": _phone,
    "phone-home-level1": lambda client, lang: _phone(client, lang, LEVEL1_PIN),
    "phone-scan": lambda client, lang: (
        _phone(client, lang),
        client.get("/phone/scan", params={"lang": lang}),
    )[1],
    "phone-request": _phone_request,
    "phone-approved": _phone_approved,
    "phone-history": lambda client, lang: (
        _phone_approved(client, lang),
        client.get("/phone/history", params={"lang": lang}),
    )[1],
    "card-reader-waiting": lambda client, lang: _card_reader(client, lang),
    "card-reader-card": lambda client, lang: _card_reader(client, lang, CARD),
    "card-reader-wrong-key": lambda client, lang: _card_reader(client, lang, CARD, WRONG_KEY),
    "card-reader-locked": lambda client, lang: _card_reader(client, lang, CARD, *[WRONG_KEY] * 5),
    "card-reader-open": lambda client, lang: _card_reader(client, lang, CARD, RIGHT_KEY),
    "card-reader-impostor": lambda client, lang: _card_reader(
        client, lang, CARD, RIGHT_KEY, IMPOSTOR
    ),
    "card-reader-gone": lambda client, lang: client.get(
        "/card-reader/no-such-reader", params={"lang": lang}
    ),
    "device-entry": lambda client, lang: client.get("/device", params={"lang": lang}),
    "device-wrong-code": lambda client, lang: _device_wrong_codes(client, lang, 1),
    "device-too-many": lambda client, lang: _device_wrong_codes(client, lang, 6),
    "device-confirmation": _device_confirmation,
    "device-done": lambda client, lang: _device_answer(client, lang, "confirm"),
    "device-refused": lambda client, lang: _device_answer(client, lang, "deny"),
}
