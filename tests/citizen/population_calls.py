"""A provider with its sandbox on over a persona population (SQLite or PostgreSQL), the repository's
clients file (the ``portal`` is licensed for ``population_registration``), and the calls the
population service's tests make: a citizen's token by headless login at a level, the service's token
by the client credentials grant, a registration."""

import base64
import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import DEFAULT_CLIENTS_FILE
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres

SANDBOX = "population-sandbox-token"
CONTROL = {"Authorization": f"Bearer {SANDBOX}"}
PORTAL = ("portal", "portal-sandbox-secret")
REDIRECT = "http://127.0.0.1:8001/callback"
FATHER = "001088999001"
"""level2-full: a married man, head of household 0199990001 in Hà Nội."""
MOTHER = "031190999002"
"""level2-spouse: his wife, level 2."""
SON = "001216999003"
LEVEL1 = "079195999004"
LOCKED = "040183999006"
DECEASED = "036140999008"
FOREIGNER = "079087999009"
BIRTHS = "/api/population/births"
DEATHS = "/api/population/deaths"


def provider_at(root: Path, url: str) -> IdPSettings:
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password="Vneid@2025", passcode="246810")
    engine.dispose()
    return IdPSettings(
        database_url=url,
        issuer="http://testserver",
        keys_dir=root / "keys",
        clients_file=DEFAULT_CLIENTS_FILE,
        login_rate_per_ip=1_000_000,
        login_rate_per_account=1_000_000,
        sandbox_api=True,
        sandbox_token=SecretStr(SANDBOX),
        access_log=False,
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def population_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IdPSettings]:
    root = tmp_path_factory.mktemp("population")
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'p.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    yield provider_at(root, url)
    if request.param == "postgresql":
        drop_postgres(url)


@pytest.fixture
def service(population_settings: IdPSettings) -> Iterator[TestClient]:
    """The provider; every registration and change is undone by a reset after the test."""
    with TestClient(create_app(population_settings), follow_redirects=False) as client:
        yield client
        assert client.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204


def citizen_token(
    client: TestClient, pin: str, acr: str = "LoA3", client_id: str = "portal"
) -> str:
    """The access token of a real code flow for ``pin`` at ``acr``, finished headlessly."""
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
        "acr_values": acr,
        "login_hint": pin,
    }
    response = client.get("/authorize", params=params, headers=CONTROL)
    client.cookies.clear()
    assert response.status_code in (302, 303), response.text
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    tokens = client.post("/token", data=data, auth=PORTAL)
    assert tokens.status_code == 200, tokens.text
    token: str = tokens.json()["access_token"]
    return token


def service_token(client: TestClient, scope: str = "population_registration") -> str:
    data = {"grant_type": "client_credentials", "scope": scope}
    response = client.post("/token", data=data, auth=PORTAL)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def child(**fields: Any) -> dict[str, Any]:
    declared = {
        "family_name": "Nguyễn",
        "middle_name": "Minh",
        "given_name": "An",
        "sex": "female",
        "birth_date": "2026-06-20",
        "birth_ward_code": 70,
    }
    return {**declared, **fields}


def birth(declarant_token: str, **members: Any) -> dict[str, Any]:
    body = {
        "request_id": secrets.token_urlsafe(12),
        "declarant_token": declarant_token,
        "child": child(),
        "other_parent_pin": MOTHER,
    }
    return {**body, **members}


def post(client: TestClient, path: str, token: str, body: Any) -> Any:
    return client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
