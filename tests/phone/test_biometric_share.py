"""The banks' app-to-app sharing: init for a PIN, the app link opened in the VNeID app, approval with
passcode and face, the return to the bank with a consent id, and the fetch of the face match and the
consented data; refusal, another client, a wrong or reused consent id, bad input, an unknown PIN."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import query_of
from tests.phone.test_qr_login import LEVEL2
from tests.phone.test_qr_login import _phone

SCOPE = "openid profile eid_card"


def _init(client: TestClient, env: Env, pin: str = LEVEL2, **extra: str) -> Any:
    data = {"pin": pin, "return_uri": REDIRECT, "scope": SCOPE, "purpose": "Mở tài khoản", **extra}
    return client.post("/api/biometric-share/init", data=data, auth=("l2", env.secrets["l2"]))


def _fetch(client: TestClient, env: Env, transaction: str, consent: str, who: str = "l2") -> Any:
    data = {"transactionId": transaction, "consentId": consent}
    return client.post("/api/biometric-share/transaction", data=data, auth=(who, env.secrets[who]))


def _decide(phone: TestClient, app_link: str, decision: str) -> dict[str, str]:
    """The app link opened on the phone, decided: where the app returns (the bank's return URI)."""
    opened = phone.get(app_link.removeprefix("http://testserver"))
    assert opened.status_code == 303, opened.text
    screen = phone.get(opened.headers["location"])
    assert "Mở tài khoản" in screen.text  # the purpose is shown
    ticked = re.findall(r'name="scope" value="([^"]+)"', screen.text)
    data = {"csrf": csrf_of(screen.text), "decision": decision, "passcode": PASSCODE}
    answered = phone.post(
        opened.headers["location"], data={**data, "face": "match", "scope": ticked}
    )
    assert answered.status_code == 303, answered.text
    assert answered.headers["location"].startswith(f"{REDIRECT}?")
    return query_of(answered.headers["location"])


def test_a_sharing_transaction_approved_in_the_app_gives_the_face_match_and_the_data(
    client: TestClient, env: Env
) -> None:
    phone = _phone(client, LEVEL2)  # the customer's app, activated on their phone
    started = _init(client, env)
    assert started.status_code == 200, started.text
    transaction = started.json()["transactionId"]
    assert _fetch(client, env, transaction, "x").json()["error"] == "authorization_pending"
    back = _decide(phone, started.json()["appLink"], "approve")
    assert back["transactionId"] == transaction
    consent = back["consentId"]
    assert _fetch(client, env, transaction, "wrong").json()["error"] == "invalid_grant"
    assert _fetch(client, env, transaction, consent, "rp").json()["error"] == "invalid_grant"
    result = _fetch(client, env, transaction, consent)
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["faceMatch"]["result"] == "match"
    assert body["acr"] == "LoA4"
    assert "hwk" in body["amr"]
    assert body["citizen"]["name"]
    assert body["citizen"]["eid_card"]["number"]
    assert body["scope"] == SCOPE
    assert _fetch(client, env, transaction, consent).json()["error"] == "invalid_grant"  # once


def test_refusing_in_the_app_returns_access_denied(client: TestClient, env: Env) -> None:
    phone = _phone(client, LEVEL2)
    started = _init(client, env).json()
    back = _decide(phone, started["appLink"], "refuse")
    assert back["error"] == "access_denied"
    fetched = _fetch(client, env, started["transactionId"], "none")
    assert fetched.json()["error"] == "access_denied"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"pin": "12345"}, "invalid_request"),
        ({"return_uri": "https://elsewhere.example/cb"}, "invalid_request"),
        ({"scope": "openid vehicles"}, "invalid_scope"),  # not among the client's
        ({"purpose": "x" * 301}, "invalid_request"),
    ],
)
def test_bad_input_is_refused_with_its_error(
    client: TestClient, env: Env, change: dict[str, str], error: str
) -> None:
    refused = _init(client, env, **change)
    assert refused.status_code == 400
    assert refused.json()["error"] == error


def test_a_service_scope_is_never_shared(client: TestClient, env: Env) -> None:
    """``card_verification`` is a client's licence (idp.oidc.service_scopes), never a citizen's."""
    refused = _init(client, env, scope="openid card_verification")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
    assert "client credentials grant" in refused.json()["error_description"]


def test_client_authentication_is_required(client: TestClient) -> None:
    data = {"pin": LEVEL2, "return_uri": REDIRECT}
    refused = client.post("/api/biometric-share/init", data=data)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


def test_an_unknown_pin_is_not_told_apart(client: TestClient, env: Env) -> None:
    started = _init(client, env, pin="001099999999")
    assert started.status_code == 200
    app_link = started.json()["appLink"].removeprefix("http://testserver")
    assert _phone(client, LEVEL2).get(app_link).status_code == 404  # nobody's phone has it
