"""RP-Initiated Logout 1.0 at /logout (the conformance suite's RP-initiated logout plan, §1.3)."""

import base64
import json
import time
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import POST_LOGOUT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of


def _logged_in(client: TestClient, env: Env) -> str:
    """Log in for the ``logout`` client; its ID token."""
    return get_tokens(client, env, "logout")["id_token"]


def _still_logged_in(client: TestClient) -> bool:
    params = auth_params("logout", prompt="none", code_challenge=pkce()[1])
    location = client.get("/authorize", params=params).headers["location"]
    return "code" in query_of(location)


def _cookie_cleared(response) -> bool:  # type: ignore[no-untyped-def]
    return "vneid_session=" in response.headers.get("set-cookie", "")


def _resign(id_token: str, **changes: object) -> str:
    server_claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    return json.dumps({**server_claims, **changes})


def test_discovery_advertises_end_session_endpoint(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["end_session_endpoint"] == f"{ISSUER}/logout"


def test_logout_with_hint_redirects_with_state_and_ends_the_session(
    client: TestClient, env: Env
) -> None:
    id_token = _logged_in(client, env)
    assert _still_logged_in(client)
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT, "state": "s-9"}
    response = client.get("/logout", params=params)
    assert response.status_code == 302
    assert response.headers["location"] == f"{POST_LOGOUT}?state=s-9"
    assert _cookie_cleared(response)
    assert not _still_logged_in(client)
    params = auth_params("logout", prompt="none", code_challenge=pkce()[1])
    location = client.get("/authorize", params=params).headers["location"]
    assert query_of(location)["error"] == "login_required"


def test_logout_by_post_with_client_id_and_no_state(client: TestClient, env: Env) -> None:
    id_token = _logged_in(client, env)
    data = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": POST_LOGOUT,
        "client_id": "logout",
    }
    response = client.post("/logout", data=data)
    assert response.status_code == 302
    assert response.headers["location"] == POST_LOGOUT
    assert not _still_logged_in(client)


def test_expired_hint_is_accepted(client: TestClient, env: Env) -> None:
    _logged_in(client, env)
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    key = server.keys.signing_key("RS256")
    claims = {"iss": ISSUER, "aud": ["logout"], "sub": "x", "iat": 1, "exp": int(time.time()) - 60}
    hint = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
    params = {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT}
    assert client.get("/logout", params=params).headers["location"] == POST_LOGOUT
    assert not _still_logged_in(client)


@pytest.mark.parametrize(
    "uri", [f"{POST_LOGOUT}?foo=bar", "https://evil.example/", f"{POST_LOGOUT}/", ""]
)
def test_unregistered_post_logout_redirect_uri_is_never_followed(
    client: TestClient, env: Env, uri: str
) -> None:
    id_token = _logged_in(client, env)
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": uri, "state": "s"}
    response = client.get("/logout", params=params)
    assert response.status_code == 200
    assert "location" not in response.headers
    assert not _still_logged_in(client)


def _bad_hints(id_token: str, client: TestClient) -> dict[str, str]:
    header, payload, _ = id_token.split(".")
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    stranger = RSAKey.generate_key(2048)
    claims = json.loads(_resign(id_token))
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    ours = server.keys.signing_key("RS256")
    return {
        "alg-none": f"{none_header}.{payload}.",
        "foreign-key": jwt.encode({"alg": "RS256", "kid": ours.kid}, claims, stranger),
        "other-issuer": jwt.encode(
            {"alg": "RS256", "kid": ours.kid}, {**claims, "iss": "https://evil.example"}, ours
        ),
        "tampered": f"{header}.{base64.urlsafe_b64encode(_resign(id_token, sub='y').encode()).rstrip(b'=').decode()}.{id_token.split('.')[2]}",
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize("case", ["alg-none", "foreign-key", "other-issuer", "tampered", "garbage"])
def test_bad_id_token_hint_is_an_error_page_without_redirect(
    client: TestClient, env: Env, case: str
) -> None:
    id_token = _logged_in(client, env)
    hint = _bad_hints(id_token, client)[case]
    params = {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    response = client.get("/logout", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "invalid_request" in response.text
    assert _still_logged_in(client)


def test_client_id_must_match_the_hint_audience(client: TestClient, env: Env) -> None:
    id_token = _logged_in(client, env)
    params = {"id_token_hint": id_token, "client_id": "rp", "post_logout_redirect_uri": POST_LOGOUT}
    response = client.get("/logout", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert _still_logged_in(client)


def test_without_hint_the_citizen_confirms_with_a_csrf_protected_form(
    client: TestClient, env: Env
) -> None:
    _logged_in(client, env)
    params = {"client_id": "logout", "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    page = client.get("/logout", params=params)
    assert page.status_code == 200
    assert "location" not in page.headers
    assert 'method="post"' in page.text
    assert _still_logged_in(client)
    bad = client.post("/logout", data={"csrf": "forged"})
    assert bad.status_code == 400
    assert _still_logged_in(client)
    csrf = csrf_of(page.text)
    done = client.post("/logout", data={"csrf": csrf})
    assert done.status_code == 303  # Post/Redirect/Get: the provider's own logged-out page
    assert done.headers["location"] == "/logged-out"
    assert _cookie_cleared(done)
    assert "Bạn đã đăng xuất" in client.get("/logged-out").text
    assert not _still_logged_in(client)


def test_confirmation_token_is_bound_to_the_session(client: TestClient, env: Env) -> None:
    _logged_in(client, env)
    csrf = csrf_of(client.get("/logout").text)
    with TestClient(client.app, follow_redirects=False) as other:
        _logged_in(other, env)
        assert other.post("/logout", data={"csrf": csrf}).status_code == 400
        assert _still_logged_in(other)
    assert _still_logged_in(client)


def test_no_params_and_no_session_shows_logged_out(client: TestClient) -> None:
    response = client.get("/logout")
    assert response.status_code == 200
    assert "Bạn đã đăng xuất" in response.text


def test_repeated_parameters_are_refused(client: TestClient, env: Env) -> None:
    _logged_in(client, env)
    query = urlencode([("state", "a"), ("state", "b")])
    response = client.get(f"/logout?{query}")
    assert response.status_code == 400
    assert _still_logged_in(client)
