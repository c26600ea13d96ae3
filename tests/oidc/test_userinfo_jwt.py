"""UserInfo as a signed and/or encrypted JWT per the client's registration (OIDC Core §5.3.2)."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt as jose_jwt
from joserfc import jwe
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code
from tests.oidc.jose_clients import RPKeys
from tests.oidc.jose_clients import rp_keys


@pytest.fixture(autouse=True)
def keys(env: Env) -> RPKeys:
    return rp_keys(env)


def _userinfo(client: TestClient, env: Env, client_id: str) -> Any:
    code, verifier = get_code(client, client_id)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    auth = (client_id, env.secrets[client_id])
    token = client.post("/token", data={**data, "code_verifier": verifier}, auth=auth).json()
    return client.get("/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})


def test_signed_userinfo_verifies_with_joserfc_and_python_jose(
    client: TestClient, env: Env
) -> None:
    response = _userinfo(client, env, "ui-signed")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/jwt"
    jwks = client.get("/jwks").json()
    decoded = jwt.decode(response.text, KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert decoded.header["kid"]
    assert decoded.claims["iss"] == ISSUER
    assert decoded.claims["aud"] == "ui-signed"
    assert decoded.claims["name"]
    claims = jose_jwt.decode(response.text, jwks, algorithms=["RS256"], audience="ui-signed")
    assert claims["sub"] == decoded.claims["sub"]


def test_signed_then_encrypted_userinfo_is_a_nested_jwt(
    client: TestClient, env: Env, keys: RPKeys
) -> None:
    response = _userinfo(client, env, "ui-nested")
    assert response.headers["content-type"] == "application/jwt"
    decrypted = jwe.decrypt_compact(
        response.text, keys.enc_rsa, algorithms=["RSA-OAEP-256", "A256GCM"]
    )
    assert decrypted.protected["cty"] == "JWT"
    assert decrypted.plaintext is not None
    jwks = KeySet.import_key_set(client.get("/jwks").json())
    inner = jwt.decode(decrypted.plaintext, jwks, algorithms=["PS256"])
    assert inner.header["alg"] == "PS256"
    assert inner.claims["aud"] == "ui-nested"


def test_encrypted_only_userinfo_carries_json_claims(
    client: TestClient, env: Env, keys: RPKeys
) -> None:
    response = _userinfo(client, env, "ui-encrypted")
    decrypted = jwe.decrypt_compact(
        response.text, keys.enc_ec, algorithms=["ECDH-ES+A256KW", "A256GCM"]
    )
    assert "cty" not in decrypted.protected
    assert decrypted.plaintext is not None
    claims = json.loads(decrypted.plaintext)
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "ui-encrypted"
    assert claims["sub"]


def test_plain_client_still_gets_json(client: TestClient, env: Env) -> None:
    response = _userinfo(client, env, "rp")
    assert response.headers["content-type"] == "application/json"
    assert "iss" not in response.json()


def test_bad_token_is_still_a_json_401(client: TestClient) -> None:
    response = client.get("/userinfo", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_discovery_advertises_userinfo_jwt(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["userinfo_signing_alg_values_supported"] == ["RS256", "PS256", "ES256"]
    assert document["userinfo_encryption_alg_values_supported"] == [
        "RSA-OAEP-256",
        "ECDH-ES+A256KW",
    ]
    assert document["userinfo_encryption_enc_values_supported"] == ["A256GCM"]
