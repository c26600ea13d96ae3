"""Encrypted ID tokens: signed, then encrypted to the client's key (OIDC Core §10.2, RFC 7516)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwe as jose_jwe
from jose import jwt as jose_jwt
from joserfc import jwe
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code
from tests.oidc.jose_clients import RPKeys
from tests.oidc.jose_clients import assertion
from tests.oidc.jose_clients import redeem
from tests.oidc.jose_clients import rp_keys
from tests.oidc.jose_clients import with_assertion


@pytest.fixture(autouse=True)
def keys(env: Env) -> RPKeys:
    return rp_keys(env)


def _secret_redeem(client: TestClient, env: Env, client_id: str) -> Any:
    code, verifier = get_code(client, client_id)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    return client.post(
        "/token", data={**data, "code_verifier": verifier}, auth=(client_id, env.secrets[client_id])
    )


def test_rsa_oaep_256_id_token_decrypts_and_verifies_with_joserfc_and_python_jose(
    client: TestClient, keys: RPKeys
) -> None:
    auth = with_assertion("enc-rsa", assertion("enc-rsa", keys.sig_rsa))
    response = redeem(client, "enc-rsa", auth)
    assert response.status_code == 200, response.text
    token = response.json()["id_token"]
    assert token.count(".") == 4
    jwks = client.get("/jwks").json()

    decrypted = jwe.decrypt_compact(token, keys.enc_rsa, algorithms=["RSA-OAEP-256", "A256GCM"])
    header = decrypted.protected
    assert (header["alg"], header["enc"], header["cty"]) == ("RSA-OAEP-256", "A256GCM", "JWT")
    assert header["kid"] == keys.enc_rsa.kid
    assert decrypted.plaintext is not None
    inner = jwt.decode(decrypted.plaintext, KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert inner.claims["iss"] == ISSUER
    assert inner.claims["aud"] == ["enc-rsa"]

    private_pem = keys.enc_rsa.as_pem(private=True)
    inner_jose = jose_jwe.decrypt(token, private_pem)
    assert inner_jose is not None
    claims = jose_jwt.decode(
        inner_jose.decode(),
        jwks,
        algorithms=["RS256"],
        audience="enc-rsa",
        issuer=ISSUER,
        options={"verify_at_hash": False},
    )
    assert claims["sub"] == inner.claims["sub"]


def test_ecdh_es_a256kw_id_token_decrypts_and_verifies(
    client: TestClient, env: Env, keys: RPKeys
) -> None:
    response = _secret_redeem(client, env, "enc-ec")
    assert response.status_code == 200, response.text
    token = response.json()["id_token"]
    decrypted = jwe.decrypt_compact(token, keys.enc_ec, algorithms=["ECDH-ES+A256KW", "A256GCM"])
    assert decrypted.protected["alg"] == "ECDH-ES+A256KW"
    assert decrypted.plaintext is not None
    jwks = KeySet.import_key_set(client.get("/jwks").json())
    inner = jwt.decode(decrypted.plaintext, jwks, algorithms=["ES256"])
    assert inner.header["alg"] == "ES256"
    assert inner.claims["aud"] == ["enc-ec"]


def test_client_without_encryption_key_gets_a_clear_error_not_a_500(
    client: TestClient, env: Env
) -> None:
    response = _secret_redeem(client, env, "enc-nokey")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_client"
    assert "jwks" in body["error_description"]


def test_discovery_advertises_id_token_encryption(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["id_token_encryption_alg_values_supported"] == [
        "RSA-OAEP-256",
        "ECDH-ES+A256KW",
    ]
    assert document["id_token_encryption_enc_values_supported"] == ["A256GCM"]
