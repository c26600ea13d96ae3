"""The clock given to :func:`idp.web.app.create_app` is the provider's only time, end to end: tokens are
dated by it, and codes, access tokens, lockouts and one-time codes expire when it is moved past their
lives, not before, while the test process's own time goes on as it was.

Each app here is built with a :class:`~idp.state.clock.Clock` frozen at :data:`AT`, years away from the
system's time, so that nothing passes by reading the system's clock instead (a token dated by it would
carry another ``iat``; one checked against it would be refused as issued in the future).
"""

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from idp.state.clock import Clock
from idp.web.app import create_app
from tests.login.conftest import landed
from tests.login.providers import provider_on
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import get_code
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import shows_consent
from tests.oidc.conftest import sms_code

__all__ = ["env", "forget_consents"]
AT = 1_900_000_000  # 2030-03-17T17:46:40Z


@pytest.fixture
def clock() -> Clock:
    frozen = Clock()
    frozen.freeze(AT)
    return frozen


@pytest.fixture
def clocked(env: Env, clock: Clock) -> Iterator[TestClient]:
    """A client of a provider built with ``clock``."""
    with TestClient(create_app(env.settings, clock=clock), follow_redirects=False) as client:
        yield client


def _payload(token: str) -> dict[str, Any]:
    """A JWT's claims, read without verifying (the signatures have their own tests)."""
    part = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


def _redeem(client: TestClient, env: Env, code: str, verifier: str) -> Any:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    return client.post("/token", data=data, auth=("rp", env.secrets["rp"]))


def _userinfo(client: TestClient, access_token: str) -> Any:
    return client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def _introspect(client: TestClient, env: Env, token: str) -> dict[str, Any]:
    response = client.post("/introspect", data={"token": token}, auth=("rp", env.secrets["rp"]))
    body: dict[str, Any] = response.json()
    return body


def test_the_app_s_server_keeps_the_clock_it_was_given(clocked: TestClient, clock: Clock) -> None:
    assert clock_of(clocked) is clock


def test_tokens_are_dated_by_the_frozen_clock(clocked: TestClient, env: Env, clock: Clock) -> None:
    tokens = get_tokens(clocked, env)
    id_token = _payload(tokens["id_token"])
    assert (id_token["iat"], id_token["exp"]) == (AT, AT + env.settings.access_token_ttl)
    assert id_token["auth_time"] == AT  # the password, passed at the frozen time
    access = _payload(tokens["access_token"])
    assert (access["iat"], access["exp"]) == (AT, AT + env.settings.access_token_ttl)
    assert _userinfo(clocked, tokens["access_token"]).status_code == 200  # not "in the future"
    refresh = _introspect(clocked, env, tokens["refresh_token"])
    assert (refresh["iat"], refresh["exp"]) == (AT, AT + env.settings.refresh_token_ttl)
    clock.advance(30)
    refreshed = clocked.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=("rp", env.secrets["rp"]),
    )
    assert refreshed.status_code == 200, refreshed.text
    assert _payload(refreshed.json()["access_token"])["iat"] == AT + 30


def test_a_registered_client_is_dated_by_the_clock(env: Env, clock: Clock) -> None:
    token = "initial-access-token"
    update = {"registration_enabled": True, "registration_token": SecretStr(token)}
    app = create_app(env.settings.model_copy(update=update), clock=clock)
    with TestClient(app) as client:
        response = client.post(
            "/register",
            json={"redirect_uris": [REDIRECT]},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.text
    assert response.json()["client_id_issued_at"] == AT


def test_a_code_expires_when_the_clock_passes_its_life(
    clocked: TestClient, env: Env, clock: Clock
) -> None:
    kept, kept_verifier = get_code(clocked)
    late_verifier, challenge = pkce()
    answered = clocked.get("/authorize", params=auth_params(code_challenge=challenge))
    assert answered.status_code == 302  # the session's second code, at once
    late = query_of(answered.headers["location"])["code"]
    clock.advance(env.settings.code_ttl - 1)
    assert _redeem(clocked, env, kept, kept_verifier).status_code == 200
    clock.advance(1)
    refused = _redeem(clocked, env, late, late_verifier)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_an_access_token_expires_at_userinfo_when_the_clock_passes_its_life(
    clocked: TestClient, env: Env, clock: Clock
) -> None:
    tokens = get_tokens(clocked, env)
    clock.advance(env.settings.access_token_ttl - 1)
    assert _userinfo(clocked, tokens["access_token"]).status_code == 200
    assert _introspect(clocked, env, tokens["access_token"])["active"] is True
    clock.advance(1)
    expired = _userinfo(clocked, tokens["access_token"])
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert _introspect(clocked, env, tokens["access_token"]) == {"active": False}


def test_max_age_is_measured_on_the_clock(clocked: TestClient, env: Env, clock: Clock) -> None:
    get_tokens(clocked, env)
    _, challenge = pkce()
    clock.advance(599)
    again = clocked.get("/authorize", params=auth_params(code_challenge=challenge, max_age="600"))
    assert "code" in query_of(again.headers["location"])  # answered at once
    clock.advance(1)
    again = clocked.get("/authorize", params=auth_params(code_challenge=challenge, max_age="600"))
    assert 'name="password"' in first_page(again)[1]


@pytest.fixture
def own(env: Env, tmp_path: Path) -> Iterator[TestClient]:
    """A provider over a database of its own (its lockouts reach no other test), clock frozen."""
    with provider_on(env, f"sqlite:///{tmp_path / 'db.sqlite3'}") as client:
        clock_of(client).freeze(AT)
        yield client


def _password(client: TestClient, password: str) -> Any:
    """The page shown after the password form of a new interaction."""
    _, challenge = pkce()
    page, html = first_page(
        client.get("/authorize", params=auth_params(code_challenge=challenge, prompt="login"))
    )
    data = {"username": PIN, "password": password, "csrf": csrf_of(html)}
    return landed(client, client.post(f"{page}/login", data=data), page)


def test_a_lockout_ends_when_the_clock_passes_it(own: TestClient, env: Env) -> None:
    clock = clock_of(own)
    for _ in range(env.settings.lockout_threshold):
        assert _password(own, "wrong").status_code == 401
    clock.advance(env.settings.lockout_seconds - 1)
    assert _password(own, PASSWORD).status_code == 401  # still locked: refused as wrong
    clock.advance(1)
    assert shows_consent(_password(own, PASSWORD))


def test_a_one_time_code_expires_when_the_clock_passes_its_life(
    clocked: TestClient, env: Env, clock: Clock
) -> None:
    login_at(clocked, "LoA1")
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, acr_values="LoA2")
    page, html = first_page(clocked.get("/authorize", params=params))
    assert 'name="otp"' in html
    code = sms_code(clocked)
    clock.advance(env.settings.otp_ttl)
    posted = clocked.post(f"{page}/otp", data={"otp": code, "csrf": csrf_of(html)})
    shown = landed(clocked, posted, page)
    assert shown.status_code == 401  # the right code, expired
    assert 'name="otp"' in shown.text
