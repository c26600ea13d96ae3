"""The sandbox's control API: off by default (404), the token required (401, never in the URL), each
endpoint's answers, its bad input refused with RFC 6749 JSON (schemathesis, positive and negative: no
5xx), citizen changes undone by a reset and a refused change writing nothing."""

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis.errors import Unsatisfiable
from jose import jwt as jose_jwt
from pydantic import SecretStr
from schemathesis import Case
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from idp.web.app import create_app
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents

__all__ = ["client", "env", "forget_consents"]  # the provider fixtures of tests/oidc
TOKEN = "sandbox-api-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SANDBOX_PATHS = (
    r"^/sandbox/(scenarios|clock|requests|citizens/.*|cards/.*|tokens|keys/rotate|reset)$"
)


def _settings(env: Env) -> Any:
    update = {"sandbox_api": True, "sandbox_token": SecretStr(TOKEN)}
    return env.settings.model_copy(update=update)


@pytest.fixture
def sandboxed(env: Env) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(env)), follow_redirects=False) as test_client:
        yield test_client
        test_client.post("/sandbox/reset", json={}, headers=BEARER)


def test_off_by_default(client: TestClient) -> None:
    response = client.get("/sandbox/clock", headers=BEARER)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert client.get("/sandbox/sms.json").status_code == 200  # the inbox stays open


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}]
)
def test_the_token_is_required(sandboxed: TestClient, headers: dict[str, str]) -> None:
    response = sandboxed.get("/sandbox/clock", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_empty_token_setting_refuses_everything(env: Env) -> None:
    settings = env.settings.model_copy(update={"sandbox_api": True})
    with TestClient(create_app(settings)) as test_client:
        assert (
            test_client.get("/sandbox/clock", headers={"Authorization": "Bearer "}).status_code
            == 401
        )


def test_the_clock_moves_the_provider_only(sandboxed: TestClient) -> None:
    state = sandboxed.post(
        "/sandbox/clock", json={"action": "set", "at": "2030-01-02T03:04:05+07:00"}, headers=BEARER
    ).json()
    assert state["iso"].startswith("2030-01-01T20:04")
    frozen = sandboxed.post("/sandbox/clock", json={"action": "freeze"}, headers=BEARER).json()
    moved = sandboxed.post(
        "/sandbox/clock", json={"action": "advance", "seconds": 60}, headers=BEARER
    ).json()
    assert moved["frozen"]
    assert moved["now"] == pytest.approx(frozen["now"] + 60)
    bad = sandboxed.post("/sandbox/clock", json={"action": "advance"}, headers=BEARER)
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_request")
    reset = sandboxed.post("/sandbox/clock", json={"action": "reset"}, headers=BEARER).json()
    assert not reset["frozen"]
    assert reset["iso"].startswith("20")


def test_the_clock_says_the_populations_day(sandboxed: TestClient) -> None:
    """The reference day, moved as far as the clock: ten years of days on, and back at a reset."""
    assert sandboxed.get("/sandbox/clock", headers=BEARER).json()["population_day"] == "2026-07-01"
    for days in (1826, 1827):  # 3,653 days: ten years with three 29 Februaries
        moved = sandboxed.post(
            "/sandbox/clock", json={"action": "advance", "seconds": days * 86400}, headers=BEARER
        ).json()
    assert moved["population_day"] == "2036-07-01"
    assert sandboxed.get("/sandbox/clock", headers=BEARER).json()["population_day"] == "2036-07-01"
    reset = sandboxed.post("/sandbox/clock", json={"action": "reset"}, headers=BEARER).json()
    assert reset["population_day"] == "2026-07-01"


def test_a_citizen_is_changed_then_put_back_by_a_reset(sandboxed: TestClient) -> None:
    original = sandboxed.get("/sandbox/citizens/level2-full", headers=BEARER).json()
    assert original["pin"] == PIN
    changed = sandboxed.patch(
        "/sandbox/citizens/level2-full",
        json={"account_status": "locked", "phone_number": None, "account_level": 1},
        headers=BEARER,
    ).json()
    assert (changed["account_status"], changed["phone_number"], changed["account_level"]) == (
        "locked",
        None,
        1,
    )
    assert sandboxed.post("/sandbox/reset", json={}, headers=BEARER).status_code == 204
    assert sandboxed.get(f"/sandbox/citizens/{PIN}", headers=BEARER).json() == original


@pytest.mark.parametrize(
    "body",
    [
        {"account_level": 3},
        {"phone_number": "12345"},
        {"phone_number": "spouse's"},
        {"address": {"province_code": 1, "ward_code": 999999, "street_address": "x"}},
        {"deceased_on": "yesterday"},
        {"account_status": "active", "account_level": 5},
        {"nickname": "Bình"},
    ],
)
def test_a_refused_change_writes_nothing(sandboxed: TestClient, body: dict[str, Any]) -> None:
    before = sandboxed.get("/sandbox/citizens/level2-full", headers=BEARER).json()
    if body.get("phone_number") == "spouse's":  # a number another citizen holds
        spouse = sandboxed.get("/sandbox/citizens/level2-spouse", headers=BEARER).json()
        body = {"phone_number": spouse["phone_number"]}
    response = sandboxed.patch("/sandbox/citizens/level2-full", json=body, headers=BEARER)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert sandboxed.get("/sandbox/citizens/level2-full", headers=BEARER).json() == before


def test_an_unknown_citizen_is_404(sandboxed: TestClient) -> None:
    assert sandboxed.get("/sandbox/citizens/000000000000", headers=BEARER).status_code == 404
    assert sandboxed.get("/sandbox/citizens/nobody", headers=BEARER).status_code == 404


def test_a_card_gives_its_chip_files_and_the_ca_the_site_publishes(sandboxed: TestClient) -> None:
    card = sandboxed.get("/sandbox/cards/level2-full", headers=BEARER).json()
    assert card["card_number"] == PIN
    assert card["document_number"] == PIN[-9:]
    assert list(card["files"]) == ["EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD"]
    dg1 = base64.b64decode(card["files"]["DG1"])
    assert dg1.endswith("".join(card["mrz"]).encode())
    assert card["mrz"][0].startswith("IDVNM")
    assert card["qr"].startswith(f"{PIN}|")
    assert card["access_key"].startswith(PIN[-9:])
    published = sandboxed.get("/pki/csca.pem")
    assert published.headers["content-type"] == "application/x-pem-file"
    assert published.text == card["csca_pem"]
    assert "BEGIN CERTIFICATE" in published.text
    again = sandboxed.get(f"/sandbox/cards/{PIN}", headers=BEARER).json()
    assert again == card  # built on demand, the same bytes every time


def test_a_citizen_without_a_card_has_no_chip(sandboxed: TestClient) -> None:
    assert sandboxed.get("/sandbox/cards/000000000000", headers=BEARER).status_code == 404
    assert sandboxed.get("/sandbox/cards/nobody", headers=BEARER).status_code == 404


def test_a_minted_token_verifies_with_the_published_keys(sandboxed: TestClient) -> None:
    body: dict[str, Any] = {"kind": "access_token", "client_id": "rp", "persona": "level2-full"}
    body |= {"alg": "RS256", "claims": {"scope": "openid profile"}}
    token = sandboxed.post("/sandbox/tokens", json=body, headers=BEARER).json()["token"]
    header = jose_jwt.get_unverified_header(token)
    jwks = sandboxed.get("/jwks").json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jose_jwt.decode(token, key, algorithms=["RS256"], audience="rp", issuer=ISSUER)
    assert header["typ"] == "at+jwt"
    assert claims["client_id"] == "rp"
    assert claims["scope"] == "openid profile"
    assert claims["exp"] - claims["iat"] == 600
    assert claims["sub"]
    assert claims["sub"] != PIN


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "refresh_token"},
        {"kid": "not-a-key"},
        {"client_id": "no-such-client"},
        {"persona": "nobody"},
    ],
)
def test_a_mint_that_cannot_be_made_is_refused(sandboxed: TestClient, body: dict[str, Any]) -> None:
    response = sandboxed.post("/sandbox/tokens", json=body, headers=BEARER)
    assert response.status_code in (400, 404), response.text
    assert response.json()["error"]


