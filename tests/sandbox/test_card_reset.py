"""A sandbox reset puts a renewed and revoked identity card back, on SQLite and on PostgreSQL, through
the control API: the changes are undone in reverse order, the revocation of the old card included."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from idp.population_db.seeding import seed_population
from idp.web.app import create_app
from tests.conftest import open_engine
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import env

__all__ = ["env"]  # the provider settings of tests/oidc, on a database of each backend here
CONTROL = {"Authorization": "Bearer sandbox-api-token"}


@pytest.fixture
def provider(env: Env, empty_database: str, engine_for: list[Engine]) -> Iterator[TestClient]:
    engine = open_engine(empty_database, engine_for)
    seed_population(engine, count=0, seed=1, password="Vneid@2025", passcode="246810")
    update = {
        "database_url": empty_database,
        "sandbox_api": True,
        "sandbox_token": SecretStr("sandbox-api-token"),
    }
    with TestClient(create_app(env.settings.model_copy(update=update))) as test_client:
        yield test_client


def _card(provider: TestClient) -> dict[str, object]:
    card: dict[str, object] = provider.get(f"/sandbox/citizens/{PIN}", headers=CONTROL).json()[
        "card"
    ]
    return card


def test_a_reset_puts_a_revoked_then_renewed_card_back(provider: TestClient) -> None:
    before = _card(provider)
    for change in ({"action": "revoke", "reason": "lost"}, {"action": "renew"}):
        response = provider.patch(
            f"/sandbox/citizens/{PIN}", json={"card": change}, headers=CONTROL
        )
        assert response.status_code == 200, response.text
    after = _card(provider)
    assert after["issued_on"] != before["issued_on"]
    assert after["revoked"] is None
    assert provider.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert _card(provider) == before


def test_a_refused_card_change_is_400_and_writes_nothing(provider: TestClient) -> None:
    before = _card(provider)
    body = {"card": {"action": "revoke", "reason": "bored"}}
    response = provider.patch(f"/sandbox/citizens/{PIN}", json=body, headers=CONTROL)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    response = provider.patch(
        "/sandbox/citizens/079087999009", json={"card": {"action": "renew"}}, headers=CONTROL
    )
    assert response.status_code == 400
    assert "no identity card" in response.json()["error_description"]
    assert _card(provider) == before
