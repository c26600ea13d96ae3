"""The kit's clients authenticate as registered: client_secret_basic (the default),
client_secret_post, private_key_jwt with a key the kit made, and a public client with PKCE only; the
recorded token request shows which."""

import httpx
import pytest

from idp.testkit.launch import free_port
from idp.testkit.mock import VneidMock


@pytest.mark.parametrize(
    ("method", "scheme", "field"),
    [
        ("client_secret_basic", "Basic", None),
        ("client_secret_post", None, "client_secret"),
        ("private_key_jwt", None, "client_assertion"),
        ("none", None, "client_id"),
    ],
)
def test_each_authentication_method_logs_in(
    vneid: VneidMock, method: str, scheme: str | None, field: str | None
) -> None:
    client = vneid.register_client(token_endpoint_auth_method=method)
    assert (client.private_key is not None) == (method == "private_key_jwt")
    assert (client.client_secret is not None) == method.startswith("client_secret")
    tokens = vneid.login("level1-only", client=client, scope="openid profile", acr="LoA1")
    assert tokens.id_token_claims["acr"] == "LoA1"
    (sent,) = vneid.requests_to("token", client)
    assert sent["authorization"] == scheme
    if field is not None:
        assert field in sent["parameters"]
    assert "code_verifier" in sent["parameters"]


@pytest.mark.parametrize(
    "redirect_uri", [None, "http://[::1]/callback", "vn.bank.demo:/oauth2redirect"]
)
def test_a_native_app_logs_in(vneid: VneidMock, redirect_uri: str | None) -> None:
    """``application_type="native"`` passes through to /register (RFC 8252): a loopback IP redirect
    (the kit's default, or IPv6) or a private-use scheme, for a public client."""
    uris = {"redirect_uris": [redirect_uri]} if redirect_uri else {}
    client = vneid.register_client(
        application_type="native", token_endpoint_auth_method="none", **uris
    )
    assert client.metadata["application_type"] == "native"
    tokens = vneid.login("level1-only", client=client, scope="openid profile", acr="LoA1")
    assert tokens.id_token_claims["aud"] in (client.client_id, [client.client_id])


def test_a_native_app_logs_in_on_the_port_it_was_given(vneid: VneidMock) -> None:
    """A ``redirect_uri`` given to ``login`` is the authorization request's and the code's: a native
    client's loopback redirect on a port it was not registered with (RFC 8252 §7.3)."""
    client = vneid.register_client(application_type="native", token_endpoint_auth_method="none")
    used = f"http://127.0.0.1:{free_port()}/callback"
    assert client.redirect_uri != used
    vneid.login("level1-only", client=client, acr="LoA1", redirect_uri=used)
    (sent,) = vneid.requests_to("token", client)
    assert sent["parameters"]["redirect_uri"] == [used]


def test_a_device_client_registers_without_a_redirect_uri(vneid: VneidMock) -> None:
    """``register_client(grant_types=[device_code])``: a device client (RFC 8628) that can start a
    device authorization at once."""
    grant = "urn:ietf:params:oauth:grant-type:device_code"
    client = vneid.register_client(grant_types=[grant], token_endpoint_auth_method="none")
    assert client.redirect_uri == ""
    assert client.metadata["grant_types"] == [grant]
    endpoint = vneid.metadata["device_authorization_endpoint"]
    started = httpx.post(endpoint, data={"client_id": client.client_id, "scope": "openid"})
    assert started.status_code == 200, started.text
    assert started.json()["verification_uri"] == f"{vneid.issuer}/device"
