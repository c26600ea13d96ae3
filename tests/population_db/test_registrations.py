"""The registrations' tables (:mod:`idp.population_db.registrations`) on SQLite and PostgreSQL: the
deaths come back in the order they were registered whatever their dates and the order of their rows,
a claim without an undo reads as nothing to undo, one death per deceased, and a table of the first
shape is made again when empty."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from idp.population_db.registrations import DEATHS
from idp.population_db.registrations import create_registration_tables
from idp.population_db.registrations import registered_deaths
from tests.conftest import open_engine

DAY = date(2026, 7, 1)


@pytest.fixture
def engine(empty_database: str, engine_for: list[Engine]) -> Engine:
    engine = open_engine(empty_database, engine_for)
    create_registration_tables(engine)
    return engine


def _death(request_id: str, sequence: int, pin: str, undo: str, **values: Any) -> dict[str, Any]:
    row = {
        "client_id": "portal", "request_id": request_id, "sequence": sequence,
        "body_digest": "0" * 64, "deceased_pin": pin, "declarant_pin": "001088999001",
        "died_on": DAY, "registered_on": DAY, "answer": "", "undo": undo,
    }  # fmt: skip
    return {**row, **values}


def test_deaths_of_one_day_come_back_in_the_order_they_were_registered(engine: Engine) -> None:
    with engine.begin() as connection:
        for request_id, sequence, pin in (("b", 3, "000000000003"), ("a", 1, "000000000001")):
            connection.execute(insert(DEATHS).values(_death(request_id, sequence, pin, "{}")))
        connection.execute(
            insert(DEATHS).values(
                _death(
                    "c", 2, "000000000002", '{"deceased_on": null}', registered_on=date(2027, 1, 1)
                )
            )
        )
    with engine.connect() as connection:
        deaths = registered_deaths(connection)
    assert [pin for pin, _ in deaths] == ["000000000001", "000000000002", "000000000003"]
    assert deaths[1][1] == {"deceased_on": None}


def test_a_claim_without_an_undo_has_nothing_to_undo(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(DEATHS).values(_death("a", 1, "000000000001", "")))
    with engine.connect() as connection:
        assert registered_deaths(connection) == [("000000000001", {})]


def test_a_citizen_dies_once(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(DEATHS).values(_death("a", 1, "000000000001", "{}")))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(DEATHS).values(_death("b", 2, "000000000001", "{}")))


def test_an_empty_table_of_the_first_shape_is_made_again(engine: Engine) -> None:
    with engine.begin() as connection:
        DEATHS.drop(connection)
        connection.execute(
            text(
                "CREATE TABLE deathregistration (client_id VARCHAR(100), request_id VARCHAR(64), "
                "body_digest VARCHAR(64), deceased_pin VARCHAR(12), declarant_pin VARCHAR(12), "
                "died_on DATE, registered_on DATE, answer TEXT, undo TEXT, "
                "PRIMARY KEY (client_id, request_id))"
            )
        )
    create_registration_tables(engine)
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("deathregistration")}
    assert "sequence" in columns
