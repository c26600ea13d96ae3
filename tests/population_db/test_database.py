"""Tables created under the database's schema lock: several processes (here threads, each with its own
connections) creating the same tables at once on an empty SQLite or PostgreSQL database all succeed,
and each table exists once."""

from functools import partial

from sqlalchemy import Engine
from sqlalchemy import inspect

from idp.login.lockout import COUNTER
from idp.login.sms_inbox import SMS
from idp.population_db.database import connect
from idp.population_db.database import create_schema
from idp.population_db.database import create_tables
from idp.state.audit import AUDIT
from idp.state.sql_store import STATE
from tests.conftest import race

TABLES = [AUDIT, COUNTER, SMS, STATE]


def _create(url: str, _: int) -> str:
    engine = connect(url)
    try:
        create_tables(engine, TABLES)
        create_schema(engine)
    finally:
        engine.dispose()
    return "ok"


def test_concurrent_creation_on_an_empty_database(
    empty_database: str, engine_for: list[Engine]
) -> None:
    assert race(partial(_create, empty_database), racers=6) == ["ok"] * 6
    names = inspect(connect_and_keep(empty_database, engine_for)).get_table_names()
    assert {table.name for table in TABLES} <= set(names)
    assert "citizen" in names


def connect_and_keep(url: str, engines: list[Engine]) -> Engine:
    engine = connect(url)
    engines.append(engine)
    return engine
