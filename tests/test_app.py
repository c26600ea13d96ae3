"""The identity provider app: built from settings, serving its health endpoint."""

from pathlib import Path

from fastapi.testclient import TestClient

from idp.app import create_app
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings


def test_health_of_an_empty_database(tmp_path: Path) -> None:
    settings = IdPSettings(database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}", keys_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "issuer": settings.issuer, "population": None}


def test_health_counts_the_population(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    seed_population(connect(url), count=20, seed=1, password="p", passcode="1")
    with TestClient(create_app(IdPSettings(database_url=url, keys_dir=tmp_path))) as client:
        assert client.get("/healthz").json()["population"] == 29
