"""The card reader's tests run against the protocol's provider fixtures, and, for what only generated
citizens show (a card made before the age of 6, a change to a citizen after a tap), a provider of their
own over a population with generated citizens."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.web.app import create_app
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import Env
from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents

__all__ = ["client", "env", "forget_consents"]
GENERATED = 400


@pytest.fixture(scope="module")
def populated_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the personas and generated citizens (seed 1), for this module's tests only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('readers') / 'population.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=GENERATED, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    return url


@pytest.fixture
def populated(env: Env, populated_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = env.settings.model_copy(update={"database_url": populated_url})
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client
