"""The personas in a SQLite population of their own: the wallet is built from their records."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("citizen") / "population.sqlite3"
    engine = connect(f"sqlite:///{path}")
    seed_population(engine, count=0, seed=1, password="Vneid@2025", passcode="246810")
    yield engine
    engine.dispose()
