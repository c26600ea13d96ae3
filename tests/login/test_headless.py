"""Headless login (the sandbox's token in ``Authorization``, the citizen in ``login_hint``): a real
login that writes the audit and consent rows the pages write, reaches the level asked with its
factors' ``amr``, and stops the citizens the pages stop; only with the sandbox API on and its token."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from pydantic import SecretStr

from idp.population_db.database import connect
from idp.state.audit import AUTHENTICATION
from idp.state.audit import events_for
from idp.state.consents import granted_scopes
from idp.web.app import create_app
from tests.fuzz_strategies import assert_not_server_error
from tests.fuzz_strategies import assert_redirects_only_to
from tests.fuzz_strategies import authorization_header
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import on_the_wire
from tests.fuzz_strategies import raw_query
from tests.fuzz_strategies import values
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import redeem

TOKEN = "sandbox-test-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
LEVEL1_PIN = "079195999004"


@pytest.fixture
def sandboxed(env: Env) -> Iterator[TestClient]:
    settings = env.settings.model_copy(
        update={"sandbox_api": True, "sandbox_token": SecretStr(TOKEN)}
    )
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def _headless(
    client: TestClient, who: str, acr: str = "LoA2", headers: dict[str, str] = BEARER, **extra: str
) -> tuple[Any, str]:
    verifier, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, acr_values=acr, login_hint=who, **extra)
    return client.get("/authorize", params=params, headers=headers), verifier


def test_a_persona_logs_in_at_the_level_asked_with_its_factors(
    sandboxed: TestClient, env: Env
) -> None:
    engine = connect(env.settings.database_url)
    before = len(events_for(engine, PIN, AUTHENTICATION))
    response, verifier = _headless(sandboxed, "level2-full", "LoA3", scope="openid profile phone")
    assert response.status_code in (302, 303), response.text
    answer = query_of(response.headers["location"])
    assert answer["state"] == "st-1"
    tokens = redeem(sandboxed, env, "data", answer["code"], verifier)
    claims = id_token_claims(sandboxed, tokens["id_token"])
    assert claims["acr"] == "LoA3"
    assert {"pwd", "pin", "face", "mfa"} <= set(claims["amr"])  # LoA3: password, passcode, face
    after = events_for(engine, PIN, AUTHENTICATION)  # newest first
    methods = [(e.method, e.outcome, e.acr) for e in after[: len(after) - before]]
    assert sorted(methods) == sorted(
        [("pwd", "success", "LoA1"), ("pin", "success", "LoA1"), ("face", "success", "LoA3")]
    ), methods
    assert granted_scopes(engine, PIN, "data") == {"openid", "profile", "phone"}
    engine.dispose()


def test_a_pin_works_like_its_persona(sandboxed: TestClient, env: Env) -> None:
    response, verifier = _headless(sandboxed, LEVEL1_PIN, "LoA2")
    code = query_of(response.headers["location"])["code"]
    claims = id_token_claims(sandboxed, redeem(sandboxed, env, "data", code, verifier)["id_token"])
    assert claims["acr"] == "LoA2"
    assert {"pwd", "otp"} <= set(claims["amr"])  # LoA2 by SMS code


@pytest.mark.parametrize(
    ("who", "acr", "error"),
    [
        ("locked", "LoA1", "access_denied"),
        ("deceased", "LoA1", "access_denied"),
        ("no-account", "LoA1", "access_denied"),
        ("999999999999", "LoA1", "access_denied"),
        ("not-a-persona", "LoA1", "access_denied"),
        ("level1-only", "LoA3", "unmet_authentication_requirements"),
        # LoA4 appears only after an approval on the phone: never from a headless login
        ("level2-full", "LoA4", "unmet_authentication_requirements"),
    ],
)
def test_the_citizens_the_pages_stop_are_stopped(
    sandboxed: TestClient, who: str, acr: str, error: str
) -> None:
    response, _ = _headless(sandboxed, who, acr)
    assert response.status_code in (302, 303)
    assert query_of(response.headers["location"])["error"] == error


def test_a_refusal_is_audited_as_the_pages_audit_it(sandboxed: TestClient, env: Env) -> None:
    locked = "040183999006"
    engine = connect(env.settings.database_url)
    _headless(sandboxed, "locked", "LoA1")
    latest = events_for(engine, locked, AUTHENTICATION)[0]
    assert (latest.outcome, latest.method, latest.detail) == ("refused", "pwd", "locked")
    engine.dispose()


def test_a_wrong_or_missing_token_is_refused_without_a_login(sandboxed: TestClient) -> None:
    response, _ = _headless(sandboxed, "level2-full", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert "text/html" in response.headers["content-type"]
    response, _ = _headless(sandboxed, "level2-full", headers={})
    assert response.status_code == 200  # no token: the login page, as for any browser
    assert 'name="password"' in response.text


def test_without_the_sandbox_api_the_header_changes_nothing(client: TestClient) -> None:
    response, _ = _headless(client, "level2-full")
    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_headless_login_needs_a_hint(sandboxed: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge)
    response = sandboxed.get("/authorize", params=params, headers=BEARER)
    assert response.status_code == 400
    assert "login_hint" in response.text


def test_prompt_none_is_still_answered_login_required(sandboxed: TestClient) -> None:
    response, _ = _headless(sandboxed, "level2-full", prompt="none")
    assert query_of(response.headers["location"])["error"] == "login_required"


@given(
    items=mutated(
        {
            "response_type": "code",
            "client_id": "data",
            "redirect_uri": REDIRECT,
            "scope": "openid profile",
            "state": "st-1",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
            "login_hint": "level2-full",
        },
        {"login_hint": values("level2-full", LEVEL1_PIN, "locked"), "acr_values": values("LoA3")},
    ),
    authorization=authorization_header(f"Bearer {TOKEN}"),
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_headless_requests_are_answered_safely(
    sandboxed: TestClient, items: list[tuple[str, str]], authorization: str
) -> None:
    """Any hint, any parameters, any Authorization value: no 5xx, a redirect only to the registered
    URI, an error page otherwise."""
    headers = on_the_wire({"Authorization": authorization})
    response = sandboxed.get("/authorize?" + raw_query(items), headers=headers)
    assert_not_server_error(response)
    assert_redirects_only_to(response, [REDIRECT])
