"""The application against vneid-mock: logins that must work, refusals it must show, the catalogue's
failures it must not accept, its resource server, and what it sent the provider."""

import base64
import hashlib
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from idp.testkit.mock import Client
from idp.testkit.mock import VneidMock

from .support import TIMEOUT
from .support import LogIn

NAMES = {"level2-full": "Nguyễn Văn Bình", "level1-only": "Lê Thị Mai"}


def assert_error_page(response: Any, status: int, text: str) -> None:
    """A short error page: the status, the message, no stack trace."""
    assert response.status_code == status, response.text
    assert text in response.text
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("persona", "acr"),
    [
        ("level2-full", "LoA1"),
        ("level2-full", "LoA2"),
        ("level2-full", "LoA3"),
        ("level1-only", "LoA1"),
        ("level1-only", "LoA2"),
    ],
)
def test_login(log_in: LogIn, http: TestClient, persona: str, acr: str) -> None:
    answer = log_in(persona, acr)
    assert answer.status_code == 200, answer.text
    assert answer.url.path == "/me"
    me = http.get("/me").json()
    assert me["name"] == NAMES[persona]
    assert me["acr"] == acr
    assert me["sub"]


def test_me_needs_a_login(http: TestClient) -> None:
    assert http.get("/me").status_code == 401


@pytest.mark.parametrize(
    ("persona", "acr", "error"),
    [
        ("locked", "LoA2", "access_denied"),
        ("deceased", "LoA2", "access_denied"),
        ("no-account", "LoA2", "access_denied"),
        ("level1-only", "LoA3", "unmet_authentication_requirements"),
    ],
)
def test_refusal(log_in: LogIn, http: TestClient, persona: str, acr: str, error: str) -> None:
    assert_error_page(log_in(persona, acr), 403, error)
    assert http.get("/me").status_code == 401


def test_callback_is_answered_once(vneid: VneidMock, http: TestClient) -> None:
    started = http.get("/login", follow_redirects=False)
    callback = vneid.complete(started.headers["location"], "level2-full")
    query = callback.partition("?")[2]
    assert http.get(f"/callback?{query}").status_code == 200
    assert_error_page(http.get(f"/callback?{query}"), 400, "No login is in progress")


def test_forged_state_is_refused(vneid: VneidMock, http: TestClient) -> None:
    started = http.get("/login", follow_redirects=False)
    vneid.complete(started.headers["location"], "level2-full")
    assert_error_page(http.get("/callback?code=x&state=forged"), 400, "not started here")


# The resource server


def records(http: TestClient, token: str) -> Any:
    return http.get("/api/records", headers={"Authorization": f"Bearer {token}"})


