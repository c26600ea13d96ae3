"""The OpenID conformance suite's RP-Initiated Logout OP plan
(``oidcc-rp-initiated-logout-certification-test-plan``) and Back-Channel Logout OP plan
(``oidcc-backchannel-rp-initiated-logout-certification-test-plan``): the modules, or the variants of a
module, that test_logout.py and test_backchannel_logout.py did not already cover (security-background
§1.3; the module → test map is docs/conformance.md).

Each test logs in as the suite's client does, calls the end_session_endpoint as the module does, and then
checks the module's expectation: a redirect (or none) and whether ``prompt=none`` still finds a session.
"""

import base64
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from idp.oidc.backchannel import HttpLogoutSender
from idp.web.app import create_app
from tests.oidc.conftest import BCL_URI
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import POST_LOGOUT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

EVENT = "http://schemas.openid.net/event/backchannel-logout"


def _logged_in(client: TestClient, env: Env) -> str:
    """Log in for the ``logout`` client (it registered POST_LOGOUT and BCL_URI); its ID token."""
    return get_tokens(client, env, "logout")["id_token"]


def _prompt_none_error(client: TestClient) -> str | None:
    """The error of a ``prompt=none`` request, or None when it got a code (still logged in)."""
    params = auth_params("logout", prompt="none", code_challenge=pkce()[1])
    query = query_of(client.get("/authorize", params=params).headers["location"])
    if "code" in query:
        return None
    return query["error"]


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _claims_of(id_token: str) -> dict[str, Any]:
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    return claims


def _confirm(client: TestClient, page: Any) -> Any:
    """Press the confirmation page's button."""
    assert page.status_code == 200
    assert 'method="post"' in page.text
    done = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303  # Post/Redirect/Get: to the provider's logged-out page
    assert done.headers["location"] == "/logged-out"
    return client.get(done.headers["location"])


def _assert_no_redirect(response: Any) -> None:
    assert response.status_code in (200, 400)
    assert "location" not in response.headers
    assert "text/html" in response.headers["content-type"]


# --- oidcc-rp-initiated-logout-certification-test-plan ----------------------------------------------