def test_logout_tokens_carry_the_event(sandboxed: TestClient) -> None:
    body = {"kind": "logout_token", "client_id": "rp", "claims": {"sid": "s-1"}}
    token = sandboxed.post("/sandbox/tokens", json=body, headers=BEARER).json()["token"]
    claims = jose_jwt.get_unverified_claims(token)
    assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
    assert "nonce" not in claims
    assert jose_jwt.get_unverified_header(token)["typ"] == "logout+jwt"


def test_the_requests_are_recorded_without_secrets(sandboxed: TestClient, env: Env) -> None:
    sandboxed.delete("/sandbox/requests", headers=BEARER)
    secret = env.secrets["post"]
    sandboxed.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "client_id": "post",
            "client_secret": secret,
        },
    )
    found = sandboxed.get("/sandbox/requests", params={"endpoint": "token"}, headers=BEARER).json()
    (entry,) = found["requests"]
    assert entry["client_id"] == "post"
    assert entry["parameters"]["client_secret"] == ["[redacted]"]
    assert secret not in str(found)


def test_the_api_is_in_the_openapi_document(sandboxed: TestClient) -> None:
    paths = sandboxed.get("/openapi.json").json()["paths"]
    for path in ("/sandbox/scenarios", "/sandbox/clock", "/sandbox/requests", "/sandbox/tokens"):
        assert path in paths
    assert "/sandbox/citizens/{who}" in paths
    assert "/sandbox/reset" in paths
    assert "/sandbox/phones/{who}/requests/{request_id}" in paths


