"""Engines for the population database: any SQLAlchemy URL, SQLite by default, PostgreSQL in distributed mode.

The schema is created from the SQLModel metadata; SQLite gets the pragmas that make it a sound embedded store
(WAL, foreign keys). Tables are created under the database's schema lock (:func:`create_tables`), so that
several processes starting at once on an empty database create each table exactly once.
"""

import functools
import importlib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.exc import ArgumentError
from sqlalchemy.schema import CreateTable
from sqlmodel import SQLModel
from sqlmodel import create_engine

from idp.population_db import models


class DatabaseURLError(ValueError):
    """The database URL cannot be parsed or names a driver that is not installed."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # 4 KiB pages, SQLite's default (it only takes effect on a new file): each commit of a sign-in writes
    # whole pages to the WAL, and 16 KiB pages made a complete code flow about 4 % dearer, while seeding
    # 100,000 citizens took the same time with either (bench/RESULTS.md).
    cursor.execute("PRAGMA page_size=4096")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Reads go through a memory map instead of a read() per page: lookups by PIN touch a few dozen pages.
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


def connect(url: str) -> Engine:
    """Return an engine for ``url``; a SQLite file's folder is created when missing."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"not a database URL: {url!r}") from exc
    if parsed.drivername.startswith("postgresql") and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseURLError(f"unsupported database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


SCHEMA_LOCK = 0x766E6569645F6D6B  # "vneid_mk": the advisory lock of PostgreSQL schema changes


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's schema lock until it ends: concurrent holders, in any
    process, run one after the other, and each sees what the previous one created. PostgreSQL: a
    transaction-scoped advisory lock; SQLite: ``BEGIN IMMEDIATE``, its write lock (waited for up to the
    driver's busy timeout), whose transaction the DDL joins."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


@functools.cache
def dialect_insert(dialect: str) -> Callable[[Table], Any]:
    """The ``INSERT`` of ``dialect`` (``sqlite`` or ``postgresql``), the one with ``ON CONFLICT``;
    the dialect's module is imported at its first use, so a provider on SQLite never loads
    PostgreSQL's (a tenth of a second of every start)."""
    insert: Callable[[Table], Any] = importlib.import_module(
        f"sqlalchemy.dialects.{dialect}"
    ).insert
    return insert


def create_tables(engine: Engine, tables: Iterable[Table]) -> None:
    """Create each of ``tables`` (and its indexes) unless it exists, under the schema lock."""
    with schema_lock(engine) as connection:
        for table in tables:
            table.create(connection, checkfirst=True)


def create_schema(engine: Engine, *, indexes: bool = True) -> None:
    """Create every table of the population database that does not exist yet.

    Bulk loading passes ``indexes=False`` and calls :func:`create_indexes` once the rows are in: building
    an index over sorted data is many times faster than maintaining it row by row.
    """
    with schema_lock(engine) as connection:
        existing = set(inspect(connection).get_table_names())
        for table in models.population_tables():
            if table.name not in existing:
                connection.execute(CreateTable(table))
        if indexes:
            create_indexes(connection)


def create_indexes(connection: Connection) -> None:
    """Create the secondary (and unique) indexes that do not exist yet."""
    for table in models.population_tables():
        for index in table.indexes:
            index.create(connection, checkfirst=True)


def drop_schema(engine: Engine) -> None:
    """Drop every table of the population database (``population seed --reset``)."""
    SQLModel.metadata.drop_all(engine, tables=models.population_tables())
