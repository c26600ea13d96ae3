"""RFC 6749 §4.1.2: of concurrent redemptions of one code at most one succeeds, on SQLite and
PostgreSQL (the store's atomic spend)."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.web.app import create_app
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_client(
    request: pytest.FixtureRequest, env: Env, tmp_path: Path
) -> Iterator[TestClient]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode="246810")
    engine.dispose()
    settings = env.settings.model_copy(update={"database_url": url})
    try:
        with TestClient(create_app(settings), follow_redirects=False) as test_client:
            yield test_client
    finally:
        if request.param == "postgresql":
            drop_postgres(url)


def _race(client: TestClient, env: Env, data: dict[str, str], racers: int = 4) -> list[int]:
    """The statuses of ``racers`` simultaneous token requests with ``data``."""
    barrier = threading.Barrier(racers)
    statuses: list[int] = []

    def redeem() -> None:
        barrier.wait()
        response = client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=redeem) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_concurrent_redemptions_of_one_code_at_most_one_succeeds(
    backend_client: TestClient, env: Env
) -> None:
    """Redemptions run on the thread pool, so they truly race in one process too: at most one gets
    tokens (and a loser revokes them: tests/oidc/test_replay_races.py), every other is refused."""
    for _ in range(3):
        backend_client.cookies.clear()
        code, verifier = get_code(backend_client)
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        data["code_verifier"] = verifier
        statuses = _race(backend_client, env, data)
        assert statuses.count(200) <= 1
        assert statuses.count(400) >= 3