def test_no_input_makes_the_api_fail(env: Env, tmp_path: Path) -> None:
    """schemathesis over every sandbox operation, with data that fits the schema and data that
    breaks it: never a 5xx, always JSON. On a copy of the database: a generated reset of
    everything must not empty the other tests' one."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(env.settings.database_url.removeprefix("sqlite:///"), copy)
    app = create_app(_settings(env).model_copy(update={"database_url": f"sqlite:///{copy}"}))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=SANDBOX_PATHS)
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    assert len(operations) >= 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
            def check(case: Case) -> None:  # type: ignore[type-arg]
                response = case.call(headers=BEARER)
                assert response.status_code < 500, (case.path, response.text)
                if response.status_code >= 400:
                    assert response.headers["content-type"][0].startswith("application/json")

            try:
                check()
            except Unsatisfiable:
                continue


def test_a_moment_without_its_offset_is_refused(sandboxed: TestClient) -> None:
    body = {"action": "set", "at": "2030-01-02T03:04:05"}
    response = sandboxed.post("/sandbox/clock", json=body, headers=BEARER)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/sandbox/clock", {"action": "advance"}, "advance needs seconds."),
        ("/sandbox/clock", {"action": "set"}, "set needs at."),
        ("/sandbox/scenarios", {"name": "no_such_scenario"}, "no_such_scenario"),
    ],
)
def test_a_refusal_says_why(
    sandboxed: TestClient, path: str, body: dict[str, Any], reason: str
) -> None:
    response = sandboxed.post(path, json=body, headers=BEARER)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert reason in response.json()["error_description"]


def test_a_body_that_is_not_json_is_still_unreadable(sandboxed: TestClient) -> None:
    response = sandboxed.post("/sandbox/clock", content=b"{not json", headers=BEARER)
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] == "invalid_request"
