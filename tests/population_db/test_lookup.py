"""Looking a citizen up by PIN with every linked record."""

from sqlalchemy import text

from idp.population_db.lookup import find_citizen
from tests.population_db.conftest import Population


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
