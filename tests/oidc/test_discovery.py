"""Discovery (OpenID Connect Discovery 1.0, RFC 8414) and the JWKS."""

from fastapi.testclient import TestClient

from tests.oidc.conftest import ISSUER


def test_openid_configuration_advertises_what_is_supported(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["authorization_response_iss_parameter_supported"] is True
    assert document["acr_values_supported"] == ["LoA1", "LoA2", "LoA3", "LoA4"]
    assert document["jwks_uri"] == f"{ISSUER}/jwks"


def test_the_device_flow_is_advertised(client: TestClient) -> None:
    """RFC 8628 §4: the device authorization endpoint, and the grant type once."""
    document = client.get("/.well-known/openid-configuration").json()
    assert document["device_authorization_endpoint"] == f"{ISSUER}/device_authorization"
    grant = "urn:ietf:params:oauth:grant-type:device_code"
    assert document["grant_types_supported"].count(grant) == 1


def test_rfc8414_document_is_the_same(client: TestClient) -> None:
    assert (
        client.get("/.well-known/oauth-authorization-server").json()
        == client.get("/.well-known/openid-configuration").json()
    )


def test_jwks_publishes_public_keys_with_kid(client: TestClient) -> None:
    keys = client.get("/jwks").json()["keys"]
    assert {k["kty"] for k in keys} == {"RSA", "EC"}
    assert all(k["kid"] and "d" not in k for k in keys)
