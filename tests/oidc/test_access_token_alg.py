"""The access token's signing algorithm: the server's ``access_token_alg`` (ES256 by default) unless the
client registers ``access_token_signed_response_alg`` (RFC 9068 §2.1)."""

import pytest
from fastapi.testclient import TestClient
from jose import jws
from joserfc import jwt
from joserfc.jwk import KeySet
from pydantic import ValidationError

from idp.settings import IdPSettings
from idp.web.app import create_app
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
    ("client_id", "alg", "kty"),
    [("rp", "ES256", "EC"), ("es-at", "ES256", "EC"), ("rs-at", "RS256", "RSA")],
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


def test_server_setting_rs256_signs_unregistered_clients_tokens_rs256(env: Env) -> None:
    settings = env.settings.model_copy(update={"access_token_alg": "RS256"})
    with TestClient(create_app(settings), follow_redirects=False) as client:
        for client_id, alg, kty in [("rp", "RS256", "RSA"), ("es-at", "ES256", "EC")]:
            tokens = get_tokens(client, env, client_id)
            header, key_type = _signature_of(client, tokens["access_token"], alg)
            assert (header["alg"], key_type) == (alg, kty)
            userinfo = client.get(
                "/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
            )
            assert userinfo.status_code == 200, userinfo.text


def test_server_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert IdPSettings().access_token_alg == "ES256"
    monkeypatch.setenv("VNEID_ACCESS_TOKEN_ALG", "RS256")
    assert IdPSettings().access_token_alg == "RS256"
    for refused in ("PS256", "HS256", "none"):
        monkeypatch.setenv("VNEID_ACCESS_TOKEN_ALG", refused)
        with pytest.raises(ValidationError, match="access_token_alg"):
            IdPSettings()


@pytest.mark.parametrize("client_id", ["es-at", "rs-at"])
def test_access_token_works_at_userinfo_and_introspection(
    client: TestClient, env: Env, client_id: str
) -> None:
    access = get_tokens(client, env, client_id)["access_token"]
    userinfo = client.get("/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"]
    introspection = client.post(
        "/introspect", data={"token": access}, auth=(client_id, env.secrets[client_id])
    )
    assert introspection.json()["active"] is True


@pytest.mark.parametrize(
    ("client_id", "alg", "other"), [("rp", "ES256", "RS256"), ("rs-at", "RS256", "ES256")]
)
def test_access_token_verifies_with_python_jose(
    client: TestClient, env: Env, client_id: str, alg: str, other: str
) -> None:
    access = get_tokens(client, env, client_id)["access_token"]
    header = jws.get_unverified_header(access)
    key = next(k for k in client.get("/jwks").json()["keys"] if k["kid"] == header["kid"])
    assert f'"client_id":"{client_id}"'.encode() in jws.verify(access, key, algorithms=[alg])
    with pytest.raises(jws.JWSError):
        jws.verify(access, key, algorithms=[other])


def test_refreshed_access_token_keeps_the_registered_alg(client: TestClient, env: Env) -> None:
    first = get_tokens(client, env, "rs-at")
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/token", data=data, auth=("rs-at", env.secrets["rs-at"]))
    assert second.status_code == 200, second.text
    header, key_type = _signature_of(client, second.json()["access_token"], "RS256")
    assert (header["alg"], key_type) == ("RS256", "RSA")


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
