"""CORS for browser apps on discovery, the JWKS, token, userinfo and revocation, for the origins of the
clients' redirect URIs and ``VNEID_CORS_ORIGINS``: errors included, never with credentials, nothing for
an unlisted or ``null`` origin, and never on the authorization and end-session endpoints."""

import secrets

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from idp.oidc.cors_origins import origin_of
from idp.web.app import create_app
from tests.oidc.conftest import Env
from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import get_tokens

__all__ = ["client", "env", "forget_consents"]  # the provider's fixtures
ORIGIN = "https://rp.example"  # the origin of the test clients' redirect URI
CORS_GETS = [
    "/.well-known/openid-configuration",
    "/.well-known/oauth-authorization-server",
    "/jwks",
]
CORS_HEADERS = ("access-control-allow-origin", "access-control-expose-headers")


def _allowed(response, origin: str = ORIGIN) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["access-control-allow-origin"] == origin
    assert "Origin" in response.headers["vary"]
    assert response.headers["access-control-expose-headers"] == "WWW-Authenticate"
    assert "access-control-allow-credentials" not in response.headers


def _none(response) -> None:  # type: ignore[no-untyped-def]
    assert not [name for name in response.headers if name.startswith("access-control-")]


@pytest.mark.parametrize("path", CORS_GETS)
def test_static_documents_allow_a_client_origin(client: TestClient, path: str) -> None:
    _allowed(client.get(path, headers={"Origin": ORIGIN}))


def test_token_userinfo_revoke_answers_carry_the_origin(client: TestClient, env: Env) -> None:
    tokens = get_tokens(client, env)
    origin = {"Origin": ORIGIN}
    _allowed(
        client.get(
            "/userinfo", headers={**origin, "Authorization": f"Bearer {tokens['access_token']}"}
        )
    )
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    _allowed(client.post("/token", data=data, auth=("rp", env.secrets["rp"]), headers=origin))
    revoke = {"token": tokens["access_token"]}
    _allowed(client.post("/revoke", data=revoke, auth=("rp", env.secrets["rp"]), headers=origin))


def test_error_answers_carry_the_origin_and_expose_www_authenticate(client: TestClient) -> None:
    origin = {"Origin": ORIGIN}
    refused = client.get("/userinfo", headers={**origin, "Authorization": "Bearer nope"})
    assert refused.status_code == 401
    assert "www-authenticate" in refused.headers
    _allowed(refused)
    bad = client.post("/token", data={"grant_type": "nope"}, headers=origin)
    assert bad.status_code in (400, 401)
    _allowed(bad)


@pytest.mark.parametrize("path", ["/token", "/userinfo", "/revoke"])
def test_preflight_for_authorization_is_allowed(client: TestClient, path: str) -> None:
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    response = client.options(path, headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Authorization" in response.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "https://rp.example:8443", "http://rp.example"]
)
def test_an_unlisted_or_null_origin_gets_nothing(client: TestClient, origin: str) -> None:
    _none(client.get("/jwks", headers={"Origin": origin}))
    _none(client.post("/token", data={"grant_type": "x"}, headers={"Origin": origin}))
    preflight = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    response = client.options("/token", headers=preflight)
    assert response.status_code == 403
    _none(response)


def test_a_preflight_for_a_method_the_path_does_not_take_is_refused(client: TestClient) -> None:
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
    response = client.options("/token", headers=headers)
    assert response.status_code == 403
    _none(response)


@pytest.mark.parametrize("path", ["/authorize", "/logout"])
def test_authorization_and_end_session_never_send_cors(client: TestClient, path: str) -> None:
    _none(client.get(path, headers={"Origin": ORIGIN}))
    preflight = client.options(
        path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    _none(preflight)


def test_extra_origins_from_the_setting(env: Env) -> None:
    settings = env.settings.model_copy(update={"cors_origins": ["http://localhost:5173"]})
    with TestClient(create_app(settings)) as extra:
        _allowed(
            extra.get("/jwks", headers={"Origin": "http://localhost:5173"}), "http://localhost:5173"
        )


def test_the_setting_reads_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from idp.settings import IdPSettings

    monkeypatch.setenv("VNEID_CORS_ORIGINS", "http://localhost:5173, https://app.example")
    assert IdPSettings().cors_origins == ["http://localhost:5173", "https://app.example"]


@pytest.mark.parametrize(
    ("uri", "origin"),
    [
        ("https://RP.example:443/cb?x=1", "https://rp.example"),
        ("http://127.0.0.1:8080/cb", "http://127.0.0.1:8080"),
        ("http://[::1]:8080/cb", "http://[::1]:8080"),
        ("com.example.app:/callback", None),
        ("https://rp.example:99999/cb", None),
    ],
)
def test_origin_of_a_redirect_uri(uri: str, origin: str | None) -> None:
    assert origin_of(uri) == origin


def test_a_client_registered_over_http_counts_at_once(env: Env) -> None:
    token = "cors-registration"
    update = {"registration_enabled": True, "registration_token": SecretStr(token)}
    origin = f"https://spa-{secrets.token_hex(4)}.example"
    with TestClient(create_app(env.settings.model_copy(update=update))) as provider:
        _none(provider.get("/jwks", headers={"Origin": origin}))
        metadata = {"redirect_uris": [f"{origin}/cb"], "token_endpoint_auth_method": "none"}
        registered = provider.post(
            "/register", json=metadata, headers={"Authorization": f"Bearer {token}"}
        )
        assert registered.status_code == 201, registered.text
        _allowed(provider.get("/jwks", headers={"Origin": origin}), origin)
