"""Death registration through the population service, on SQLite and PostgreSQL: a relative declares,
the account is locked with the reason ``deceased``, the permanent residence removed, the population
check clean; the field errors; the resubmit; and the sandbox's reset that cancels the death."""

import json
import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy import text

from idp.citizen import deaths
from idp.citizen.deaths import register_death
from idp.oidc.answer import Answer
from idp.oidc.server import AuthorizationServer
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.population_db.invariants import check_population
from idp.population_db.registrations import DEATHS as DEATH_ROWS
from idp.population_db.registrations import registered_deaths
from idp.state.audit import DEATH_REGISTRATION
from idp.state.audit import events_for
from tests.citizen.population_calls import BIRTHS
from tests.citizen.population_calls import CONTROL
from tests.citizen.population_calls import DEATHS
from tests.citizen.population_calls import FATHER
from tests.citizen.population_calls import LEVEL1
from tests.citizen.population_calls import MOTHER
from tests.citizen.population_calls import SON
from tests.citizen.population_calls import birth
from tests.citizen.population_calls import child
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
    """A death's body; its key names the deceased and the day, so that the same call is a resubmit."""
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


def _race(server: AuthorizationServer, token: str, bodies: list[bytes]) -> list[Answer]:
    answers: list[Any] = [None] * len(bodies)
    start = threading.Barrier(len(bodies))

    def call(index: int) -> None:
        start.wait()
        answers[index] = register_death(server, f"Bearer {token}", bodies[index])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_racing_requests_of_other_keys_register_one_death(service: TestClient) -> None:
    """Four requests for the same death under four keys, at once: one registers it, the others are
    told the death is registered already."""
    token, husband = service_token(service), citizen_token(service, FATHER)
    bodies = [json.dumps(death(husband, request_id=f"race-{i}")).encode() for i in range(4)]
    answers = _race(server_of(service), token, bodies)
    assert sorted(a.status for a in answers) == [201, 400, 400, 400]
    for refused in (a for a in answers if a.status == 400):
        errors = json.loads(refused.body)["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("deceased_pin", "already_deceased")]
    assert (
        one(service, "SELECT count(*) FROM deathregistration WHERE deceased_pin = :p", p=MOTHER)[0]
        == 1
    )
    assert list(check_population(server_of(service).engine)) == []


def test_a_death_being_registered_is_not_registered_again(service: TestClient) -> None:
    """Another client's request still registering the death (its claim made, the death not yet
    recorded) keeps a second request from registering it too."""
    token, husband = service_token(service), citizen_token(service, FATHER)
    with server_of(service).engine.begin() as connection:
        connection.execute(
            insert(DEATH_ROWS).values(
                client_id="another", request_id="pending", sequence=1, body_digest="0" * 64,
                deceased_pin=MOTHER, declarant_pin=SON, died_on=date(2026, 6, 30),
                registered_on=date(2026, 7, 1), answer="", undo='{"deceased_on": null}',
            )
        )  # fmt: skip
    assert codes(post(service, DEATHS, token, death(husband))) == {
        ("deceased_pin", "already_deceased")
    }
    assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0] is None


def _declared(client: TestClient) -> int:
    events = events_for(server_of(client).engine, FATHER, DEATH_REGISTRATION)
    return sum(e.outcome == "declarant" for e in events)


