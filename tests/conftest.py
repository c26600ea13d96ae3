"""Shared fixtures: databases on both backends (SQLite files and a fresh PostgreSQL database)."""

import os
import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text

from idp.population_db import credentials
from idp.population_db.database import connect
from idp.state.clock import Clock
from idp.state.memory_store import MemoryStateStore
from idp.state.redis_store import RedisStateStore
from idp.state.sql_store import SqlStateStore
from idp.state.store import StateStore
from tests.argon2_calls import Counter

T = TypeVar("T")
REDIS_URL = os.environ.get("VNEID_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

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


def race(action: Callable[[int], T], racers: int = 8) -> list[T]:
    """Run ``action(0)`` … ``action(racers - 1)`` in threads released at once; their results."""
    barrier = threading.Barrier(racers)
    results: list[T] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        result = action(index)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@contextmanager
def opened_store(
    kind: str, clock: Clock, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[StateStore]:
    """A state store of ``kind`` (memory, sqlite, postgresql, redis) on its own empty space, telling
    time by ``clock`` (Redis by its own); its space is removed afterwards."""
    if kind == "memory":
        yield MemoryStateStore(clock)
        return
    if kind == "redis":
        redis_store = RedisStateStore(REDIS_URL, f"test-{uuid.uuid4().hex}:")
        yield redis_store
        for key in redis_store.client.scan_iter(f"{redis_store.prefix}*"):
            redis_store.client.delete(key)
        return
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    try:
        yield SqlStateStore(engine, clock)
    finally:
        engine.dispose()
        if kind == "postgresql":
            drop_postgres(url)


@pytest.fixture(params=["memory", "sqlite", "postgresql", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Each state store on its own empty space: memory, SQLite, PostgreSQL and Redis (real servers)."""
    with opened_store(request.param, Clock(), request, tmp_path) as opened:
        yield opened
