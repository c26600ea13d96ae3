"""Malformed input gets a 4xx with the specification's error code and a description, never a 500:
wrong content type, invalid UTF-8, oversized parameters and bodies, missing fields, unsigned or
HMAC-signed JWTs where our public keys (or the client's) are expected."""

import base64
import json
import time

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import Env

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _error(response, status: int = 400, error: str = "invalid_request") -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_json_body_at_token_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", json={"grant_type": "client_credentials"}))


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
def test_invalid_utf8_in_form_body_is_invalid_request(client: TestClient, path: str) -> None:
    _error(client.post(path, content=b"grant_type=%FF%FE&token=\xff", headers=FORM))


@pytest.mark.parametrize("path", ["/authorize", "/token", "/logout"])
def test_invalid_utf8_in_query_string_is_invalid_request(client: TestClient, path: str) -> None:
    _error(client.request("GET" if path != "/token" else "POST", f"{path}?client_id=%C3%28"))


def test_oversized_parameter_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", data={"grant_type": "refresh_token", "refresh_token": "x" * 9000}))
    _error(client.get("/authorize", params={"client_id": "rp", "state": "s" * 9000}))


def test_oversized_body_is_413(client: TestClient) -> None:
    body = "&".join(f"p{i}=" + "x" * 1000 for i in range(70))
    _error(client.post("/token", content=body, headers=FORM), status=413)


def test_too_many_fields_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", content="&".join(f"p{i}=1" for i in range(200)), headers=FORM))


def test_missing_fields_at_token_are_invalid_request(client: TestClient, env: Env) -> None:
    auth = ("rp", env.secrets["rp"])
    _error(client.post("/token", data={"grant_type": "authorization_code"}, auth=auth))
    _error(client.post("/token", data={"grant_type": "refresh_token"}, auth=auth))
    response = client.post("/token", data={}, auth=auth)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")


def _unsigned(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _hs256(claims: dict[str, object]) -> str:
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key("k" * 32))


CLAIMS = {"iss": ISSUER, "sub": "x", "aud": "rp", "exp": int(time.time()) + 300, "jti": "j1"}
FORGERIES = [_unsigned(CLAIMS), _hs256(CLAIMS)]


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_access_token_at_userinfo_is_invalid_token(client: TestClient, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    _error(client.get("/userinfo", headers=headers), status=401, error="invalid_token")


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_client_assertion_is_invalid_client(client: TestClient, token: str) -> None:
    claims = {**CLAIMS, "iss": "rp", "sub": "rp", "aud": f"{ISSUER}/token"}
    assertion = _unsigned(claims) if token == FORGERIES[0] else _hs256(claims)
    data = {
        "grant_type": "client_credentials",
        "client_id": "rp",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    _error(client.post("/token", data=data), status=401, error="invalid_client")


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_id_token_hint_at_logout_is_refused(client: TestClient, token: str) -> None:
    response = client.get("/logout", params={"id_token_hint": token})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_token_at_introspection_is_inactive(
    client: TestClient, env: Env, token: str
) -> None:
    auth = ("rp", env.secrets["rp"])
    response = client.post("/introspect", data={"token": token}, auth=auth)
    assert response.status_code == 200
    assert response.json() == {"active": False}
