"""Token revocation (RFC 7009) at /revoke, over HTTP."""

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import Env
from tests.oidc.conftest import get_tokens


def _revoke(client: TestClient, env: Env, token: str, client_id: str = "rp", **extra: str):  # type: ignore[no-untyped-def]
    auth = (client_id, env.secrets[client_id])
    return client.post("/revoke", data={"token": token, **extra}, auth=auth)


def _userinfo_status(client: TestClient, access_token: str) -> int:
    return client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"}).status_code


def _refresh(client: TestClient, env: Env, refresh_token: str):  # type: ignore[no-untyped-def]
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return client.post("/token", data=data, auth=("rp", env.secrets["rp"]))


@pytest.mark.parametrize("hint", [None, "access_token", "refresh_token"])
def test_revoking_an_access_token_stops_it(client: TestClient, env: Env, hint: str | None) -> None:
    tokens = get_tokens(client, env)
    assert _userinfo_status(client, tokens["access_token"]) == 200
    extra = {"token_type_hint": hint} if hint else {}
    response = _revoke(client, env, tokens["access_token"], **extra)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert _userinfo_status(client, tokens["access_token"]) == 401
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


@pytest.mark.parametrize("hint", [None, "access_token", "refresh_token"])
def test_revoking_a_refresh_token_revokes_the_grant(
    client: TestClient, env: Env, hint: str | None
) -> None:
    tokens = get_tokens(client, env)
    extra = {"token_type_hint": hint} if hint else {}
    assert _revoke(client, env, tokens["refresh_token"], **extra).status_code == 200
    assert _refresh(client, env, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert _userinfo_status(client, tokens["access_token"]) == 401


def test_client_secret_post_can_revoke(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env, "post")
    data = {"token": tokens["refresh_token"], "client_id": "post"}
    response = client.post("/revoke", data={**data, "client_secret": env.secrets["post"]})
    assert response.status_code == 200
    assert _userinfo_status(client, tokens["access_token"]) == 401


def test_unknown_token_is_a_200_without_effect(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    for junk in ("nope", "x" * 500, "a.b.c", "eyJhbGciOiJub25lIn0.e30."):
        assert _revoke(client, env, junk).status_code == 200
    assert _userinfo_status(client, tokens["access_token"]) == 200


def test_a_client_cannot_revoke_another_clients_tokens(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    for token in (tokens["access_token"], tokens["refresh_token"]):
        refused = _revoke(client, env, token, "es")
        assert refused.status_code == 400  # RFC 7009 §2.1: refused, and the client told why
        assert refused.json()["error"] == "invalid_grant"
    assert _userinfo_status(client, tokens["access_token"]) == 200
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


def test_unauthenticated_or_wrong_secret_is_invalid_client(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    for auth in (("rp", ""), ("rp", "wrong"), ("nobody", "x")):
        response = client.post("/revoke", data={"token": tokens["refresh_token"]}, auth=auth)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
    anonymous = client.post("/revoke", data={"token": tokens["refresh_token"]})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "invalid_client"
    assert _refresh(client, env, tokens["refresh_token"]).status_code == 200


def test_bad_requests(client: TestClient, env: Env) -> None:
    auth = ("rp", env.secrets["rp"])
    assert client.post("/revoke", data={}, auth=auth).json()["error"] == "invalid_request"
    hint = {"token": "x", "token_type_hint": "id_token"}
    assert client.post("/revoke", data=hint, auth=auth).json()["error"] == "unsupported_token_type"
    twice = client.post(
        "/revoke",
        content=b"token=a&token=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert twice.status_code == 400
    assert twice.json()["error"] == "invalid_request"
    garbage = client.post(
        "/revoke", content=b"\xff\xfe", headers={"content-type": "application/json"}, auth=auth
    )
    assert garbage.status_code == 400
    assert client.get("/revoke").status_code == 405


def test_discovery_advertises_revocation_and_introspection(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["revocation_endpoint"].endswith("/revoke")
    assert document["introspection_endpoint"].endswith("/introspect")
    token_methods = document["token_endpoint_auth_methods_supported"]
    assert document["revocation_endpoint_auth_methods_supported"] == token_methods
    introspection_methods = [m for m in token_methods if m != "none"]
    assert document["introspection_endpoint_auth_methods_supported"] == introspection_methods
