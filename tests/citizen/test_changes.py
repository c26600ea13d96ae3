"""Changes to a citizen's record, on SQLite and on PostgreSQL: each field changed and given back by the
values the change returns, every refused change writing nothing (a phone another citizen holds is
refused by the database's unique index, inside the change's transaction); the identity card renewed,
revoked, and put back by what those changes return, in any order."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from idp.citizen.changes import InvalidChangeError
from idp.citizen.changes import NoSuchCitizenError
from idp.citizen.changes import change_citizen
from idp.citizen.changes import citizen_view
from idp.population_db.seeding import seed_population
from tests.conftest import open_engine

PIN, SPOUSE = "001088999001", "031190999002"
TODAY = date(2026, 3, 2)
NO_CARD_PIN = "079087999009"  # the foreign resident: no Vietnamese identity card
DECEASED_PIN = "036140999008"


@pytest.fixture
def population(empty_database: str, engine_for: list[Engine]) -> Engine:
    engine = open_engine(empty_database, engine_for)
    seed_population(engine, count=0, seed=1, password="Vneid@2025", passcode="246810")
    return engine


def test_each_change_is_made_and_undone_by_what_it_returns(population: Engine) -> None:
    before = citizen_view(population, PIN)
    address = {"province_code": 1, "ward_code": 4, "street_address": "Số 1 Tràng Tiền"}
    changes: dict[str, Any] = {
        "account_status": "locked",
        "account_level": 1,
        "phone_number": None,
        "address": address,
        "deceased_on": "2030-01-01",
    }
    replaced = change_citizen(population, PIN, changes, today=TODAY)
    after = citizen_view(population, PIN)
    assert {field: after[field] for field in changes} == changes
    assert replaced == {field: before[field] for field in changes}
    change_citizen(population, PIN, replaced, today=TODAY)
    assert citizen_view(population, PIN) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"account_level": 3},
        {"account_status": "gone"},
        {"phone_number": "+84919990001"},
        {"address": {"province_code": 1, "ward_code": 4}},
        {"address": {"province_code": 79, "ward_code": 4, "street_address": "x"}},
        {"deceased_on": "2030-02-30"},
        {"account_level": 1, "unknown": True},
    ],
)
def test_a_refused_change_writes_nothing(population: Engine, changes: dict[str, Any]) -> None:
    before = citizen_view(population, PIN)
    with pytest.raises(InvalidChangeError):
        change_citizen(population, PIN, changes, today=TODAY)
    assert citizen_view(population, PIN) == before


def test_a_phone_another_citizen_holds_is_refused_and_nothing_is_written(
    population: Engine,
) -> None:
    before = citizen_view(population, PIN)
    taken = citizen_view(population, SPOUSE)["phone_number"]
    with pytest.raises(InvalidChangeError, match="another citizen"):
        change_citizen(population, PIN, {"account_level": 1, "phone_number": taken}, today=TODAY)
    assert citizen_view(population, PIN) == before


def test_an_unknown_citizen(population: Engine) -> None:
    with pytest.raises(NoSuchCitizenError):
        citizen_view(population, "000000000000")
    with pytest.raises(NoSuchCitizenError):
        change_citizen(population, "000000000000", {"account_level": 1}, today=TODAY)


def test_the_view_shows_the_card(population: Engine) -> None:
    assert citizen_view(population, PIN)["card"] == {
        "generation": "can_cuoc",
        "issued_on": "2024-09-10",
        "expires_on": "2028-03-15",
        "issued_by": "Bộ Công an",
        "revoked": None,
    }
    assert citizen_view(population, NO_CARD_PIN)["card"] is None


def test_a_renewal_issues_a_new_card_today_and_its_undo_puts_the_old_one_back(
    population: Engine,
) -> None:
    expired = "034064999007"  # born 5 Oct 1964: renewed at 61, the new card is valid for life
    before = citizen_view(population, expired)
    replaced = change_citizen(population, expired, {"card": {"action": "renew"}}, today=TODAY)
    assert replaced == {"card": before["card"]}
    assert citizen_view(population, expired)["card"] == {
        "generation": "can_cuoc",
        "issued_on": "2026-03-02",
        "expires_on": None,
        "issued_by": "Bộ Công an",
        "revoked": None,
    }
    renewed = change_citizen(population, PIN, {"card": {"action": "renew"}}, today=TODAY)
    assert citizen_view(population, PIN)["card"]["expires_on"] == "2028-03-15"  # at 40
    change_citizen(population, expired, replaced, today=TODAY)
    change_citizen(population, PIN, renewed, today=TODAY)
    assert citizen_view(population, expired) == before
    assert citizen_view(population, PIN)["card"]["issued_on"] == "2024-09-10"


def test_a_revocation_names_the_card_and_its_undo_lifts_it(population: Engine) -> None:
    before = citizen_view(population, PIN)
    revoke = {"card": {"action": "revoke", "reason": "lost"}}
    revoked = change_citizen(population, PIN, revoke, today=TODAY)
    card = citizen_view(population, PIN)["card"]
    assert card["revoked"] == {"reason": "lost", "revoked_on": "2026-03-02"}
    assert card["issued_on"] == before["card"]["issued_on"]
    change_citizen(population, PIN, revoked, today=TODAY)
    assert citizen_view(population, PIN) == before


@pytest.mark.parametrize("order", ["revoke, then renew", "renew, then revoke"])
def test_a_revoked_and_renewed_card_is_put_back_by_undoing_in_reverse(
    population: Engine, order: str
) -> None:
    before = citizen_view(population, PIN)
    steps: list[dict[str, Any]] = [
        {"card": {"action": "revoke", "reason": "lost"}},
        {"card": {"action": "renew"}},
    ]
    if order.startswith("renew"):
        steps.reverse()
    undo = []
    for day, step in enumerate(steps):
        undo.append(change_citizen(population, PIN, step, today=date(2026, 3, 2 + day)))
    after = citizen_view(population, PIN)["card"]
    assert after["issued_on"] != before["card"]["issued_on"]
    assert (after["revoked"] is None) == order.startswith("revoke")
    for replaced in reversed(undo):
        change_citizen(population, PIN, replaced, today=TODAY)
    assert citizen_view(population, PIN) == before


@pytest.mark.parametrize(
    ("pin", "card", "why"),
    [
        (PIN, {"action": "renew", "reason": "lost"}, "card must be"),
        (PIN, {"action": "revoke"}, "card must be"),
        (PIN, {"action": "revoke", "reason": "bored"}, "reason must be one of"),
        (PIN, {"action": "burn"}, "card must be"),
        (PIN, None, "card must be an action"),
        (PIN, "renew", "card must be an action"),
        (DECEASED_PIN, {"action": "renew"}, "deceased"),
        (NO_CARD_PIN, {"action": "renew"}, "no identity card"),
        (NO_CARD_PIN, {"action": "revoke", "reason": "lost"}, "no identity card"),
    ],
)
def test_a_refused_card_change_writes_nothing(
    population: Engine, pin: str, card: Any, why: str
) -> None:
    before = citizen_view(population, pin)
    with pytest.raises(InvalidChangeError, match=why):
        change_citizen(population, pin, {"account_level": 1, "card": card}, today=TODAY)
    assert citizen_view(population, pin) == before


def test_a_card_is_renewed_once_a_day_and_revoked_once(population: Engine) -> None:
    issued = date.fromisoformat(citizen_view(population, PIN)["card"]["issued_on"])
    with pytest.raises(InvalidChangeError, match="later day"):
        change_citizen(population, PIN, {"card": {"action": "renew"}}, today=issued)
    revoke = {"card": {"action": "revoke", "reason": "damaged"}}
    undo = change_citizen(population, PIN, revoke, today=TODAY)
    with pytest.raises(InvalidChangeError, match="already revoked"):
        change_citizen(population, PIN, revoke, today=TODAY)
    change_citizen(population, PIN, undo, today=TODAY)


@pytest.mark.parametrize(
    ("changed", "why"),
    [
        ({"generation": "paper"}, "generation"),
        ({"issued_on": "2024-02-30"}, "issued_on"),
        ({"issued_on": "1980-01-01"}, "before the citizen's birth"),
        ({"expires_on": "2020-01-01"}, "after card.issued_on"),
        ({"issued_by": ""}, "issued_by"),
        ({"revoked": {"reason": "lost"}}, "revoked must be"),
        ({"revoked": {"reason": "x", "revoked_on": "2025-01-01"}}, "reason must be"),
        ({"revoked": {"reason": "lost", "revoked_on": "soon"}}, "revoked_on"),
        ({"colour": "blue"}, "card must be"),
    ],
)
def test_a_card_set_as_shown_is_checked(
    population: Engine, changed: dict[str, Any], why: str
) -> None:
    before = citizen_view(population, PIN)
    card = {**before["card"], **changed}
    with pytest.raises(InvalidChangeError, match=why):
        change_citizen(population, PIN, {"card": card}, today=TODAY)
    assert citizen_view(population, PIN) == before
