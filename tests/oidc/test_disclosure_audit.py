"""Audit completeness: every disclosure of citizen data writes exactly one ``disclosure`` row (client,
claims beyond the protocol claims, ``acr``); nothing else does."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from idp.oidc import server as server_module
from idp.state.audit import DISCLOSURE
from idp.state.audit import Event
from idp.state.audit import events_for
from idp.state.grant_index import GRANTS
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.flows import authorize
from tests.oidc.flows import claims_param
from tests.oidc.flows import redeem
from tests.oidc.flows import server_of
from tests.oidc.flows import userinfo

FLOWS = 3


def _rows(client: TestClient) -> list[Event]:
    return events_for(server_of(client).engine, LEVEL1_PIN, DISCLOSURE)


def test_n_flows_write_exactly_the_n_expected_rows(client: TestClient, env: Env) -> None:
    before = len(_rows(client))
    request = claims_param(id_token={"name": None})
    for _ in range(FLOWS):
        client.cookies.clear()  # a new login each time; consent is remembered after the first
        code, verifier = authorize(
            client, "data", "openid profile phone", LEVEL1_PIN, claims=request
        )
        tokens = redeem(client, env, "data", code, verifier)
        userinfo(client, tokens["access_token"])
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        assert client.post("/token", data=refresh, auth=("data", env.secrets["data"])).is_success
    rows = _rows(client)[: len(_rows(client)) - before]
    assert len(rows) == 2 * FLOWS  # one ID token and one userinfo answer per flow; no refresh row
    id_token_rows = [r for r in rows if r.claims == ["account_level", "name"]]
    userinfo_rows = [r for r in rows if "phone_number" in r.claims]
    assert len(id_token_rows) == FLOWS
    assert len(userinfo_rows) == FLOWS
    assert all(r.client_id == "data" and r.acr == "LoA1" for r in rows)
    assert all(r.outcome == "released" for r in rows)
    assert "sub" not in userinfo_rows[0].claims
    assert set(userinfo_rows[0].claims) == {
        "account_level",
        "name",
        "family_name",
        "middle_name",
        "given_name",
        "birthdate",
        "gender",
        "phone_number",
        "phone_number_verified",
    }


def test_refused_requests_write_no_row(client: TestClient, env: Env) -> None:
    code, verifier = authorize(client, "data", "openid profile", LEVEL1_PIN)
    tokens = redeem(client, env, "data", code, verifier)
    before = len(_rows(client))
    data = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
    replay = client.post("/token", data=data, auth=("data", env.secrets["data"]))
    assert replay.status_code == 400
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/userinfo", headers=bearer).status_code == 401  # the replay revoked it
    assert client.get("/userinfo", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert len(_rows(client)) == before


def test_the_id_token_row_and_the_grant_row_commit_together(
    client: TestClient, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ID token without its disclosure row, and no grant-index row for a token that never left:
    the two rows are one transaction."""
    code, verifier = authorize(client, "data", "openid profile", LEVEL1_PIN)
    engine = server_of(client).engine
    grants_before = _grant_rows(engine)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT INTO audit_event", {}, Exception("disk full"))

    monkeypatch.setattr(server_module, "audit_disclosure", broken)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = client.post(
        "/token", data={**data, "code_verifier": verifier}, auth=("data", env.secrets["data"])
    )
    assert response.status_code == 503
    assert "id_token" not in response.text
    assert _grant_rows(engine) == grants_before


def _grant_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(GRANTS)).scalar_one())
