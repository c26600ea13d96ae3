"""A canonical dump of a population database, to compare two databases row for row."""

from typing import Any

from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.rows import COLUMNS


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every population table, as text, sorted: equal dumps mean identical databases."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table, columns in COLUMNS.items():
            rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table}"))
            tables[table] = sorted(
                tuple(None if v is None else str(v) for v in row) for row in rows
            )
    return tables
