"""Dynamic Client Registration (RFC 7591, OIDC Registration 1.0): off by default, behind an initial
access token, metadata validated, and a registered client usable at once."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwe
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from idp.web.app import create_app
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

TOKEN = "initial-access-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
METADATA: dict[str, Any] = {"redirect_uris": [REDIRECT], "scope": "openid profile"}


@pytest.fixture
def registrar(env: Env) -> Iterator[TestClient]:
    update = {"registration_enabled": True, "registration_token": SecretStr(TOKEN)}
    app = create_app(env.settings.model_copy(update=update))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def test_registration_is_off_by_default(client: TestClient) -> None:
    assert client.post("/register", json=METADATA, headers=BEARER).status_code == 404
    assert "registration_endpoint" not in client.get("/.well-known/openid-configuration").json()


def test_discovery_advertises_the_registration_endpoint_when_enabled(registrar: TestClient) -> None:
    metadata = registrar.get("/.well-known/openid-configuration").json()
    assert metadata["registration_endpoint"] == f"{ISSUER}/register"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_missing_or_wrong_initial_access_token_is_invalid_token(
    registrar: TestClient, headers: dict[str, str]
) -> None:
    response = registrar.post("/register", json=METADATA, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_registered_client_runs_a_code_flow(registrar: TestClient) -> None:
    response = registrar.post(
        "/register", json={**METADATA, "client_name": "Dynamic RP"}, headers=BEARER
    )
    assert response.status_code == 201, response.text
    body = response.json()
    client_id, secret = body["client_id"], body["client_secret"]
    assert body["client_name"] == "Dynamic RP"
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["redirect_uris"] == [REDIRECT]
    assert body["client_id_issued_at"] > 0
    server = registrar.app.state.oauth2_server  # type: ignore[attr-defined]
    stored = server.registered_clients.get(client_id)
    assert stored.client_secret_hash.startswith("$argon2id$")
    assert secret not in stored.client_secret_hash
    verifier, challenge = pkce()
    location = login_and_consent(registrar, auth_params(client_id, code_challenge=challenge))
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    tokens = registrar.post("/token", data=data, auth=(client_id, secret))
    assert tokens.status_code == 200, tokens.text
    assert "id_token" in tokens.json()


def test_registered_access_token_alg_signs_its_access_tokens(registrar: TestClient) -> None:
    metadata = {**METADATA, "access_token_signed_response_alg": "ES256"}
    body = registrar.post("/register", json=metadata, headers=BEARER).json()
    assert body["access_token_signed_response_alg"] == "ES256"
    verifier, challenge = pkce()
    location = login_and_consent(
        registrar, auth_params(body["client_id"], code_challenge=challenge)
    )
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    tokens = registrar.post("/token", data=data, auth=(body["client_id"], body["client_secret"]))
    access = tokens.json()["access_token"]
    keys = KeySet.import_key_set(registrar.get("/jwks").json())
    assert jwt.decode(access, keys, algorithms=["ES256"]).header["alg"] == "ES256"


def test_public_and_private_key_jwt_clients_get_no_secret(registrar: TestClient) -> None:
    for method in ("none", "private_key_jwt"):
        metadata = {**METADATA, "token_endpoint_auth_method": method}
        body = registrar.post("/register", json=metadata, headers=BEARER).json()
        assert body["token_endpoint_auth_method"] == method
        assert "client_secret" not in body


@pytest.mark.parametrize(
    "uris",
    [
        None,
        [],
        ["http://rp.example/cb"],
        ["https://rp.example/cb#frag"],
        ["/relative/cb"],
        ["javascript:alert(1)"],
        ["https://[::1/cb"],
    ],
)
def test_bad_redirect_uris_are_invalid_redirect_uri(
    registrar: TestClient, uris: list[str] | None
) -> None:
    metadata = {**METADATA, "redirect_uris": uris} if uris is not None else {"scope": "openid"}
    response = registrar.post("/register", json=metadata, headers=BEARER)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_redirect_uri"
    assert response.json()["error_description"]


def test_loopback_http_redirect_uri_is_accepted(registrar: TestClient) -> None:
    metadata = {**METADATA, "redirect_uris": ["http://127.0.0.1:9000/cb"]}
    assert registrar.post("/register", json=metadata, headers=BEARER).status_code == 201


@pytest.mark.parametrize(
    "field",
    [
        {"token_endpoint_auth_method": "client_secret_jwt"},
        {"grant_types": ["password"]},
        {"response_types": ["token"]},
        {"id_token_signed_response_alg": "HS256"},
        {"id_token_signed_response_alg": "none"},
        {"subject_type": "anonymous"},
        {"redirect_uris": REDIRECT},
        {"client_name": 42},
        {"access_token_signed_response_alg": "HS256"},
        {"access_token_signed_response_alg": "none"},
        {"access_token_signed_response_alg": 256},
        {"default_max_age": "soon"},
    ],
)
def test_bad_metadata_is_invalid_client_metadata(
    registrar: TestClient, field: dict[str, Any]
) -> None:
    response = registrar.post("/register", json={**METADATA, **field}, headers=BEARER)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_client_metadata"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"redirect_uris=https://rp.example/cb", "application/x-www-form-urlencoded"),
    ],
)
def test_bad_json_is_invalid_request(
    registrar: TestClient, content: bytes, content_type: str
) -> None:
    headers = {**BEARER, "Content-Type": content_type}
    response = registrar.post("/register", content=content, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"]


def test_encryption_without_enc_registers_the_supported_a256gcm(registrar: TestClient) -> None:
    """Registration 1.0 §2 would default ``_enc`` to A128CBC-HS256, which is not supported: the client
    is registered (and told) A256GCM, and its encrypted ID token then works."""
    key = RSAKey.generate_key(2048, parameters={"use": "enc", "alg": "RSA-OAEP-256"})
    metadata = {
        **METADATA,
        "id_token_encrypted_response_alg": "RSA-OAEP-256",
        "jwks": {"keys": [key.as_dict(private=False)]},
    }
    body = registrar.post("/register", json=metadata, headers=BEARER).json()
    assert body["id_token_encrypted_response_enc"] == "A256GCM"
    assert "userinfo_encrypted_response_enc" not in body
    verifier, challenge = pkce()
    location = login_and_consent(
        registrar, auth_params(body["client_id"], code_challenge=challenge)
    )
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    tokens = registrar.post("/token", data=data, auth=(body["client_id"], body["client_secret"]))
    assert tokens.status_code == 200, tokens.text
    algorithms = ["RSA-OAEP-256", "A256GCM"]
    decrypted = jwe.decrypt_compact(tokens.json()["id_token"], key, algorithms=algorithms)
    assert decrypted.headers()["enc"] == "A256GCM"


def test_a_device_client_needs_no_redirect_uris(registrar: TestClient) -> None:
    """RFC 8628: a device client redirects nowhere; an authorization code client still must."""
    device = {
        "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"],
        "token_endpoint_auth_method": "none",
        "scope": "openid profile",
    }
    response = registrar.post("/register", json=device, headers=BEARER)
    assert response.status_code == 201, response.text
    client_id = response.json()["client_id"]
    started = registrar.post("/device_authorization", data={"client_id": client_id})
    assert started.status_code == 200, started.text
    code_client = {"grant_types": ["authorization_code"], "scope": "openid"}
    refused = registrar.post("/register", json=code_client, headers=BEARER)
    assert refused.json()["error"] == "invalid_redirect_uri"


def test_a_registered_client_can_be_licensed_for_card_verification(registrar: TestClient) -> None:
    """A service scope registers like any other (idp.oidc.service_scopes): the client credentials
    grant then gives it."""
    licensed = {"grant_types": ["client_credentials"], "scope": "card_verification"}
    response = registrar.post("/register", json=licensed, headers=BEARER)
    assert response.status_code == 201, response.text
    registered = response.json()
    data = {"grant_type": "client_credentials", "scope": "card_verification"}
    auth = (registered["client_id"], registered["client_secret"])
    token = registrar.post("/token", data=data, auth=auth)
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == "card_verification"
