"""The access token's signing algorithm per client (``access_token_signed_response_alg``, RFC 9068 §2.1)."""

import pytest
from fastapi.testclient import TestClient
from jose import jws
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code
from tests.oidc.conftest import get_tokens


def _signature_of(client: TestClient, token: str, alg: str) -> tuple[dict[str, str], str]:
    """The token's header, verified with joserfc against the published JWKS, and the key that signed it."""
    jwks = client.get("/jwks").json()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=[alg])
    key = next(k for k in jwks["keys"] if k["kid"] == decoded.header["kid"])
    return decoded.header, key["kty"]


@pytest.mark.parametrize(
    ("client_id", "alg", "kty"), [("rp", "RS256", "RSA"), ("es-at", "ES256", "EC")]
)
def test_access_token_is_signed_with_the_registered_alg(
    client: TestClient, env: Env, client_id: str, alg: str, kty: str
) -> None:
    tokens = get_tokens(client, env, client_id)
    header, key_type = _signature_of(client, tokens["access_token"], alg)
    assert (header["alg"], header["typ"], key_type) == (alg, "at+jwt", kty)
    # The ID token keeps its own registration (RS256 by default).
    assert (
        jwt.decode(tokens["id_token"], KeySet.import_key_set(client.get("/jwks").json())).header[
            "alg"
        ]
        == "RS256"
    )


def test_es256_access_token_works_at_userinfo_and_introspection(
    client: TestClient, env: Env
) -> None:
    access = get_tokens(client, env, "es-at")["access_token"]
    userinfo = client.get("/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"]
    introspection = client.post(
        "/introspect", data={"token": access}, auth=("es-at", env.secrets["es-at"])
    )
    assert introspection.json()["active"] is True


def test_es256_access_token_verifies_with_python_jose(client: TestClient, env: Env) -> None:
    access = get_tokens(client, env, "es-at")["access_token"]
    header = jws.get_unverified_header(access)
    key = next(k for k in client.get("/jwks").json()["keys"] if k["kid"] == header["kid"])
    assert b'"client_id":"es-at"' in jws.verify(access, key, algorithms=["ES256"])
    with pytest.raises(jws.JWSError):
        jws.verify(access, key, algorithms=["RS256"])


def test_refreshed_access_token_keeps_the_registered_alg(client: TestClient, env: Env) -> None:
    first = get_tokens(client, env, "es-at")
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/token", data=data, auth=("es-at", env.secrets["es-at"]))
    assert second.status_code == 200, second.text
    header, key_type = _signature_of(client, second.json()["access_token"], "ES256")
    assert (header["alg"], key_type) == ("ES256", "EC")


def test_unsupported_alg_in_the_clients_file_is_invalid_client(
    client: TestClient, env: Env
) -> None:
    code, verifier = get_code(client, "ps-at")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = client.post(
        "/token", data={**data, "code_verifier": verifier}, auth=("ps-at", env.secrets["ps-at"])
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_client"
    assert "access_token_signed_response_alg" in body["error_description"]
    assert "PS256" in body["error_description"]
