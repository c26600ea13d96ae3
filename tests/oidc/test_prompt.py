"""Single sign-on across clients and OIDC Core §3.1.2.1's ``prompt``, ``max_age`` and ``id_token_hint``
at the authorization endpoint, over HTTP."""

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

OTHER_PIN = "031190999002"


def _claims(client: TestClient, id_token: str) -> dict[str, Any]:
    keys = client.app.state.oauth2_server.keys.key_set  # type: ignore[attr-defined]
    claims: dict[str, Any] = jwt.decode(id_token, keys).claims
    return claims


def _authorize(client: TestClient, client_id: str = "rp", **extra: str) -> tuple[Any, str]:
    verifier, challenge = pkce()
    response = client.get(
        "/authorize", params=auth_params(client_id, code_challenge=challenge, **extra)
    )
    return response, verifier


def _redeem(
    client: TestClient, env: Env, location: str, verifier: str, client_id: str
) -> dict[str, Any]:
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    response = client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    return _claims(client, response.json()["id_token"])


def _follow(client: TestClient, response: Any) -> Any:
    """Follow the interaction's redirects until a page or the client's redirect."""
    while response.status_code == 303 and response.headers["location"].startswith("/"):
        response = client.get(response.headers["location"])
    return response


def test_second_client_gets_consent_only_and_the_same_sid(client: TestClient, env: Env) -> None:
    first = _claims(client, get_tokens(client, env, "rp")["id_token"])
    response, verifier = _authorize(client, "logout")
    page = _follow(client, response)
    assert 'name="password"' not in page.text
    assert 'name="decision"' in page.text
    uid_page, _ = first_page(response)
    response = client.post(f"{uid_page}/consent", data=consent_form(page.text))
    assert response.status_code == 303  # the authorization response itself, no detour
    location = response.headers["location"]
    second = _redeem(client, env, location, verifier, "logout")
    assert second["sid"] == first["sid"]
    assert second["auth_time"] == first["auth_time"]
    # Consent given once: the next request for that client gets its code at once.
    response, _ = _authorize(client, "logout")
    assert response.status_code == 302
    assert "code" in query_of(response.headers["location"])


def _login(client: TestClient, page_response: Any, pin: str = PIN) -> Any:
    page, html = first_page(page_response)
    assert 'name="password"' in html
    data = {"username": pin, "password": "Vneid@2025", "csrf": csrf_of(html)}
    return _follow(client, client.post(f"{page}/login", data=data))


def _signed_in(client: TestClient, env: Env) -> dict[str, Any]:
    return _claims(client, get_tokens(client, env, "rp")["id_token"])


@pytest.mark.parametrize("extra", [{"prompt": "login"}, {"max_age": "0"}])
def test_prompt_login_and_max_age_zero_ask_the_password_again(
    client: TestClient, env: Env, extra: dict[str, str]
) -> None:
    first = _signed_in(client, env)
    clock_of(client).advance(2)  # a later login has a later auth_time
    response, verifier = _authorize(client, **extra)
    assert response.status_code == 200  # the login page
    final = _login(client, response)
    assert final.status_code == 303  # consent kept across the re-authentication: the answer
    claims = _redeem(client, env, final.headers["location"], verifier, "rp")
    assert claims["auth_time"] > first["auth_time"]


