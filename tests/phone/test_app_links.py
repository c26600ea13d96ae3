"""App-to-app login: a mobile app's authorization request opened by the VNeID app at
``/phone/authorize``; approving returns to the client's ``redirect_uri`` with a code (LoA4), refusing
with ``access_denied``; a bad request is refused as at ``/authorize``."""

from urllib.parse import urlencode

from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import redeem
from tests.phone.test_qr_login import LEVEL2
from tests.phone.test_qr_login import _phone


def _app_link(**extra: str) -> tuple[str, str]:
    verifier, challenge = pkce()
    return f"/phone/authorize?{urlencode(auth_params(code_challenge=challenge, **extra))}", verifier


def _decide(phone: TestClient, request_path: str, decision: str) -> str:
    screen = phone.get(request_path)
    data = {"csrf": csrf_of(screen.text), "decision": decision, "passcode": PASSCODE}
    answered = phone.post(request_path, data={**data, "face": "match"})
    assert answered.status_code == 303, answered.text
    return str(answered.headers["location"])


def test_an_app_link_is_approved_on_the_phone_and_returns_with_a_code(
    client: TestClient, env: Env
) -> None:
    phone = _phone(client, LEVEL2)
    link, verifier = _app_link(scope="openid profile")
    opened = phone.get(link)
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/phone/requests/")
    back = _decide(phone, opened.headers["location"], "approve")
    assert back.startswith(REDIRECT)
    assert query_of(back)["state"] == "st-1"
    claims = redeem(client, env, back, verifier)
    assert claims["acr"] == "LoA4"


def test_refusing_returns_access_denied(client: TestClient) -> None:
    phone = _phone(client, LEVEL2)
    link, _ = _app_link()
    back = _decide(phone, phone.get(link).headers["location"], "refuse")
    assert query_of(back)["error"] == "access_denied"


def test_a_bad_app_link_is_refused_as_at_the_authorization_endpoint(client: TestClient) -> None:
    phone = _phone(client, LEVEL2)
    unknown_client, _ = _app_link(client_id="nobody")
    assert phone.get(unknown_client).status_code == 400  # an error page: no redirect
    no_pkce = "/phone/authorize?" + urlencode(
        {k: v for k, v in auth_params().items() if not k.startswith("code_challenge")}
    )
    refused = phone.get(no_pkce)
    assert refused.status_code in (302, 303)
    assert query_of(refused.headers["location"])["error"] == "invalid_request"


def test_an_app_link_before_the_app_is_opened_asks_to_open_it(client: TestClient) -> None:
    fresh = TestClient(client.app, follow_redirects=False)
    link, _ = _app_link()
    answered = fresh.get(link)
    assert answered.status_code == 200
    assert 'action="/phone/open"' in answered.text
