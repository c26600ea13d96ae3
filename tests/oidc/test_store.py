"""The SQL state store on SQLite and PostgreSQL: every "use once" operation is atomic in the store itself.

Threads race on one key straight through :class:`SqlStateStore` (the HTTP routes run in one event loop, so
only the store can be raced for real).
"""

import functools
import threading
import time
from collections.abc import Callable
from typing import Any
from typing import TypeVar

import pytest
from sqlalchemy import Engine

from idp.oidc.store import SqlStateStore
from tests.conftest import open_engine

T = TypeVar("T")


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


def _take(store: SqlStateStore, key: str, _: int) -> dict[str, Any] | None:
    return store.take(key)


def _add(store: SqlStateStore, key: str, index: int) -> bool:
    return store.add(key, {"by": index}, 60)


@pytest.fixture
def store(empty_database: str, engine_for: list[Engine]) -> SqlStateStore:
    return SqlStateStore(open_engine(empty_database, engine_for))


def test_of_concurrent_takers_exactly_one_gets_the_value(store: SqlStateStore) -> None:
    for round_ in range(3):
        store.put(f"code:{round_}", {"n": round_}, 60)
        key = f"code:{round_}"
        taken = _race(functools.partial(_take, store, key))
        assert sorted(taken, key=lambda value: value is None) == [{"n": round_}] + [None] * 7


def test_of_concurrent_adders_exactly_one_wins(store: SqlStateStore) -> None:
    for round_ in range(3):
        key = f"jti:{round_}"
        wins = _race(functools.partial(_add, store, key))
        assert wins.count(True) == 1
        winner = store.get(key)
        assert winner is not None
        assert winner["by"] in range(8)


def test_add_overwrites_only_an_expired_entry(store: SqlStateStore) -> None:
    assert store.add("nonce:a", {"v": 1}, 60)
    assert not store.add("nonce:a", {"v": 2}, 60)
    assert store.get("nonce:a") == {"v": 1}
    store.put("nonce:b", {"v": 1}, -1)  # already expired
    assert store.get("nonce:b") is None
    assert store.take("nonce:b") is None
    store.put("nonce:b", {"v": 1}, -1)
    assert store.add("nonce:b", {"v": 2}, 60)
    assert store.get("nonce:b") == {"v": 2}


def test_concurrent_puts_leave_one_of_the_values(store: SqlStateStore) -> None:
    _race(lambda index: store.put("session:s", {"by": index}, 60))
    value = store.get("session:s")
    assert value is not None
    assert value["by"] in range(8)
    store.delete("session:s")
    assert store.get("session:s") is None


def test_entries_expire(store: SqlStateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.put("interaction:x", {"v": 1}, 5)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 10)
    assert store.get("interaction:x") is None
