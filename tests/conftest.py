"""Shared fixtures: databases on both backends (SQLite files and a fresh PostgreSQL database)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text

from idp.population_db import credentials
from idp.population_db.database import connect
from tests.argon2_calls import Counter

POSTGRES_ADMIN_URL = os.environ.get(
    "VNEID_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away database on the running PostgreSQL server; its URL."""
    name = f"vneid_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fresh_postgres(server_url: str) -> str:
    """A new, empty schema-less database next to the session's one."""
    name = f"vneid_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(url: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'population.sqlite3'}"
        return
    url = fresh_postgres(request.getfixturevalue("postgres_server"))
    try:
        yield url
    finally:
        drop_postgres(url)


@pytest.fixture
def engine_for() -> Iterator[list[Engine]]:
    """Collects engines a test opens, to dispose of them before the database is dropped."""
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def open_engine(url: str, engines: list[Engine]) -> Engine:
    engine = connect(url)
    engines.append(engine)
    return engine


@pytest.fixture
def argon2(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    monkeypatch.setattr(credentials, "verify_secret", counter)
    return counter
