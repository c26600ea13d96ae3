"""A provider with its sandbox on, over a seeded population on SQLite and on PostgreSQL, with clients
licensed for Shared Signals, and a real receiver: a small FastAPI app under uvicorn on 127.0.0.1 that
records every SET and logout token it is sent and answers as a test tells it to."""

import json
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi import Request
from fastapi.testclient import TestClient
from jose import jwt as jose_jwt
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy import delete
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.oidc.accounts import subject_for
from idp.oidc.clients import add_client
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.state.consents import CONSENTS
from idp.state.consents import create_consent_table
from idp.state.consents import remember
from idp.state.grant_index import GRANTS
from idp.state.grant_index import create_grant_index_table
from idp.state.signal_outbox import OUTBOX
from idp.state.signal_outbox import create_outbox_table
from idp.state.signal_streams import REMOVED
from idp.state.signal_streams import STREAMS
from idp.state.signal_streams import create_stream_tables
from idp.web.app import create_app
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres
from tests.servers import Served
from tests.servers import free_port

ISSUER = "http://testserver"
REDIRECT = "https://rp.example/cb"
PASSWORD, PASSCODE = "Vneid@2025", "246810"
PIN = "001088999001"  # level 2, active account
SPOUSE = "031190999002"
SANDBOX = "ssf-sandbox-token"
CONTROL = {"Authorization": f"Bearer {SANDBOX}"}
SECRET = "ssf-subject-secret"
DATA_SCOPES = "openid profile address residence eid_card"
LICENSED = ["authorization_code", "client_credentials"]


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    """The receiver's record and its answers: ``answers[path]`` is the status to give (202 unless
    told), a 400 with RFC 8935's JSON."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sets(self, path: str) -> list[str]:
        with self.lock:
            return [r.body for r in self.received if r.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 10.0) -> list[str]:
        """The SETs pushed to ``path`` once there are at least ``count`` (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sets(path)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(self.sets(path))} of {count} events after {timeout}s")

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.answers.clear()


def receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/{path:path}")
    async def receive(path: str, request: Request) -> Response:
        body = (await request.body()).decode()
        path = "/" + path
        with receiver.lock:
            receiver.received.append(Received(path, dict(request.headers), body))
            status = receiver.answers.get(path, 202)
        if status == 400:
            return JSONResponse({"err": "invalid_key", "description": "unknown key"}, 400)
        return Response(status_code=status)

    return app


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    port = free_port()
    found = Receiver(f"http://127.0.0.1:{port}")
    served = Served(receiver_app(found), port=port)
    yield found
    served.stop()


@dataclass
class Env:
    settings: IdPSettings
    secrets: dict[str, str]
    receiver: Receiver


def _clients(path: Path, receiver: Receiver) -> dict[str, str]:
    common = {"redirect_uris": [REDIRECT], "grant_types": LICENSED}
    licensed = f"{DATA_SCOPES} shared_signals"
    made = {
        "news": add_client(
            path,
            "news",
            {
                **common,
                "scope": licensed,
                "backchannel_logout_uri": f"{receiver.url}/logout/news",
            },
        ),
        "pair": add_client(
            path,
            "pair",
            {
                **common,
                "scope": licensed,
                "subject_type": "pairwise",
                "id_token_signed_response_alg": "ES256",
            },
        ),
        "plain": add_client(path, "plain", {**common, "scope": "openid profile shared_signals"}),
        "unlicensed": add_client(path, "unlicensed", {**common, "scope": DATA_SCOPES}),
    }
    return {client_id: secret for client_id, secret in made.items() if secret}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, receiver: Receiver
) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("ssf")
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'db.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    secrets = _clients(root / "clients.json", receiver)
    settings = IdPSettings(
        database_url=url,
        issuer=ISSUER,
        keys_dir=root / "keys",
        clients_file=root / "clients.json",
        sandbox_api=True,
        sandbox_token=SecretStr(SANDBOX),
        subject_secret=SecretStr(SECRET),
        ssf_retry_cap=1.0,
        login_rate_per_ip=1_000_000,
        login_rate_per_account=1_000_000,
    )
    yield Env(settings, secrets, receiver)
    if request.param == "postgresql":
        drop_postgres(url)


@pytest.fixture
def engine(env: Env) -> Iterator[Engine]:
    opened = connect(env.settings.database_url)
    for create in (
        create_consent_table,
        create_grant_index_table,
        create_stream_tables,
        create_outbox_table,
    ):
        create(opened)
    with opened.begin() as connection:
        for table in (OUTBOX, REMOVED, STREAMS, CONSENTS, GRANTS):
            connection.execute(delete(table))
    env.receiver.clear()
    yield opened
    opened.dispose()


@pytest.fixture
def provider(env: Env, engine: Engine) -> Iterator[TestClient]:
    """The provider, its delivery worker running; every citizen change is undone after the test."""
    with TestClient(create_app(env.settings), follow_redirects=False) as test_client:
        yield test_client
        assert test_client.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204


def access_token(
    provider: TestClient, env: Env, client_id: str, scope: str = "shared_signals"
) -> str:
    data = {"grant_type": "client_credentials", "scope": scope}
    response = provider.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_stream(
    provider: TestClient, token: str, endpoint: str, events: list[str], **extra: Any
) -> dict[str, Any]:
    body = {
        "delivery": {"method": "urn:ietf:rfc:8935", "endpoint_url": endpoint, **extra},
        "events_requested": events,
        "description": "test stream",
    }
    response = provider.post("/ssf/streams", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    stream: dict[str, Any] = response.json()
    return stream


def consent(engine: Engine, client_id: str, scopes: str, pin: str = PIN, acr: str = "LoA3") -> None:
    """The citizen shares ``scopes`` with the client (as a consent page would remember it)."""
    remember(engine, pin, client_id, scopes.split(), scopes.split(), acr, at=time.time())


def change(provider: TestClient, pin: str, changes: dict[str, Any]) -> Any:
    return provider.patch(f"/sandbox/citizens/{pin}", json=changes, headers=CONTROL)


def public_sub(pin: str = PIN) -> str:
    return subject_for(pin, SECRET)


Verify = Callable[[str, str], dict[str, Any]]


@pytest.fixture
def verify_set(provider: TestClient) -> Verify:
    """A SET's claims, its signature checked with python-jose against the provider's JWKS."""
    jwks = provider.get("/jwks").json()

    def verify(token: str, audience: str) -> dict[str, Any]:
        header = jose_jwt.get_unverified_header(token)
        assert header["typ"] == "secevent+jwt"
        key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
        claims: dict[str, Any] = jose_jwt.decode(
            token, key, algorithms=[header["alg"]], audience=audience, issuer=ISSUER
        )
        return claims

    return verify


def event_of(claims: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The SET's one event: its type and payload."""
    assert len(claims["events"]) == 1
    ((kind, payload),) = claims["events"].items()
    return kind, payload


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
