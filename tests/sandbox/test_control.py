"""The sandbox's control of a provider (:mod:`idp.sandbox.control`) and the population's time, through
the control API on SQLite and on PostgreSQL: moved ten years on, the provider renews and revokes cards
on the population's today, so the population stays clean when checked on that day, and its wallet
judges documents expired on that day; a reset gives back the reference day and the cards as they were.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from idp.population_db.generator import AS_OF
from idp.population_db.invariants import check_population
from idp.population_db.seeding import seed_population
from idp.web.app import create_app
from tests.conftest import open_engine
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page
from tests.page_reading import read

__all__ = ["env"]  # the provider settings of tests/oidc, on a database of each backend here
CONTROL = {"Authorization": "Bearer sandbox-api-token"}
TEN_YEARS = date(2036, 7, 1)
SPOUSE_PIN = "031190999002"


@dataclass(frozen=True)
class Provider:
    client: TestClient
    engine: Engine


@pytest.fixture
def provider(env: Env, empty_database: str, engine_for: list[Engine]) -> Iterator[Provider]:
    engine = open_engine(empty_database, engine_for)
    seed_population(engine, count=400, seed=3, password=PASSWORD, passcode="246810")
    update = {
        "database_url": empty_database,
        "sandbox_api": True,
        "sandbox_token": SecretStr("sandbox-api-token"),
    }
    with TestClient(
        create_app(env.settings.model_copy(update=update)), follow_redirects=False
    ) as test_client:
        yield Provider(test_client, engine)


def _population_day(provider: Provider) -> date:
    state = provider.client.get("/sandbox/clock", headers=CONTROL).json()
    return date.fromisoformat(state["population_day"])


def _advance_ten_years(provider: Provider) -> date:
    for days in (1826, 1827):  # one move of the control API goes at most ten years of 365 days
        moved = {"action": "advance", "seconds": days * 86400}
        assert provider.client.post("/sandbox/clock", json=moved, headers=CONTROL).is_success
    return _population_day(provider)


def _change(provider: Provider, pin: str, **changes: object) -> dict[str, object]:
    response = provider.client.patch(f"/sandbox/citizens/{pin}", json=changes, headers=CONTROL)
    assert response.status_code == 200, response.text
    changed: dict[str, object] = response.json()
    return changed


def test_cards_renewed_and_revoked_ten_years_on_keep_the_population_clean(
    provider: Provider,
) -> None:
    assert _population_day(provider) == AS_OF
    assert list(check_population(provider.engine)) == []
    today = _advance_ten_years(provider)
    assert today == TEN_YEARS
    renewed = _change(provider, PIN, card={"action": "renew"})["card"]
    assert isinstance(renewed, dict)
    assert renewed["issued_on"] == today.isoformat()
    revoked = _change(provider, SPOUSE_PIN, card={"action": "revoke", "reason": "lost"})["card"]
    assert isinstance(revoked, dict)
    assert revoked["revoked"] == {"reason": "lost", "revoked_on": today.isoformat()}
    assert list(check_population(provider.engine, today=today)) == []
    assert provider.client.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert _population_day(provider) == AS_OF
    assert list(check_population(provider.engine)) == []


def test_a_death_recorded_ten_years_on_is_checked_on_that_day(provider: Provider) -> None:
    today = _advance_ten_years(provider)
    _change(provider, PIN, deceased_on=today.isoformat(), account_status="locked")
    rules = {v.rule for v in check_population(provider.engine, today=today)}
    assert "death-date" not in rules
    # judged on the reference day, the same death has not happened yet
    assert "death-date" in {v.rule for v in check_population(provider.engine)}


def _wallet_text(provider: Provider, lang: str) -> str:
    client = provider.client
    page, html = first_page(client.get("/account", params={"lang": lang}))
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    response = client.post(f"{page}/login", data=login)
    assert response.status_code == 303, response.text
    return read(client.get(response.headers["location"]).text)[1]


@pytest.mark.parametrize(("lang", "expired"), [("en", "(expired)"), ("vi", "(đã hết hạn)")])
def test_the_wallet_judges_expiry_on_the_populations_day(
    provider: Provider, lang: str, expired: str
) -> None:
    """The persona's identity card runs to 2028-03-15, the insurance card to 2026-12-31 and the car
    licence to 2035-04-02 (the motorcycle licence never expires): valid on the reference day, all
    three expired ten years on, whatever the calendar says."""
    assert expired not in _wallet_text(provider, lang)
    _advance_ten_years(provider)
    assert _wallet_text(provider, lang).count(expired) == 3
