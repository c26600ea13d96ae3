"""Replay detection under concurrency (RFC 6749 §4.1.2, RFC 9700 §4.14.2): the same code, or the same
refresh token, sent at once to two replicas sharing a store (SQLite, PostgreSQL, Redis: real servers) is
honoured at most once, and whoever loses the race revokes the grant, so nothing issued from it survives;
and on every store, memory included, of concurrent spenders of one record exactly one wins."""

import threading
import time
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idp.oidc.models import EndUser
from idp.oidc.token_stores import Grants
from idp.oidc.token_stores import SingleUse
from idp.oidc.tokens import save_token
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.state.redis_store import RedisStateStore
from idp.state.store import StateStore
from idp.web.app import create_app
from tests.conftest import REDIS_URL
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres
from tests.conftest import race
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code
from tests.oidc.conftest import get_tokens

ROUNDS = 12


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def replicas(
    request: pytest.FixtureRequest, env: Env, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two provider replicas, each with its own event loop, sharing one database and state store."""
    url, update = env.settings.database_url, {"state_store_url": "sql"}
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    elif request.param == "postgresql":
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    else:
        update = {"state_store_url": REDIS_URL, "state_store_prefix": f"test-{uuid.uuid4().hex}:"}
    if url != env.settings.database_url:
        engine = connect(url)
        seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
        engine.dispose()
    settings = env.settings.model_copy(update={**update, "database_url": url})
    try:
        with (
            TestClient(create_app(settings), follow_redirects=False) as first,
            TestClient(create_app(settings), follow_redirects=False) as second,
        ):
            yield first, second
    finally:
        if request.param == "postgresql":
            drop_postgres(url)
        if request.param == "redis":
            store = RedisStateStore(REDIS_URL, update["state_store_prefix"])
            for key in store.client.scan_iter(f"{store.prefix}*"):
                store.client.delete(key)


def _at_once(
    replicas: tuple[TestClient, TestClient], data: dict[str, str], env: Env
) -> list[dict[str, Any]]:
    """The token responses of ``data`` posted to both replicas at the same moment."""
    barrier = threading.Barrier(2)
    bodies: list[dict[str, Any]] = []

    def post(replica: TestClient) -> None:
        barrier.wait()
        response = replica.post("/token", data=data, auth=("rp", env.secrets["rp"]))
        assert response.status_code in (200, 400), response.text
        bodies.append(response.json())

    threads = [threading.Thread(target=post, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return bodies


def _nothing_survives(
    replicas: tuple[TestClient, TestClient],
    env: Env,
    bodies: list[dict[str, Any]],
    earlier: tuple[dict[str, Any], ...] = (),
) -> None:
    """At most one of the racing requests got tokens, and none of them, nor the ``earlier`` tokens of
    the same grant, works on either replica."""
    issued = [body for body in bodies if "access_token" in body]
    assert len(issued) <= 1, bodies
    assert all(body.get("error") == "invalid_grant" for body in bodies if body not in issued)
    for body in [*issued, *earlier]:
        for replica in replicas:
            bearer = {"Authorization": f"Bearer {body['access_token']}"}
            assert replica.get("/userinfo", headers=bearer).status_code == 401
            data = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
            refreshed = replica.post("/token", data=data, auth=("rp", env.secrets["rp"]))
            assert refreshed.json()["error"] == "invalid_grant"


def test_one_code_at_two_replicas_at_once_leaves_no_grant(
    replicas: tuple[TestClient, TestClient], env: Env
) -> None:
    for _ in range(ROUNDS):
        replicas[0].cookies.clear()
        code, verifier = get_code(replicas[0])
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        bodies = _at_once(replicas, {**data, "code_verifier": verifier}, env)
        _nothing_survives(replicas, env, bodies)


def test_one_refresh_token_at_two_replicas_at_once_leaves_no_grant(
    replicas: tuple[TestClient, TestClient], env: Env
) -> None:
    for _ in range(ROUNDS):
        replicas[0].cookies.clear()
        tokens = get_tokens(replicas[0], env)
        data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        bodies = _at_once(replicas, data, env)
        _nothing_survives(replicas, env, bodies, earlier=(tokens,))


USER = EndUser(
    pin="001088999001",
    sub="s",
    grant_id="g-1",
    sid="sid",
    auth_time=0,
    acr="LoA1",
    amr=["pwd"],
    account_level=2,
)
RECORD = {"client_id": "rp", "user": USER.as_json(), "claims": None}


def _codes(store: StateStore) -> tuple[Grants, SingleUse]:
    grants = Grants(store)
    return grants, SingleUse.codes(store, grants)


def test_of_concurrent_spenders_exactly_one_wins_and_the_grant_dies(store: StateStore) -> None:
    grants, codes = _codes(store)
    for round_ in range(5):
        value = f"c-{round_}"
        grants.open(USER.grant_id, RECORD, 60)
        codes.put(value, RECORD, 60)
        found = codes.find_unspent(value, "rp")
        assert found is not None
        wins = race(partial(_spend, codes, value, found))
        assert wins.count(True) == 1
        assert not grants.is_active(USER.grant_id)


def test_a_winner_cannot_bring_back_a_grant_a_loser_revoked(store: StateStore) -> None:
    grants, codes = _codes(store)
    refresh_tokens = SingleUse.refresh_tokens(store, grants)
    grants.open(USER.grant_id, RECORD, 60)
    codes.put("c", RECORD, 60)
    assert codes.spend("c", RECORD, 60)  # the winner
    assert not codes.spend("c", RECORD, 60)  # a replay: revokes
    stores = (grants, refresh_tokens)
    assert not save_token(stores, {"refresh_token": "r"}, "rp", USER, 60, now=time.time())
    assert not grants.is_active(USER.grant_id)
    assert refresh_tokens.get("r") is None


def test_another_clients_presentation_leaves_record_and_grant(store: StateStore) -> None:
    grants, codes = _codes(store)
    grants.open(USER.grant_id, RECORD, 60)
    codes.put("c", RECORD, 60)
    assert codes.find_unspent("c", "es") is None
    assert codes.get("c") == RECORD
    assert codes.spend("c", RECORD, 60)
    assert codes.find_unspent("c", "es") is None
    assert grants.is_active(USER.grant_id)
    assert codes.find_unspent("c", "rp") is None
    assert not grants.is_active(USER.grant_id)


def _spend(codes: SingleUse, value: str, record: dict[str, Any], _: int) -> bool:
    return codes.spend(value, record, 60)