def test_records_accept_a_valid_access_token(
    vneid: VneidMock, http: TestClient, client: Client
) -> None:
    token = vneid.mint(client=client, persona="level2-full")
    answer = records(http, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == jwt.decode(token, vneid.keys()).claims["sub"]


def test_records_accept_a_login_access_token(
    vneid: VneidMock, http: TestClient, client: Client
) -> None:
    tokens = vneid.login("level2-full", client=client, scope="openid profile")
    assert records(http, tokens.access_token).status_code == 200


def _unknown_key_token(issuer: str) -> str:
    key = RSAKey.generate_key(2048, parameters={"kid": "not-the-providers"})
    now = int(time.time())
    claims = {"iss": issuer, "sub": "someone", "exp": now + 600, "iat": now}
    return jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": "not-the-providers"}, claims, key)


def _refused_token(vneid: VneidMock, client: Client, case: str) -> str:
    if case == "expired":
        return vneid.mint(client=client, persona="level2-full", expires_in=-120)
    if case == "wrong_issuer":
        return vneid.mint({"iss": "https://evil.example"}, client=client, persona="level2-full")
    if case == "unknown_key":
        return _unknown_key_token(vneid.issuer)
    if case == "id_token":  # a real token of the provider, but not an access token
        return vneid.mint(kind="id_token", client=client, persona="level2-full")
    return "not-a-jwt"


@pytest.mark.parametrize("case", ["expired", "wrong_issuer", "unknown_key", "id_token", "garbage"])
def test_records_refuse(vneid: VneidMock, http: TestClient, client: Client, case: str) -> None:
    answer = records(http, _refused_token(vneid, client, case))
    assert answer.status_code == 401
    challenge = answer.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="records", error="invalid_token"')


def test_records_need_a_token(http: TestClient) -> None:
    answer = http.get("/api/records")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="records"'


# The catalogue's scenarios

REFUSED_BY_APP = {
    # authorization errors: the provider's error, shown
    "access_denied": (403, "access_denied"),
    "login_required": (401, "login_required"),
    "consent_required": (403, "consent_required"),
    "interaction_required": (401, "interaction_required"),
    "temporarily_unavailable": (503, "temporarily_unavailable"),
    "server_error": (502, "server_error"),
    "unmet_authentication_requirements": (403, "unmet_authentication_requirements"),
    # broken ID tokens: refused, naming the check that failed
    "id_token_bad_signature": (502, "(signature)"),
    "id_token_unknown_kid": (502, "(signature)"),
    "id_token_alg_none": (502, "(signature)"),
    "id_token_wrong_iss": (502, "(iss)"),
    "id_token_wrong_aud": (502, "(aud)"),
    "id_token_expired": (502, "(exp)"),
    "id_token_issued_in_future": (502, "(iat)"),
    "id_token_wrong_nonce": (502, "(nonce)"),
    "id_token_wrong_at_hash": (502, "(at_hash)"),
    "id_token_lower_acr": (502, "(acr)"),
    "id_token_sub_mismatch": (502, "(sub)"),
    # the token endpoint, the JWKS and userinfo failing
    "token_500": (502, "VNeID failed"),
    "token_503": (503, "busy"),
    "token_429": (503, "busy"),
    "token_slow": (504, "in time"),
    "jwks_unavailable": (503, "unavailable"),
    "userinfo_401": (502, "details"),
    "userinfo_500": (502, "details"),
}
"""What the application answers at its callback for each scenario: status and part of the page."""


def test_every_scenario_is_covered(vneid: VneidMock) -> None:
    names = {entry["name"] for entry in vneid.catalogue()}
    assert names == {*REFUSED_BY_APP, "key_rotation"}


@pytest.mark.parametrize("name", sorted(REFUSED_BY_APP))
def test_scenario_refused(
    vneid: VneidMock, http: TestClient, client: Client, log_in: LogIn, name: str
) -> None:
    by_client = None if name == "jwks_unavailable" else client  # the JWKS fails for everyone
    slow = TIMEOUT + 1.5 if name == "token_slow" else None
    vneid.scenario(name, client=by_client, seconds=slow)
    started = time.monotonic()
    status, text = REFUSED_BY_APP[name]
    assert_error_page(log_in("level2-full", "LoA2"), status, text)
    if slow is not None:  # the application's timeout fired before the provider answered
        assert time.monotonic() - started < slow
    assert http.get("/me").status_code == 401
    if name.startswith("token_"):  # one redemption, never retried
        assert len(vneid.requests_to("token", client)) == 1


def test_token_429_passes_retry_after(vneid: VneidMock, client: Client, log_in: LogIn) -> None:
    vneid.scenario("token_429", client=client, seconds=17)
    answer = log_in("level2-full")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "17"


def test_key_rotation_is_followed(vneid: VneidMock, http: TestClient, log_in: LogIn) -> None:
    assert log_in("level2-full").status_code == 200  # the application now keeps the JWKS
    new_kids = vneid.scenario("key_rotation")["kids"]
    assert new_kids
    answer = log_in("level1-only")  # signed with a key the application has not seen
    assert answer.status_code == 200, answer.text
    assert http.get("/me").json()["name"] == NAMES["level1-only"]


# What the application sent


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def test_token_request_uses_pkce_and_client_authentication(
    vneid: VneidMock, client: Client, log_in: LogIn
) -> None:
    assert log_in("level2-full", "LoA3").status_code == 200
    [authorization] = vneid.requests_to("authorization", client)
    [token] = vneid.requests_to("token", client)
    asked = authorization["parameters"]
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["acr_values"] == ["LoA3"]
    assert asked["nonce"]
    assert asked["state"]
    sent = token["parameters"]
    assert sent["grant_type"] == ["authorization_code"]
    [verifier] = sent["code_verifier"]
    assert asked["code_challenge"] == [_s256(verifier)]
    assert token["authorization"] == "Basic"
    assert token["client_id"] == client.client_id
    assert "client_secret" not in sent
