"""Token introspection (RFC 7662) at /introspect, over HTTP."""

import time

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import Env
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import get_tokens


def _introspect(client: TestClient, env: Env, token: str, client_id: str = "rp", **extra: str):  # type: ignore[no-untyped-def]
    auth = (client_id, env.secrets[client_id])
    return client.post("/introspect", data={"token": token, **extra}, auth=auth)


@pytest.mark.parametrize("hint", [None, "access_token", "refresh_token"])
def test_active_access_token(client: TestClient, env: Env, hint: str | None) -> None:
    tokens = get_tokens(client, env)
    extra = {"token_type_hint": hint} if hint else {}
    response = _introspect(client, env, tokens["access_token"], **extra)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["active"] is True
    assert body["scope"] == "openid profile"
    assert body["client_id"] == "rp"
    assert body["token_type"] == "Bearer"
    assert body["iss"] == ISSUER
    assert body["sub"]
    assert body["iat"] <= time.time() < body["exp"]


def test_active_refresh_token(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    body = _introspect(client, env, tokens["refresh_token"]).json()
    access = _introspect(client, env, tokens["access_token"]).json()
    assert body["active"] is True
    assert body["token_type"] == "refresh_token"
    assert body["sub"] == access["sub"]
    assert body["client_id"] == "rp"
    assert body["iat"] <= time.time() < body["exp"]


def test_revoked_tokens_are_inactive(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    auth = ("rp", env.secrets["rp"])
    client.post("/revoke", data={"token": tokens["access_token"]}, auth=auth)
    assert _introspect(client, env, tokens["access_token"]).json() == {"active": False}
    assert _introspect(client, env, tokens["refresh_token"]).json()["active"] is True
    client.post("/revoke", data={"token": tokens["refresh_token"]}, auth=auth)
    assert _introspect(client, env, tokens["refresh_token"]).json() == {"active": False}


def test_expired_access_token_is_inactive(client: TestClient, env: Env) -> None:
    """Expired on the provider's clock; the refresh token, living longer, is still active."""
    tokens = get_tokens(client, env)
    clock = clock_of(client)
    clock.advance(env.settings.access_token_ttl - 5)
    assert _introspect(client, env, tokens["access_token"]).json()["active"] is True
    clock.advance(6)
    assert _introspect(client, env, tokens["access_token"]).json() == {"active": False}
    assert _introspect(client, env, tokens["refresh_token"]).json()["active"] is True


def test_rotated_refresh_token_is_inactive(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert client.post("/token", data=data, auth=("rp", env.secrets["rp"])).status_code == 200
    assert _introspect(client, env, tokens["refresh_token"]).json() == {"active": False}


def test_unknown_and_foreign_tokens_are_inactive(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    for junk in ("nope", "x" * 500, "a.b.c", "eyJhbGciOiJub25lIn0.e30."):
        assert _introspect(client, env, junk).json() == {"active": False}
    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert _introspect(client, env, token, "es").json() == {"active": False}


def test_unauthenticated_or_public_client_is_invalid_client(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    for auth in (("rp", ""), ("rp", "wrong")):
        response = client.post("/introspect", data={"token": tokens["access_token"]}, auth=auth)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
    anonymous = client.post("/introspect", data={"token": tokens["access_token"]})
    assert anonymous.status_code == 401
    public = {"token": tokens["access_token"], "client_id": "spa"}
    assert client.post("/introspect", data=public).json()["error"] == "invalid_client"


def test_bad_requests(client: TestClient, env: Env) -> None:
    auth = ("rp", env.secrets["rp"])
    assert client.post("/introspect", data={}, auth=auth).json()["error"] == "invalid_request"
    hint = {"token": "x", "token_type_hint": "id_token"}
    response = client.post("/introspect", data=hint, auth=auth)
    assert response.json()["error"] == "unsupported_token_type"
    twice = client.post(
        "/introspect",
        content=b"token=a&token=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert twice.json()["error"] == "invalid_request"
