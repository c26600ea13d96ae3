"""The state stores (SQL on SQLite and PostgreSQL, Redis): every "use once" operation is atomic in the
store itself.

Threads race on one key straight through the store (the HTTP routes run in one event loop, so only the
store can be raced for real). Redis is the real server on 127.0.0.1:6379 (``VNEID_TEST_REDIS_URL``).
"""

import functools
import os
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import TypeVar

import pytest

from idp.oidc.redis_store import RedisStateStore
from idp.oidc.store import SqlStateStore
from idp.oidc.store import StateStore
from idp.population_db.database import connect
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres

T = TypeVar("T")
REDIS_URL = os.environ.get("VNEID_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _race(action: Callable[[int], T], racers: int = 8) -> list[T]:
    barrier = threading.Barrier(racers)
    results: list[T] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        result = action(index)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _take(store: StateStore, key: str, _: int) -> dict[str, Any] | None:
    return store.take(key)


def _add(store: StateStore, key: str, index: int) -> bool:
    return store.add(key, {"by": index}, 60)


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "redis":
        redis_store = RedisStateStore(REDIS_URL, f"test-{uuid.uuid4().hex}:")
        yield redis_store
        for key in redis_store.client.scan_iter(f"{redis_store.prefix}*"):
            redis_store.client.delete(key)
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_server"))
    engine = connect(url)
    try:
        yield SqlStateStore(engine)
    finally:
        engine.dispose()
        if request.param == "postgresql":
            drop_postgres(url)


def test_of_concurrent_takers_exactly_one_gets_the_value(store: StateStore) -> None:
    for round_ in range(3):
        store.put(f"code:{round_}", {"n": round_}, 60)
        key = f"code:{round_}"
        taken = _race(functools.partial(_take, store, key))
        assert sorted(taken, key=lambda value: value is None) == [{"n": round_}] + [None] * 7


def test_of_concurrent_adders_exactly_one_wins(store: StateStore) -> None:
    for round_ in range(3):
        key = f"jti:{round_}"
        wins = _race(functools.partial(_add, store, key))
        assert wins.count(True) == 1
        winner = store.get(key)
        assert winner is not None
        assert winner["by"] in range(8)


def test_add_overwrites_only_an_expired_entry(store: StateStore) -> None:
    assert store.add("nonce:a", {"v": 1}, 60)
    assert not store.add("nonce:a", {"v": 2}, 60)
    assert store.get("nonce:a") == {"v": 1}
    store.put("nonce:b", {"v": 1}, -1)  # already expired
    assert store.get("nonce:b") is None
    assert store.take("nonce:b") is None
    store.put("nonce:b", {"v": 1}, -1)
    assert store.add("nonce:b", {"v": 2}, 60)
    assert store.get("nonce:b") == {"v": 2}


def test_concurrent_puts_leave_one_of_the_values(store: StateStore) -> None:
    _race(lambda index: store.put("session:s", {"by": index}, 60))
    value = store.get("session:s")
    assert value is not None
    assert value["by"] in range(8)
    store.delete("session:s")
    assert store.get("session:s") is None


def test_entries_expire(store: StateStore) -> None:
    store.put("interaction:x", {"v": 1}, 1)
    assert store.add("nonce:x", {"v": 1}, 1)
    assert store.get("interaction:x") == {"v": 1}
    time.sleep(1.05)
    assert store.get("interaction:x") is None
    assert store.take("interaction:x") is None
    assert store.add("nonce:x", {"v": 2}, 60)