def test_a_retry_after_a_failure_past_the_change_gets_the_answer(
    service: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The death recorded, its answer not written (the database failed in between): a retry of the
    same request answers it, another key is refused, and the reset cancels the death."""
    token, husband = service_token(service), citizen_token(service, FATHER)
    finish, failures = deaths._finish, [RuntimeError("the database went away")]

    def failing(*args: Any) -> Any:
        if failures:
            raise failures.pop()
        return finish(*args)

    monkeypatch.setattr(deaths, "_finish", failing)
    declared = _declared(service)
    body = json.dumps(death(husband)).encode()
    with pytest.raises(RuntimeError):
        register_death(server_of(service), f"Bearer {token}", body)
    assert str(one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0]) == (
        "2026-06-30"
    )
    again = post(service, DEATHS, token, death(husband))
    assert again.status_code == 200, again.text
    assert again.json()["deceased"]["died_on"] == "2026-06-30"
    assert again.json()["account"] == {"status": "locked", "lock_reason": "deceased"}
    assert post(service, DEATHS, token, death(husband)).json() == again.json()
    assert _declared(service) == declared + 1  # the audit rows written once
    other = post(service, DEATHS, token, death(husband, request_id="another-key"))
    assert codes(other) == {("deceased_pin", "already_deceased")}
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0] is None
    account = one(service, "SELECT status, lock_reason FROM vneidaccount WHERE pin = :p", p=MOTHER)
    assert tuple(account) == ("active", None)
    assert list(check_population(server_of(service).engine)) == []


def test_the_reset_undoes_an_unlock_after_the_death_before_cancelling_it(
    service: TestClient,
) -> None:
    token, husband = service_token(service), citizen_token(service, FATHER)
    assert post(service, DEATHS, token, death(husband)).status_code == 201
    unlocked = service.patch(
        f"/sandbox/citizens/{MOTHER}", json={"account_status": "active"}, headers=CONTROL
    )
    assert unlocked.status_code == 200, unlocked.text
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    account = one(service, "SELECT status, lock_reason FROM vneidaccount WHERE pin = :p", p=MOTHER)
    assert tuple(account) == ("active", None)
    assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0] is None
    assert list(check_population(server_of(service).engine)) == []


def test_the_reset_cancels_same_day_deaths_newest_first(service: TestClient) -> None:
    token, husband = service_token(service), citizen_token(service, FATHER)
    for pin in (MOTHER, SON):
        assert post(service, DEATHS, token, death(husband, pin=pin)).status_code == 201
    with server_of(service).engine.connect() as connection:
        assert [pin for pin, _ in registered_deaths(connection)] == [MOTHER, SON]
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    for pin in (MOTHER, SON):
        assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=pin)[0] is None
    assert list(check_population(server_of(service).engine)) == []


def test_a_death_before_the_citizens_records_is_refused(service: TestClient) -> None:
    """The mother's health insurance card is valid from 2026-01-01: she cannot have died before."""
    token, husband = service_token(service), citizen_token(service, FATHER)
    assert codes(post(service, DEATHS, token, death(husband, died_on="2025-12-31"))) == {
        ("died_on", "before_records")
    }
    assert one(service, "SELECT deceased_on FROM citizen WHERE pin = :p", p=MOTHER)[0] is None
    assert post(service, DEATHS, token, death(husband, died_on="2026-01-01")).status_code == 201


def test_a_parent_dies_after_the_youngest_childs_birth_or_300_days_before(
    service: TestClient,
) -> None:
    """A year on, a daughter born 2027-06-20: her mother cannot have died before, her father not more
    than 300 days before (2026-08-24)."""
    a_year = {"action": "advance", "seconds": 365 * 86400}
    assert service.post("/sandbox/clock", json=a_year, headers=CONTROL).is_success
    token = service_token(service)
    husband, wife = citizen_token(service, FATHER), citizen_token(service, MOTHER)
    daughter = birth(husband, child=child(birth_date="2027-06-20"))
    assert post(service, BIRTHS, token, daughter).status_code == 201
    assert codes(post(service, DEATHS, token, death(husband, died_on="2027-06-19"))) == {
        ("died_on", "before_child")
    }
    assert codes(post(service, DEATHS, token, death(wife, pin=FATHER, died_on="2026-08-23"))) == {
        ("died_on", "before_child")
    }
    father = post(service, DEATHS, token, death(wife, pin=FATHER, died_on="2026-08-24"))
    assert father.status_code == 201, father.text
    assert list(check_population(server_of(service).engine, today=date(2027, 7, 1))) == []


def test_a_resubmission_with_a_refreshed_token_is_the_same_request(service: TestClient) -> None:
    token, wife = service_token(service), citizen_token(service, MOTHER)
    first = post(service, DEATHS, token, death(citizen_token(service, FATHER), pin=SON))
    refreshed = post(service, DEATHS, token, death(citizen_token(service, FATHER), pin=SON))
    assert (first.status_code, refreshed.status_code) == (201, 200)
    assert refreshed.json() == first.json()
    other = post(service, DEATHS, token, death(wife, pin=SON))
    assert other.status_code == 409, other.text