@pytest.mark.parametrize("signature", ["empty", "kept"])
def test_oidcc_rp_initiated_logout_modified_id_token_hint(
    client: TestClient, env: Env, signature: str
) -> None:
    """The suite's ChangeIdTokenToAlgNone: the header becomes ``{"alg": "none"}``. Error page, no redirect,
    still logged in."""
    id_token = _logged_in(client, env)
    _, payload, sig = id_token.split(".")
    hint = f"{_b64({'alg': 'none'})}.{payload}.{sig if signature == 'kept' else ''}"
    params = {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    response = client.get("/logout", params=params)
    _assert_no_redirect(response)
    assert response.status_code == 400
    assert _prompt_none_error(client) is None


@pytest.mark.parametrize("kid", ["its-own-kid", None])
def test_oidcc_rp_initiated_logout_bad_id_token_hint(
    client: TestClient, env: Env, kid: str | None
) -> None:
    """The suite's GenerateFakeIdTokenClaims + SignFakeIdToken: plausible claims signed with the suite's
    own key (its own ``kid``, or none). Error page (never a 500), no redirect, still logged in."""
    claims = _claims_of(_logged_in(client, env))
    header: dict[str, Any] = {"alg": "RS256"}
    if kid is not None:
        header["kid"] = kid
    hint = jwt.encode(header, claims, RSAKey.generate_key(2048))
    params = {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    response = client.get("/logout", params=params)
    _assert_no_redirect(response)
    assert response.status_code == 400
    assert _prompt_none_error(client) is None


def test_oidcc_rp_initiated_logout_no_id_token_hint(client: TestClient, env: Env) -> None:
    """A registered ``post_logout_redirect_uri`` and ``state`` but no hint (and no ``client_id``, as the
    suite sends it): no redirect, before or after the citizen confirms."""
    _logged_in(client, env)
    params = {"post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    response = client.get("/logout", params=params)
    _assert_no_redirect(response)
    assert _prompt_none_error(client) is None
    done = _confirm(client, response)  # we ask the citizen to confirm
    _assert_no_redirect(done)
    assert "Bạn đã đăng xuất" in done.text
    assert _prompt_none_error(client) == "login_required"


def test_oidcc_rp_initiated_logout_no_params(client: TestClient, env: Env) -> None:
    """No parameters at all: the citizen confirms, then sees the logged-out page; the session is gone."""
    _logged_in(client, env)
    page = client.get("/logout")
    _assert_no_redirect(page)
    assert _prompt_none_error(client) is None
    done = _confirm(client, page)
    _assert_no_redirect(done)
    assert done.status_code == 200
    assert "Bạn đã đăng xuất" in done.text
    assert _prompt_none_error(client) == "login_required"


def test_oidcc_rp_initiated_logout_only_state(client: TestClient, env: Env) -> None:
    """Only ``state``: as with no parameters (confirm, logged-out page, no redirect)."""
    _logged_in(client, env)
    page = client.get("/logout", params={"state": "s"})
    _assert_no_redirect(page)
    done = _confirm(client, page)
    _assert_no_redirect(done)
    assert "Bạn đã đăng xuất" in done.text
    assert _prompt_none_error(client) == "login_required"


def test_oidcc_rp_initiated_logout_no_post_logout_redirect_uri(
    client: TestClient, env: Env
) -> None:
    """A valid hint and ``state`` but no ``post_logout_redirect_uri``: logged out at once (the hint
    identifies the citizen), the logged-out page, no redirect."""
    id_token = _logged_in(client, env)
    response = client.get("/logout", params={"id_token_hint": id_token, "state": "s"})
    _assert_no_redirect(response)
    assert response.status_code == 200
    assert "Bạn đã đăng xuất" in response.text
    assert _prompt_none_error(client) == "login_required"


def test_oidcc_rp_initiated_logout_no_state(client: TestClient, env: Env) -> None:
    """GET with a hint and a registered URI but no ``state``: redirected to the URI exactly, no ``state``."""
    id_token = _logged_in(client, env)
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT}
    response = client.get("/logout", params=params)
    assert response.status_code == 302
    assert response.headers["location"] == POST_LOGOUT
    assert _prompt_none_error(client) == "login_required"


# --- oidcc-backchannel-rp-initiated-logout-certification-test-plan ----------------------------------


class Receiver:
    """The relying party's back-channel endpoint, as an httpx transport: every request it got."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def bcl_client(env: Env, receiver: Receiver) -> Iterator[TestClient]:
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(receiver))
    with TestClient(create_app(env.settings, sender), follow_redirects=False) as test_client:
        yield test_client


def test_oidcc_backchannel_rp_initiated_logout(
    bcl_client: TestClient, env: Env, receiver: Receiver
) -> None:
    """One POST per logout to the registered URI, form-encoded, whose ``logout_token`` passes the suite's
    ValidateLogoutTokenClaims; ``jti`` differs between logouts; then ``prompt=none`` fails."""
    jtis = []
    for _ in range(2):
        id_token = _logged_in(bcl_client, env)
        params = {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
        assert bcl_client.get("/logout", params=params).headers["location"].startswith(POST_LOGOUT)
        request = receiver.requests.pop()
        assert receiver.requests == []
        assert str(request.url) == BCL_URI
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = parse_qs(request.content.decode())
        assert set(form) == {"logout_token"}
        keys = KeySet.import_key_set(bcl_client.get("/jwks").json())
        decoded = jwt.decode(form["logout_token"][0], keys, algorithms=["RS256"])
        assert decoded.header["kid"]
        claims = decoded.claims
        id_claims = _claims_of(id_token)
        now = time.time()
        assert claims["iss"] == ISSUER
        assert claims["aud"] in ("logout", ["logout"])
        assert now - 86400 < claims["iat"] <= now + 1
        assert claims["events"] == {EVENT: {}}
        assert claims["sid"] == id_claims["sid"]
        assert claims["sub"] == id_claims["sub"]
        assert "nonce" not in claims
        assert claims["exp"] > now
        jtis.append(claims["jti"])
        assert _prompt_none_error(bcl_client) == "login_required"
    assert jtis[0] != jtis[1]
