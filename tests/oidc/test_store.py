"""The state stores (in-process memory, SQL on SQLite and PostgreSQL, Redis): every "use once" operation
is atomic in the store itself.

Threads race on one key straight through the store (the HTTP routes run in one event loop, so only the
store can be raced for real; for the memory store the threads contend for its one lock). Redis is the
real server on 127.0.0.1:6379 (``VNEID_TEST_REDIS_URL``). The memory store's own tests, at the end:
values come back as fresh copies with the SQL and Redis stores' types, and expired entries are swept,
by :meth:`~idp.oidc.memory_store.MemoryStateStore.sweep` and by a ``put`` once the sweep interval is due
(on a fake clock).
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

from idp.oidc import memory_store
from idp.oidc.memory_store import MemoryStateStore
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


def _incr(store: StateStore, key: str, _: int) -> int:
    return store.incr(key, 60)


def _add(store: StateStore, key: str, index: int) -> bool:
    return store.add(key, {"by": index}, 60)


@pytest.fixture(params=["memory", "sqlite", "postgresql", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "memory":
        yield MemoryStateStore()
        return
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


def test_of_concurrent_increments_each_counts_once(store: StateStore) -> None:
    for round_ in range(2):
        key = f"rate:ip:10.0.0.{round_}:1"
        counts = _race(functools.partial(_incr, store, key))
        assert sorted(counts) == list(range(1, 9))
    assert store.incr("rate:ip:10.0.0.0:1", 60) == 9


def test_a_counter_keeps_its_window_and_starts_again_after_it(store: StateStore) -> None:
    assert store.incr("rate:pin:p:1", 1) == 1
    assert store.incr("rate:pin:p:1", 60) == 2  # a later increment does not extend the window
    time.sleep(1.05)
    assert store.incr("rate:pin:p:1", 60) == 1
    assert store.incr("rate:pin:p:1", 60) == 2


class FakeClock:
    """Stands for the :mod:`time` module inside :mod:`idp.oidc.memory_store`: both clocks move only
    when the test says so."""

    def __init__(self) -> None:
        self.wall = time.time()
        self.elapsed = 0.0

    def time(self) -> float:
        return self.wall + self.elapsed

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(memory_store, "time", fake)
    return fake


def test_memory_store_returns_fresh_copies() -> None:
    store = MemoryStateStore()
    value: dict[str, Any] = {"factors": [{"method": "pwd"}], "pin": "001088999001"}
    store.put("session:s", value, 60)
    value["factors"].append({"method": "otp"})  # the caller's dict is not what the store holds
    first = store.get("session:s")
    assert first == {"factors": [{"method": "pwd"}], "pin": "001088999001"}
    assert first is not None
    first["factors"][0]["method"] = "face"
    first.pop("pin")
    second = store.get("session:s")
    assert second == {"factors": [{"method": "pwd"}], "pin": "001088999001"}
    assert second is not first
    taken = store.take("session:s")
    assert taken == second
    assert taken is not second


def test_memory_store_gives_tuples_back_as_lists_like_the_other_stores() -> None:
    store = MemoryStateStore()
    store.put("grant:g", {"pair": ("rp", 2), "nested": {"scopes": ("openid", "profile")}}, 60)
    assert store.add("nonce:n", {"pair": (1, 2)}, 60)
    value = store.get("grant:g")
    assert value == {"pair": ["rp", 2], "nested": {"scopes": ["openid", "profile"]}}
    assert value is not None
    assert type(value["pair"]) is list
    assert type(value["nested"]["scopes"]) is list
    assert store.take("nonce:n") == {"pair": [1, 2]}


def test_memory_store_sweep_forgets_only_expired_entries(clock: FakeClock) -> None:
    store = MemoryStateStore()
    store.put("interaction:short", {"v": 1}, 1)
    assert store.add("nonce:short", {"v": 2}, 1)
    store.put("session:long", {"v": 3}, 3600)
    clock.advance(2)
    assert store.get("interaction:short") is None  # invisible at once...
    assert len(store) == 3  # ...but still held until a sweep
    store.sweep()
    assert len(store) == 1
    assert store.get("session:long") == {"v": 3}
    assert store.get("interaction:short") is None
    assert store.add("nonce:short", {"v": 4}, 60)


def test_memory_store_put_sweeps_once_the_interval_is_due(clock: FakeClock) -> None:
    store = MemoryStateStore()
    store.put("code:short", {"v": 1}, 1)
    store.put("session:long", {"v": 2}, 3600)
    clock.advance(2)
    store.put("session:other", {"v": 3}, 3600)  # the interval is not due: no sweep
    assert len(store) == 3
    clock.advance(memory_store.SWEEP_INTERVAL - 2 - 0.5)
    store.put("session:third", {"v": 4}, 3600)
    assert len(store) == 4
    clock.advance(1)  # now past the interval since the store was created
    store.put("session:fourth", {"v": 5}, 3600)
    assert len(store) == 4  # the expired code is gone, the four live sessions stay
    assert store.get("code:short") is None
    assert [store.get(f"session:{name}") for name in ("long", "other", "third", "fourth")] == [
        {"v": 2},
        {"v": 3},
        {"v": 4},
        {"v": 5},
    ]
    store.put("code:again", {"v": 6}, 1)
    clock.advance(2)
    store.put("session:fifth", {"v": 7}, 3600)  # the next sweep is a whole interval later
    assert len(store) == 6
