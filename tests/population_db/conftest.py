"""A 20,000-citizen population of seed 7, seeded once per test session on each backend."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres

POPULATION_SEED = 7
POPULATION_COUNT = 20_000
PASSWORD = "Vneid@2025"
PASSCODE = "246810"


@dataclass(frozen=True)
class Population:
    backend: str
    url: str
    engine: Engine


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def population(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Population]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('population')) / 'p.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    seed_population(
        engine, count=POPULATION_COUNT, seed=POPULATION_SEED, password=PASSWORD, passcode=PASSCODE
    )
    yield Population(request.param, url, engine)
    engine.dispose()
    if request.param == "postgresql":
        drop_postgres(url)
