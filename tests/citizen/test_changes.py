"""Changes to a citizen's record, on SQLite and on PostgreSQL: each field changed and given back by the
values the change returns, every refused change writing nothing (a phone another citizen holds is
refused by the database's unique index, inside the change's transaction)."""

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
    replaced = change_citizen(population, PIN, changes)
    after = citizen_view(population, PIN)
    assert {field: after[field] for field in changes} == changes
    assert replaced == {field: before[field] for field in changes}
    change_citizen(population, PIN, replaced)
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
        change_citizen(population, PIN, changes)
    assert citizen_view(population, PIN) == before


def test_a_phone_another_citizen_holds_is_refused_and_nothing_is_written(
    population: Engine,
) -> None:
    before = citizen_view(population, PIN)
    taken = citizen_view(population, SPOUSE)["phone_number"]
    with pytest.raises(InvalidChangeError, match="another citizen"):
        change_citizen(population, PIN, {"account_level": 1, "phone_number": taken})
    assert citizen_view(population, PIN) == before


def test_an_unknown_citizen(population: Engine) -> None:
    with pytest.raises(NoSuchCitizenError):
        citizen_view(population, "000000000000")
    with pytest.raises(NoSuchCitizenError):
        change_citizen(population, "000000000000", {"account_level": 1})
