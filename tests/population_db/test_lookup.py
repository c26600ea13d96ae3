"""Looking a citizen up by PIN with every linked record, or with only some of them (``parts``), and the
password form's one-statement lookup of the citizen and the account (:func:`find_account_holder`).

Statements are counted on SQLite with a ``before_cursor_execute`` listener on the connection (on
PostgreSQL the full lookup's statements go through psycopg's pipeline, beneath SQLAlchemy's events).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy import event
from sqlalchemy import text

from idp.population_db.lookup import EVERY_PART
from idp.population_db.lookup import LICENCES
from idp.population_db.lookup import RELATIVES
from idp.population_db.lookup import RESIDENCES
from idp.population_db.lookup import VEHICLES
from idp.population_db.lookup import CitizenRecord
from idp.population_db.lookup import find_account_holder
from idp.population_db.lookup import find_citizen
from tests.population_db.conftest import Population

LEVEL2_FULL = "001088999001"  # head of a household with a child, two licences, two vehicles
FOREIGN_RESIDENT = "079087999009"  # a temporary residence
NO_ACCOUNT = "048079999005"
UNKNOWN = "001088000000"


def test_unknown_pin_is_none(population: Population) -> None:
    with population.engine.connect() as connection:
        assert find_citizen(connection, "001088000000") is None


def test_a_generated_citizen_with_temporary_residence(population: Population) -> None:
    with population.engine.connect() as connection:
        pin = connection.execute(
            text("SELECT min(pin) FROM residence WHERE kind = 'temporary'")
        ).scalar_one()
    with population.engine.connect() as connection:
        record = find_citizen(connection, pin)
    assert record is not None
    assert record.temporary is not None
    assert record.current == record.temporary
    assert record.permanent.ward_code == record.household.ward_code


def test_permanent_residence_is_the_household_address(population: Population) -> None:
    with population.engine.connect() as connection:
        pin = connection.execute(
            text(
                "SELECT min(c.pin) FROM citizen c LEFT JOIN residence r ON r.pin = c.pin "
                "WHERE r.pin IS NULL"
            )
        ).scalar_one()
    with population.engine.connect() as connection:
        record = find_citizen(connection, pin)
    assert record is not None
    assert record.temporary is None
    assert record.current == record.permanent
    assert record.permanent.street_address == record.household.street_address


def _current_resident(population: Population) -> str:
    """A generated citizen with a current place of living of its own (a ``current`` residence row)."""
    with population.engine.connect() as connection:
        pin: str = connection.execute(
            text("SELECT min(pin) FROM residence WHERE kind = 'current'")
        ).scalar_one()
    return pin


def _lookup(population: Population, pin: str, parts: frozenset[str] = EVERY_PART) -> CitizenRecord:
    with population.engine.connect() as connection:
        record = find_citizen(connection, pin, parts)
    assert record is not None
    return record


def _core(record: CitizenRecord) -> tuple[Any, ...]:
    """What every lookup brings, whatever its parts."""
    return (
        record.citizen,
        record.household,
        record.permanent,
        record.card,
        record.insurance,
        record.account,
    )


def _part(record: CitizenRecord, part: str) -> tuple[Any, ...]:
    """The fields of the record that the linked records of ``part`` fill."""
    return {
        RELATIVES: (record.household_members, record.children),
        RESIDENCES: (record.temporary, record.current),
        LICENCES: (record.licences,),
        VEHICLES: (record.vehicles,),
    }[part]


def test_a_lookup_without_parts_has_the_core_and_nothing_linked(population: Population) -> None:
    for pin in (LEVEL2_FULL, FOREIGN_RESIDENT, _current_resident(population)):
        full, bare = _lookup(population, pin), _lookup(population, pin, frozenset())
        assert _core(bare) == _core(full)
        assert (bare.household_members, bare.children) == ((), ())
        assert (bare.licences, bare.vehicles) == ((), ())
        assert bare.temporary is None
        assert bare.current == bare.permanent


def test_the_persona_has_every_part(population: Population) -> None:
    """The personas the part tests compare with do have records of each part."""
    full = _lookup(population, LEVEL2_FULL)
    assert full.card is not None
    assert full.insurance is not None
    assert full.account is not None
    assert len(full.household_members) == 2
    assert [child.pin for child in full.children] == ["001216999003"]
    assert len(full.licences) == 2
    assert len(full.vehicles) == 2
    foreign = _lookup(population, FOREIGN_RESIDENT)
    assert foreign.temporary is not None
    assert foreign.current == foreign.temporary
    assert _lookup(population, _current_resident(population)).current != foreign.permanent


@pytest.mark.parametrize("part", sorted(EVERY_PART))
def test_each_part_brings_exactly_its_records(population: Population, part: str) -> None:
    others = EVERY_PART - {part}
    exercised = False
    for pin in (LEVEL2_FULL, FOREIGN_RESIDENT, _current_resident(population)):
        full, bare = _lookup(population, pin), _lookup(population, pin, frozenset())
        single = _lookup(population, pin, frozenset({part}))
        assert _core(single) == _core(full)
        assert _part(single, part) == _part(full, part)
        for other in others:
            assert _part(single, other) == _part(bare, other), other
        exercised |= _part(full, part) != _part(bare, part)
    assert exercised, f"no citizen here has {part} records"


def test_the_account_holder_is_the_citizen_and_the_account(population: Population) -> None:
    for pin in (LEVEL2_FULL, FOREIGN_RESIDENT, _current_resident(population)):
        with population.engine.connect() as connection:
            holder = find_account_holder(connection, pin)
            record = find_citizen(connection, pin)
        assert holder is not None
        assert record is not None
        assert holder.citizen == record.citizen
        assert holder.account == record.account
    with population.engine.connect() as connection:
        holder = find_account_holder(connection, LEVEL2_FULL)
    assert holder is not None
    assert holder.account is not None
    assert holder.account.pin == LEVEL2_FULL
    assert holder.account.password_hash.startswith("$argon2id$")


def test_the_account_holder_of_an_unknown_pin_is_none(population: Population) -> None:
    with population.engine.connect() as connection:
        assert find_account_holder(connection, UNKNOWN) is None


def test_a_citizen_without_an_account_holds_none(population: Population) -> None:
    with population.engine.connect() as connection:
        holder = find_account_holder(connection, NO_ACCOUNT)
        record = find_citizen(connection, NO_ACCOUNT)
    assert holder is not None
    assert record is not None
    assert holder.citizen == record.citizen
    assert holder.citizen.pin == NO_ACCOUNT
    assert holder.account is None


@contextmanager
def _statements(connection: Connection) -> Iterator[list[str]]:
    """The SQL statements executed on ``connection`` inside the block."""
    executed: list[str] = []

    def count(*args: Any) -> None:
        executed.append(str(args[2]))  # (connection, cursor, statement, parameters, context, many)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield executed
    finally:
        event.remove(connection, "before_cursor_execute", count)


@pytest.mark.parametrize("population", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (frozenset(), 1),
        (frozenset({RELATIVES}), 2),
        (frozenset({RESIDENCES, VEHICLES}), 3),
        (EVERY_PART, 5),
    ],
)
def test_statements_of_a_lookup(
    population: Population, parts: frozenset[str], expected: int
) -> None:
    with population.engine.connect() as connection, _statements(connection) as executed:
        assert find_citizen(connection, LEVEL2_FULL, parts) is not None
    assert len(executed) == expected, executed


@pytest.mark.parametrize("population", ["sqlite"], indirect=True)
@pytest.mark.parametrize("pin", [LEVEL2_FULL, NO_ACCOUNT, UNKNOWN])
def test_the_account_holder_is_one_statement(population: Population, pin: str) -> None:
    with population.engine.connect() as connection, _statements(connection) as executed:
        find_account_holder(connection, pin)
    assert len(executed) == 1, executed
