"""The kit's clients authenticate as registered: client_secret_basic (the default),
client_secret_post, private_key_jwt with a key the kit made, and a public client with PKCE only; the
recorded token request shows which."""

import pytest

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
