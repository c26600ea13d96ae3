"""A client is bound to what it presents (RFC 6749 §2.3, §3.2.1, §4.1.3, §6): one authentication method
per request, a body ``client_id`` naming the authenticated client only, and codes and refresh tokens
spendable only by the client they were issued to, so that one client can never use up or revoke
another's code or grant; a request that fails any check leaves the code to its rightful redemption."""

import base64

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code
from tests.oidc.conftest import get_tokens


def _redeem(client: TestClient, env: Env, code: str, verifier: str, client_id: str = "rp"):  # type: ignore[no-untyped-def]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    return client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))


def _refresh(client: TestClient, env: Env, refresh_token: str, client_id: str = "rp"):  # type: ignore[no-untyped-def]
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))


def _userinfo_status(client: TestClient, access_token: str) -> int:
    return client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"}).status_code


def _assert_error(response, status: int, error: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


def test_a_code_presented_by_another_client_is_refused_and_not_used_up(
    client: TestClient, env: Env
) -> None:
    code, verifier = get_code(client)
    _assert_error(_redeem(client, env, code, verifier, client_id="es"), 400, "invalid_grant")
    assert _redeem(client, env, code, verifier).status_code == 200


def test_a_spent_code_presented_by_another_client_revokes_nothing(
    client: TestClient, env: Env
) -> None:
    code, verifier = get_code(client)
    tokens = _redeem(client, env, code, verifier).json()
    _assert_error(_redeem(client, env, code, verifier, client_id="es"), 400, "invalid_grant")
    assert _userinfo_status(client, tokens["access_token"]) == 200
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


def test_a_spent_code_presented_again_by_its_client_revokes_the_grant(
    client: TestClient, env: Env
) -> None:
    code, verifier = get_code(client)
    tokens = _redeem(client, env, code, verifier).json()
    _assert_error(_redeem(client, env, code, verifier), 400, "invalid_grant")
    assert _userinfo_status(client, tokens["access_token"]) == 401
    _assert_error(_refresh(client, env, tokens["refresh_token"]), 400, "invalid_grant")


@pytest.mark.parametrize(
    "change",
    [{"code_verifier": "x" * 50}, {"redirect_uri": REDIRECT + "/other"}],
    ids=["wrong-verifier", "wrong-redirect-uri"],
)
def test_a_failed_redemption_leaves_the_code_usable(
    client: TestClient, env: Env, change: dict[str, str]
) -> None:
    code, verifier = get_code(client)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data = {**data, "code_verifier": verifier, **change}
    response = client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    _assert_error(response, 400, "invalid_grant")
    assert _redeem(client, env, code, verifier).status_code == 200


def test_a_refresh_token_presented_by_another_client_is_refused_and_stays_usable(
    client: TestClient, env: Env
) -> None:
    tokens = get_tokens(client, env)
    _assert_error(_refresh(client, env, tokens["refresh_token"], "es"), 400, "invalid_grant")
    assert _userinfo_status(client, tokens["access_token"]) == 200
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


def test_a_rotated_refresh_token_presented_by_another_client_revokes_nothing(
    client: TestClient, env: Env
) -> None:
    first = get_tokens(client, env)
    second = _refresh(client, env, first["refresh_token"]).json()
    _assert_error(_refresh(client, env, first["refresh_token"], "es"), 400, "invalid_grant")
    assert _userinfo_status(client, second["access_token"]) == 200
    assert _refresh(client, env, second["refresh_token"]).status_code == 200


def test_a_refresh_asking_for_more_scope_leaves_the_token_usable(
    client: TestClient, env: Env
) -> None:
    tokens = get_tokens(client, env)
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    data["scope"] = "openid profile eid_card"
    response = client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    _assert_error(response, 400, "invalid_scope")
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


def test_basic_and_body_secret_together_are_invalid_request(client: TestClient, env: Env) -> None:
    data = {"grant_type": "client_credentials", "client_secret": env.secrets["svc"]}
    response = client.post("/token", data=data, auth=("svc", env.secrets["svc"]))
    _assert_error(response, 400, "invalid_request")


def test_basic_and_client_assertion_together_are_invalid_request(
    client: TestClient, env: Env
) -> None:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": "a.b.c",
    }
    response = client.post("/token", data=data, auth=("svc", env.secrets["svc"]))
    _assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
def test_a_body_client_id_naming_another_client_is_refused(
    client: TestClient, env: Env, path: str
) -> None:
    data = {"grant_type": "client_credentials", "token": "x", "client_id": "rp"}
    response = client.post(path, data=data, auth=("svc", env.secrets["svc"]))
    _assert_error(response, 400, "invalid_request")
    data["client_id"] = "svc"
    assert client.post(path, data=data, auth=("svc", env.secrets["svc"])).status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [b"svc:\xff\xfe", b"\xc3\x28:secret", b"\xff"],
    ids=["secret", "id", "no-colon"],
)
def test_basic_credentials_that_are_not_utf8_are_invalid_client(
    client: TestClient, credentials: bytes
) -> None:
    header = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
    response = client.post("/token", data={"grant_type": "client_credentials"}, headers=header)
    _assert_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_basic_credentials_that_are_not_base64_are_invalid_client(client: TestClient) -> None:
    header = {"Authorization": "Basic !!not-base64!!"}
    response = client.post("/token", data={"grant_type": "client_credentials"}, headers=header)
    _assert_error(response, 401, "invalid_client")
