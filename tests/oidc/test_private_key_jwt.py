"""private_key_jwt client authentication at the token endpoint (RFC 7523 §2.2, §3; OIDC Core §9)."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import Env
from tests.oidc.conftest import clock_of
from tests.oidc.jose_clients import JWKS_URI
from tests.oidc.jose_clients import RPKeys
from tests.oidc.jose_clients import assertion
from tests.oidc.jose_clients import redeem
from tests.oidc.jose_clients import rp_keys
from tests.oidc.jose_clients import with_assertion


@pytest.fixture(autouse=True)
def keys(env: Env) -> RPKeys:
    return rp_keys(env)


def _refused(response: Any, words: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"] == "invalid_client"
    assert words in body["error_description"]


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256"])
def test_signed_assertion_authenticates(client: TestClient, keys: RPKeys, alg: str) -> None:
    key = keys.sig_ec if alg == "ES256" else keys.sig_rsa
    response = redeem(client, "pkjwt", with_assertion("pkjwt", assertion("pkjwt", key, alg)))
    assert response.status_code == 200, response.text
    assert response.json()["id_token"]


def test_issuer_as_audience_is_accepted(client: TestClient, keys: RPKeys) -> None:
    signed = assertion("pkjwt", keys.sig_rsa, aud=ISSUER)
    assert redeem(client, "pkjwt", with_assertion("pkjwt", signed)).status_code == 200


def test_jti_is_accepted_once(client: TestClient, keys: RPKeys) -> None:
    signed = assertion("pkjwt", keys.sig_rsa)
    assert redeem(client, "pkjwt", with_assertion("pkjwt", signed)).status_code == 200
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", signed)), "used before")


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"aud": "https://elsewhere.example/token"}, "aud"),
        ({"exp": 1_000_000}, "exp"),
        ({"iss": "rp"}, "Issuer and Subject"),
        ({"jti": None}, "JWT ID"),
        ({"exp": None}, "exp"),
    ],
)
def test_bad_claims_are_invalid_client(
    client: TestClient, keys: RPKeys, claims: dict[str, Any], words: str
) -> None:
    signed = assertion("pkjwt", keys.sig_rsa, **claims)
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", signed)), words)


def test_an_assertion_is_timed_by_the_provider_s_clock(client: TestClient, keys: RPKeys) -> None:
    """The provider's clock an hour ahead: an assertion dated by the system's clock has expired there
    (beyond the leeway), one dated an hour ahead is valid, not "issued in the future"."""
    clock_of(client).advance(3600)
    stale = assertion("pkjwt", keys.sig_rsa)
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", stale)), "exp")
    now = int(clock_of(client).now())
    ahead = assertion("pkjwt", keys.sig_rsa, iat=now, exp=now + 60)
    assert redeem(client, "pkjwt", with_assertion("pkjwt", ahead)).status_code == 200


def test_key_not_registered_is_invalid_client(client: TestClient) -> None:
    stranger = RSAKey.generate_key(2048, {"kid": "stranger"})
    signed = assertion("pkjwt", stranger)
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", signed)), "Invalid client assertion")


def test_encryption_key_does_not_sign(client: TestClient, keys: RPKeys) -> None:
    material = {k: v for k, v in keys.enc_rsa.as_dict(private=True).items() if k != "use"}
    signed = assertion("pkjwt", RSAKey.import_key(material))
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", signed)), "Invalid client assertion")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(header: dict[str, str], mac_key: bytes | None) -> str:
    """An attacker's token, built by hand: joserfc rightly refuses to make these."""
    now = int(time.time())
    claims = {"iss": "pkjwt", "sub": "pkjwt", "aud": f"{ISSUER}/token", "exp": now + 60}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if mac_key is None:
        return f"{signing_input}."
    mac = hmac.new(mac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def test_alg_none_is_refused(client: TestClient) -> None:
    unsigned = _forged({"alg": "none"}, None)
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", unsigned)), "'none' is refused")


def test_hs256_keyed_with_the_public_key_is_refused(client: TestClient, keys: RPKeys) -> None:
    public_pem = keys.sig_rsa.as_pem(private=False)
    signed = _forged({"alg": "HS256", "kid": str(keys.sig_rsa.kid)}, public_pem)
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", signed)), "'HS256' is refused")


def test_garbage_assertion_is_invalid_client(client: TestClient) -> None:
    _refused(redeem(client, "pkjwt", with_assertion("pkjwt", "not.a.jwt")), "Invalid JWT")


def test_secret_client_cannot_use_an_assertion(client: TestClient, keys: RPKeys) -> None:
    signed = assertion("rp", keys.sig_rsa)
    _refused(redeem(client, "rp", with_assertion("rp", signed)), "no 'jwks'")


def test_private_key_jwt_client_needs_an_assertion(client: TestClient, env: Env) -> None:
    response = redeem(client, "pkjwt", {"client_id": "pkjwt"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_jwks_uri_is_fetched_and_cached(client: TestClient, keys: RPKeys) -> None:
    fetched: list[str] = []

    def fetch(uri: str) -> dict[str, Any]:
        fetched.append(uri)
        return keys.public(keys.sig_rsa)

    client.app.state.oauth2_server.client_keys.fetch = fetch  # type: ignore[attr-defined]
    for _ in range(2):
        signed = assertion("pkjwt-uri", keys.sig_rsa)
        response = redeem(client, "pkjwt-uri", with_assertion("pkjwt-uri", signed))
        assert response.status_code == 200, response.text
    assert fetched == [JWKS_URI]


def test_unreachable_jwks_uri_is_invalid_client(client: TestClient, keys: RPKeys) -> None:
    def fetch(uri: str) -> dict[str, Any]:
        raise httpx.ConnectTimeout("timed out")

    client.app.state.oauth2_server.client_keys.fetch = fetch  # type: ignore[attr-defined]
    signed = assertion("pkjwt-uri", keys.sig_rsa)
    _refused(redeem(client, "pkjwt-uri", with_assertion("pkjwt-uri", signed)), "jwks_uri")


def test_discovery_advertises_private_key_jwt(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert document["token_endpoint_auth_signing_alg_values_supported"] == [
        "RS256",
        "PS256",
        "ES256",
    ]