def test_max_age_respected_when_the_login_is_recent(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    response, _ = _authorize(client, max_age="3600")
    assert response.status_code == 302
    assert "code" in query_of(response.headers["location"])


def test_max_age_older_than_the_login_asks_again(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    clock_of(client).advance(2)
    response, _ = _authorize(client, max_age="1")
    assert 'name="password"' in first_page(response)[1]


def test_invalid_max_age_is_redirected_invalid_request(client: TestClient) -> None:
    response, _ = _authorize(client, max_age="soon")
    assert query_of(response.headers["location"])["error"] == "invalid_request"


def test_prompt_consent_asks_consent_again(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    response, _ = _authorize(client, prompt="consent")
    page = _follow(client, response)
    assert 'name="decision"' in page.text
    assert 'name="password"' not in page.text


def test_prompt_select_account_offers_the_current_citizen(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    response, _ = _authorize(client, prompt="select_account")
    html = first_page(response)[1]
    assert f'name="username" value="{PIN}"' in html
    assert 'name="password"' in html


def test_prompt_none_without_consent_is_consent_required(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    response, _ = _authorize(client, "logout", prompt="none")
    query = query_of(response.headers["location"])
    assert query["error"] == "consent_required"
    assert query["iss"] == ISSUER


def test_prompt_none_with_another_value_is_invalid_request(client: TestClient, env: Env) -> None:
    _signed_in(client, env)
    response, _ = _authorize(client, prompt="none login")
    assert query_of(response.headers["location"])["error"] == "invalid_request"


def test_id_token_hint_of_the_session_citizen_is_answered(client: TestClient, env: Env) -> None:
    id_token = get_tokens(client, env, "rp")["id_token"]
    response, _ = _authorize(client, prompt="none", id_token_hint=id_token)
    assert "code" in query_of(response.headers["location"])


def test_id_token_hint_of_another_citizen_is_login_required(client: TestClient, env: Env) -> None:
    other = get_tokens(client, env, "rp")["id_token"]
    client.cookies.clear()
    response, _ = _authorize(client)
    _login(client, response, OTHER_PIN)
    response, _ = _authorize(client, prompt="none", id_token_hint=other)
    assert query_of(response.headers["location"])["error"] == "login_required"


@pytest.mark.parametrize("extra", [{}, {"prompt": "consent"}])
def test_login_as_another_citizen_than_the_hint_is_login_required(
    client: TestClient, env: Env, extra: dict[str, str]
) -> None:
    """Core §3.1.2.2: answered as soon as the other citizen has logged in, before any consent page."""
    hint = get_tokens(client, env, "rp")["id_token"]  # the citizen of PIN
    client.cookies.clear()
    response, _ = _authorize(client, id_token_hint=hint, state="s-hint", **extra)
    final = _login(client, response, OTHER_PIN)
    assert final.status_code == 303  # the login form is answered with the answer itself
    answer = query_of(final.headers["location"])
    assert final.headers["location"].startswith(REDIRECT)
    assert (answer["error"], answer["state"]) == ("login_required", "s-hint")
    assert "code" not in answer


def test_login_as_the_hinted_citizen_is_answered(client: TestClient, env: Env) -> None:
    hint = get_tokens(client, env, "rp")["id_token"]
    client.cookies.clear()
    response, verifier = _authorize(client, id_token_hint=hint)
    final = _login(client, response, PIN)
    assert final.status_code == 303  # consent remembered from the first login: answered at once
    claims = _redeem(client, env, final.headers["location"], verifier, "rp")
    assert claims["sub"] == _claims(client, hint)["sub"]


def test_expired_id_token_hint_is_accepted(client: TestClient, env: Env) -> None:
    claims = _signed_in(client, env)
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    key = server.keys.signing_key("RS256")
    expired = {**claims, "exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}
    hint = jwt.encode({"alg": "RS256", "kid": key.kid}, expired, key)
    response, _ = _authorize(client, prompt="none", id_token_hint=hint)
    assert "code" in query_of(response.headers["location"])


def test_foreign_id_token_hint_is_redirected_invalid_request(client: TestClient, env: Env) -> None:
    claims = _signed_in(client, env)
    foreign = RSAKey.generate_key(2048)
    hint = jwt.encode({"alg": "RS256"}, claims, foreign)
    for bad in (hint, "not-a-jwt"):
        response, _ = _authorize(client, id_token_hint=bad)
        assert response.headers["location"].startswith(REDIRECT)
        assert query_of(response.headers["location"])["error"] == "invalid_request"
