"""Death registration through the population service, on SQLite and PostgreSQL: a relative declares,
the account is locked with the reason ``deceased``, the permanent residence removed, the population
check clean; the field errors; the resubmit; and the sandbox's reset that cancels the death."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from idp.oidc.server import AuthorizationServer
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.population_db.invariants import check_population
from idp.state.audit import DEATH_REGISTRATION
from idp.state.audit import events_for
from tests.citizen.population_calls import CONTROL
from tests.citizen.population_calls import DEATHS
from tests.citizen.population_calls import FATHER
from tests.citizen.population_calls import LEVEL1
from tests.citizen.population_calls import MOTHER
from tests.citizen.population_calls import SON
from tests.citizen.population_calls import citizen_token
from tests.citizen.population_calls import population_settings
from tests.citizen.population_calls import post
from tests.citizen.population_calls import service
from tests.citizen.population_calls import service_token

__all__ = ["population_settings", "service"]


def server_of(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def one(client: TestClient, sql: str, **params: Any) -> Any:
    with server_of(client).engine.connect() as connection:
        return connection.execute(text(sql), params).one_or_none()


def death(token: str, pin: str = MOTHER, died_on: str = "2026-06-30", **members: Any) -> Any:
    return {"request_id": f"death-{pin}-{died_on}", "declarant_token": token,
            "deceased_pin": pin, "died_on": died_on, **members}  # fmt: skip


def codes(response: Any) -> set[tuple[str, str]]:
    assert response.status_code == 400, response.text
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


def test_a_spouse_declares_a_death(service: TestClient) -> None:
    token, husband = service_token(service), citizen_token(service, FATHER)
    assert one(service, "SELECT expires_on FROM residence WHERE pin = :p", p=MOTHER)[0] is None
    response = post(service, DEATHS, token, death(husband))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["deceased"]["died_on"] == "2026-06-30"
    assert answer["account"] == {"status": "locked", "lock_reason": "deceased"}
    assert answer["permanent_residence_ended"] is True
    account = one(service, "SELECT status, lock_reason FROM vneidaccount WHERE pin = :p", p=MOTHER)
    assert tuple(account) == ("locked", "deceased")
    ended = one(service, "SELECT expires_on FROM residence WHERE pin = :p", p=MOTHER)[0]
    assert str(ended) == answer["registered_on"]  # removed from the register that day
    assert list(check_population(server_of(service).engine)) == []
    again = post(service, DEATHS, token, death(husband))
    assert again.status_code == 200
    assert again.json() == answer
    for who, part in ((FATHER, "declarant"), (MOTHER, "registered")):
        event = events_for(server_of(service).engine, who, DEATH_REGISTRATION)[0]
        assert (event.outcome, event.detail) == (part, MOTHER)
    # The sandbox's reset cancels the death: the account and the residence come back.
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    account = one(service, "SELECT status, lock_reason FROM vneidaccount WHERE pin = :p", p=MOTHER)
    assert tuple(account) == ("active", None)
    assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0] is None
    assert one(service, "SELECT expires_on FROM residence WHERE pin = :p", p=MOTHER)[0] is None
    assert list(check_population(server_of(service).engine)) == []


def test_the_field_errors(service: TestClient) -> None:
    token, husband = service_token(service), citizen_token(service, FATHER)
    assert codes(post(service, DEATHS, token, death(husband, died_on="2099-01-01"))) == {
        ("died_on", "in_future")
    }
    assert codes(post(service, DEATHS, token, death(husband, died_on="1980-01-01"))) == {
        ("died_on", "before_birth")
    }
    assert codes(post(service, DEATHS, token, death(husband, died_on="yesterday"))) == {
        ("died_on", "invalid")
    }
    assert codes(post(service, DEATHS, token, death(husband, pin="001000000000"))) == {
        ("deceased_pin", "unknown_person")
    }
    assert codes(post(service, DEATHS, token, death(husband, pin=FATHER))) == {
        ("deceased_pin", "same_person")
    }
    assert codes(post(service, DEATHS, token, death(husband, pin=LEVEL1))) == {
        ("declarant", "not_relative")
    }
    assert codes(post(service, DEATHS, token, death(husband, pin="036140999008"))) == {
        ("deceased_pin", "already_deceased")
    }
    son = post(service, DEATHS, token, death(husband, pin=SON))
    assert son.status_code == 201, son.text
    assert son.json()["account"] == {"status": "locked", "lock_reason": "deceased"}
    assert list(check_population(server_of(service).engine)) == []


def test_a_registered_death_tells_the_relying_parties(service: TestClient) -> None:
    """A death registered through the population service disables the citizen's account at every
    client with a stream that the citizen shares with (RISC ``account-disabled``), like the sandbox's
    change does."""
    husband = citizen_token(service, FATHER)
    citizen_token(service, MOTHER)  # the mother shares with the portal
    stream_token = service_token(service, "shared_signals")
    delivery = {"method": "urn:ietf:rfc:8935", "endpoint_url": "http://127.0.0.1:9/signals"}
    created = service.post(
        "/ssf/streams",
        json={"delivery": delivery, "events_requested": [ACCOUNT_DISABLED]},
        headers={"Authorization": f"Bearer {stream_token}"},
    )
    assert created.status_code == 201, created.text
    response = post(service, DEATHS, service_token(service), death(husband))
    assert response.status_code == 201, response.text
    listed = service.get("/sandbox/events", params={"pin": MOTHER}, headers=CONTROL)
    events = [e for e in listed.json()["events"] if e["client_id"] == "portal"]
    assert [e["event_type"] for e in events] == [ACCOUNT_DISABLED]
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
