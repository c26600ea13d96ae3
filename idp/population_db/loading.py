"""Bulk loading of generated rows: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

A batch is written in one transaction together with the progress record, so a seeding run that dies leaves
only whole households behind and can resume where it stopped. For PostgreSQL the generator processes
render each batch as ``COPY`` text themselves (:func:`encode_for_copy`), so the process that talks to the
server only forwards bytes.
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
        connection.exec_driver_sql("PRAGMA cache_size=-65536")
        # No memory map while loading: building the indexes reads every table, and mapped pages count
        # as the process's resident memory (the whole database, 700 MB for a million citizens).
        connection.exec_driver_sql("PRAGMA mmap_size=0")
    connection.commit()


def write_batch(connection: Connection, batch: Batch) -> None:
    """Insert every row of ``batch`` through ``connection`` (inside the caller's transaction)."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        if batch.copy_text is None:
            encode_for_copy(batch)
        assert batch.copy_text is not None
        _copy(driver, batch.copy_text)
    else:
        _executemany(driver, batch.by_table().items())


# PostgreSQL COPY text format: tab-separated, \N for NULL, backslash escapes for the separators.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def encode_for_copy(batch: Batch) -> None:
    """Render every table of ``batch`` as COPY text and drop the rows (only their count stays)."""
    batch.copy_text = {
        table: "".join("\t".join(map(_copy_field, row)) + "\n" for row in rows).encode()
        for table, rows in batch.by_table().items()
        if rows
    }
    batch.drop_rows()


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


def _copy(driver: Any, tables: dict[str, bytes]) -> None:
    with driver.cursor() as cursor:
        for table, payload in tables.items():
            with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                copy.write(payload)
