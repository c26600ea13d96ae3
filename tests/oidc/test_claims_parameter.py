"""The ``claims`` request parameter (OIDC Core §5.5), nonce replay, and errors in form_post mode."""

import json
from typing import Any

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of


def _tokens(client: TestClient, env: Env, **extra: str) -> dict[str, Any]:
    verifier, challenge = pkce()
    location = login_and_consent(client, auth_params(code_challenge=challenge, **extra))
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    response = client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _id_token(client: TestClient, token: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(client.get("/jwks").json())
    claims: dict[str, Any] = jwt.decode(token, keys, algorithms=["RS256"]).claims
    return claims


def test_requested_id_token_claims_are_released_when_the_scope_allows(
    client: TestClient, env: Env
) -> None:
    request = {"id_token": {"name": {"essential": True}, "birthdate": None, "email": None}}
    body = _tokens(client, env, claims=json.dumps(request))
    claims = _id_token(client, body["id_token"])
    assert claims["name"]
    assert claims["birthdate"]
    assert "email" not in claims
    assert claims["iss"] == ISSUER


def test_id_token_has_no_profile_claims_without_a_request(client: TestClient, env: Env) -> None:
    claims = _id_token(client, _tokens(client, env)["id_token"])
    assert "name" not in claims


def test_claims_outside_the_granted_scope_are_not_released(client: TestClient, env: Env) -> None:
    request = {"id_token": {"name": None}, "userinfo": {"given_name": None}}
    body = _tokens(client, env, scope="openid", claims=json.dumps(request))
    assert "name" not in _id_token(client, body["id_token"])
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert "given_name" not in client.get("/userinfo", headers=bearer).json()


def test_requested_userinfo_claims_are_returned(client: TestClient, env: Env) -> None:
    request = {"userinfo": {"given_name": {"essential": True}}}
    body = _tokens(client, env, claims=json.dumps(request))
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/userinfo", headers=bearer).json()["given_name"]


def test_malformed_claims_parameter_is_redirected_invalid_request(client: TestClient) -> None:
    _, challenge = pkce()
    for bad in ("{not json", "[1]", '{"id_token": ["name"]}', '{"userinfo": {"name": 3}}'):
        response = client.get(
            "/authorize", params=auth_params(code_challenge=challenge, claims=bad)
        )
        assert response.status_code == 302, bad
        query = query_of(response.headers["location"])
        assert query["error"] == "invalid_request"
        assert "claims" in query["error_description"]
        assert query["state"] == "st-1"
        assert query["iss"] == ISSUER


def test_discovery_advertises_the_claims_parameter(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["claims_parameter_supported"] is True
    assert {"sub", "name", "birthdate", "acr"} <= set(document["claims_supported"])


def test_replayed_nonce_is_refused(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, nonce="once-only")
    assert "code" in query_of(login_and_consent(client, params))
    response = client.get("/authorize", params=params)
    query = query_of(response.headers["location"])
    assert query["error"] == "invalid_request"
    assert "replay" in query["error_description"].lower()


def test_same_nonce_for_another_client_is_not_a_replay(client: TestClient) -> None:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge, nonce="per-client"))
    other = auth_params("post", code_challenge=challenge, nonce="per-client")
    assert "code" in query_of(login_and_consent(client, other))


def test_errors_in_form_post_mode_are_posted(client: TestClient) -> None:
    params = auth_params(response_mode="form_post")  # no PKCE challenge: invalid_request
    response = client.get("/authorize", params=params)
    assert response.status_code == 200
    assert "location" not in response.headers
    html = response.text
    assert 'name="error" value="invalid_request"' in html
    assert 'name="state" value="st-1"' in html
    assert f'name="iss" value="{ISSUER}"' in html
    assert REDIRECT.split("//")[1] in html.replace("%3A", ":").replace("%2F", "/")


def test_prompt_none_error_in_form_post_mode_is_posted(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, prompt="none", response_mode="form_post")
    response = client.get("/authorize", params=params)
    assert response.status_code == 200
    assert 'name="error" value="login_required"' in response.text
