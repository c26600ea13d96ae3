"""A small population (the personas and 400 generated citizens), seeded once per test session on each
backend, and the chips of some of its cards."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from idp.chip.card import Chip
from idp.chip.holders import current_chip
from idp.chip.pki import DEFAULT_SEED
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres

PORTRAIT_SECRET = "vneid-mock sandbox subject secret"
HOLDER = "001088999001"
"""The persona level2-full."""


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def cards_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cards') / 'p.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    seed_population(engine, count=400, seed=11, password="Vneid@2025", passcode="246810")
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_postgres(url)


@pytest.fixture(scope="session")
def sqlite_cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The same population on SQLite only, for tests of the files rather than of the lookup."""
    engine = connect(f"sqlite:///{Path(tmp_path_factory.mktemp('cards1')) / 'p.sqlite3'}")
    seed_population(engine, count=400, seed=11, password="Vneid@2025", passcode="246810")
    yield engine
    engine.dispose()


def chip_of(engine: Engine, pin: str, seed: str = DEFAULT_SEED) -> Chip:
    with engine.connect() as connection:
        chip = current_chip(connection, pin, PORTRAIT_SECRET, seed)
    assert chip is not None, pin
    return chip


def cards(engine: Engine) -> list[tuple[str, date, date, date | None]]:
    """Every card: the PIN, the holder's birth date, the issue date and the expiry."""
    query = text(
        "SELECT c.pin, c.birth_date, k.issued_on, k.expires_on FROM citizen c "
        "JOIN identitycard k ON k.pin = c.pin ORDER BY c.pin"
    )
    with engine.connect() as connection:
        return [
            (r[0], _day(r[1]), _day(r[2]), _day(r[3]) if r[3] else None)
            for r in connection.execute(query)
        ]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
