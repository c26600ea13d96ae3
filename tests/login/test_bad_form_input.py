"""The interaction's and the account page's forms never answer a 500: a forged CSRF token with
characters outside ASCII (which ``hmac.compare_digest`` refuses to compare as ``str``) is an expired
interaction, like any other wrong token."""

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import pkce

FORGED = "jeton-forgé"
FORMS = {
    "login": {"username": PIN, "password": PASSWORD},
    "cancel": {},
    "continue": {},
    "otp": {"otp": "123456"},
    "otp/resend": {},
    "passcode": {"passcode": "123456"},
    "face": {"face": "match"},
    "consent": {"decision": "approve"},
}


def _interaction(client: TestClient) -> str:
    _, challenge = pkce()
    response = client.get("/authorize", params=auth_params(code_challenge=challenge))
    assert response.status_code == 303
    return str(response.headers["location"])


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_non_ascii_csrf_token_is_refused_without_a_500(client: TestClient, form: str) -> None:
    page = _interaction(client)
    response = client.post(f"{page}/{form}", data={**FORMS[form], "csrf": FORGED})
    assert response.status_code == 400, response.text


def test_a_non_ascii_csrf_token_at_withdrawal_is_refused_without_a_500(client: TestClient) -> None:
    page = _interaction(client)
    html = client.get(page).text
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    complete(client, client.post(f"{page}/login", data=login))
    response = client.post("/account/withdraw", data={"client_id": "rp", "csrf": FORGED})
    assert response.status_code == 400, response.text
