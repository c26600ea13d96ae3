"""Bulk loading of generated rows: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

A batch is written in one transaction together with the progress record, so a seeding run that dies leaves
only whole households behind and can resume where it stopped.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from idp.population_db.rows import COLUMNS
from idp.population_db.rows import Batch
from idp.population_db.rows import Row


def bulk_loading(connection: Connection) -> None:
    """Tune a connection for a long run of bulk transactions.

    On SQLite, commits skip fsync (WAL keeps every transaction atomic, so a killed process still leaves
    whole batches; only a power cut can lose the last ones) and the page cache is large enough that
    inserting into the primary-key B-trees rarely reads back from disk.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
        connection.exec_driver_sql("PRAGMA cache_size=-131072")
    connection.commit()


def write_batch(connection: Connection, batch: Batch) -> None:
    """Insert every row of ``batch`` through ``connection`` (inside the caller's transaction)."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        _copy(driver, batch.by_table().items())
    else:
        _executemany(driver, batch.by_table().items())


def _executemany(driver: Any, tables: Iterable[tuple[str, list[Row]]]) -> None:
    cursor = driver.cursor()
    try:
        for table, rows in tables:
            if rows:
                columns = COLUMNS[table]
                placeholders = ", ".join("?" * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
                )
    finally:
        cursor.close()


def _copy(driver: Any, tables: Iterable[tuple[str, list[Row]]]) -> None:
    with driver.cursor() as cursor:
        for table, rows in tables:
            if rows:
                with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
