"""The state stores (in-process memory, SQL on SQLite and PostgreSQL, Redis): every "use once" operation
is atomic in the store itself.

Threads race on one key straight through the store (the HTTP routes run in one event loop, so only the
store can be raced for real; for the memory store the threads contend for its one lock). Redis is the
real server on 127.0.0.1:6379 (``VNEID_TEST_REDIS_URL``). The memory store's own tests, at the end:
values come back as fresh copies with the SQL and Redis stores' types, and expired entries are swept,
by :meth:`~idp.state.memory_store.MemoryStateStore.sweep` and by a ``put`` once the sweep interval is due
(the provider's clock frozen and moved, the sweep's monotonic timer faked beside it).
"""

import functools
import time
from typing import Any

import pytest

from idp.state import memory_store
from idp.state.clock import Clock
from idp.state.memory_store import MemoryStateStore
from idp.state.redis_store import RedisStateStore
from idp.state.store import StateStore
from tests.conftest import REDIS_URL
from tests.conftest import race


def _take(store: StateStore, key: str, _: int) -> dict[str, Any] | None:
    return store.take(key)


def _incr(store: StateStore, key: str, _: int) -> int:
    return store.incr(key, 60)


def _add(store: StateStore, key: str, index: int) -> bool:
    return store.add(key, {"by": index}, 60)


def test_of_concurrent_takers_exactly_one_gets_the_value(store: StateStore) -> None:
    for round_ in range(3):
        store.put(f"code:{round_}", {"n": round_}, 60)
        key = f"code:{round_}"
        taken = race(functools.partial(_take, store, key))
        assert sorted(taken, key=lambda value: value is None) == [{"n": round_}] + [None] * 7


def test_of_concurrent_adders_exactly_one_wins(store: StateStore) -> None:
    for round_ in range(3):
        key = f"jti:{round_}"
        wins = race(functools.partial(_add, store, key))
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
    race(lambda index: store.put("session:s", {"by": index}, 60))
    value = store.get("session:s")
    assert value is not None
    assert value["by"] in range(8)
    store.delete("session:s")
    assert store.get("session:s") is None


def test_entries_expire(store: StateStore) -> None:
    store.put("interaction:x", {"v": 1}, 1)
    assert store.add("nonce:x", {"v": 1}, 1)
    store.put("grant:x", {"v": 1}, 1)
    assert store.extend("grant:x", 60)
    assert store.update("session-clients:x", lambda _: {"v": 1}, 1) == {"v": 1}
    assert store.get("interaction:x") == {"v": 1}
    time.sleep(1.05)
    assert store.get("interaction:x") is None
    assert store.take("interaction:x") is None
    assert store.add("nonce:x", {"v": 2}, 60)
    assert store.get("grant:x") == {"v": 1}  # extended before it expired
    assert store.get("session-clients:x") is None
    assert store.update("session-clients:x", lambda value: {"was": value}, 60) == {"was": None}


def _join(store: StateStore, key: str, index: int) -> dict[str, Any]:
    return store.update(key, lambda clients: {**(clients or {}), f"client-{index}": index}, 60)


def test_of_concurrent_updates_none_is_lost(store: StateStore) -> None:
    everyone = {f"client-{index}": index for index in range(8)}
    for round_ in range(8):
        key = f"session-clients:{round_}"
        if round_ == 7:
            store.put(key, {"client-gone": -1}, -1)  # an expired entry: the updates start afresh
        results = race(functools.partial(_join, store, key))
        assert store.get(key) == everyone
        assert everyone in results  # the last writer saw every other one's field
        assert all(result.items() <= everyone.items() for result in results)


def test_update_gives_change_the_live_value_and_returns_the_new_one(store: StateStore) -> None:
    seen: list[dict[str, Any] | None] = []

    def count(value: dict[str, Any] | None) -> dict[str, Any]:
        seen.append(value)
        return {"n": (value or {"n": 0})["n"] + 1}

    assert store.update("counter:u", count, 60) == {"n": 1}
    assert store.update("counter:u", count, 60) == {"n": 2}
    assert seen == [None, {"n": 1}]  # no other writer: one call each
    assert store.get("counter:u") == {"n": 2}


def test_extend_keeps_only_a_live_entry(store: StateStore) -> None:
    assert not store.extend("grant:absent", 60)
    assert store.get("grant:absent") is None
    store.put("grant:expired", {"v": 1}, -1)
    assert not store.extend("grant:expired", 60)
    assert store.get("grant:expired") is None
    store.put("grant:live", {"v": 1}, 60)
    assert store.extend("grant:live", 60)
    assert store.get("grant:live") == {"v": 1}


def test_an_entry_deleted_while_others_extend_it_stays_deleted(store: StateStore) -> None:
    """A revoked grant must stay revoked whatever refreshes run at the same moment."""
    for round_ in range(8):
        key = f"grant:{round_}"
        store.put(key, {"v": round_}, 60)

        def refresh_or_revoke(index: int, key: str = key) -> None:
            if index % 2:
                store.extend(key, 60)
            else:
                store.delete(key)

        race(refresh_or_revoke)
        assert store.get(key) is None


def test_of_concurrent_increments_each_counts_once(store: StateStore) -> None:
    for round_ in range(2):
        key = f"rate:ip:10.0.0.{round_}:1"
        counts = race(functools.partial(_incr, store, key))
        assert sorted(counts) == list(range(1, 9))
    assert store.incr("rate:ip:10.0.0.0:1", 60) == 9


def test_a_counter_keeps_its_window_and_starts_again_after_it(store: StateStore) -> None:
    assert store.incr("rate:pin:p:1", 1) == 1
    assert store.incr("rate:pin:p:1", 60) == 2  # a later increment does not extend the window
    time.sleep(1.05)
    assert store.incr("rate:pin:p:1", 60) == 1
    assert store.incr("rate:pin:p:1", 60) == 2


class FakeClock:
    """The provider's clock, frozen, and a stand-in for the :mod:`time` module inside
    :mod:`idp.state.memory_store` (whose ``monotonic`` times the sweeps): both move only when the test
    says so."""

    def __init__(self) -> None:
        self.provider = Clock()
        self.provider.freeze()
        self.elapsed = 0.0

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def advance(self, seconds: float) -> None:
        self.provider.advance(seconds)
        self.elapsed += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(memory_store, "time", fake)
    return fake


def test_memory_store_returns_fresh_copies() -> None:
    store = MemoryStateStore(Clock())
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
    store = MemoryStateStore(Clock())
    store.put("grant:g", {"pair": ("rp", 2), "nested": {"scopes": ("openid", "profile")}}, 60)
    assert store.add("nonce:n", {"pair": (1, 2)}, 60)
    value = store.get("grant:g")
    assert value == {"pair": ["rp", 2], "nested": {"scopes": ["openid", "profile"]}}
    assert value is not None
    assert type(value["pair"]) is list
    assert type(value["nested"]["scopes"]) is list
    assert store.take("nonce:n") == {"pair": [1, 2]}


def test_memory_store_sweep_forgets_only_expired_entries(clock: FakeClock) -> None:
    store = MemoryStateStore(clock.provider)
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
    store = MemoryStateStore(clock.provider)
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


def test_clear_forgets_every_entry_of_this_store_only(store: StateStore) -> None:
    for number in range(1500):  # more than one Redis batch
        store.put(f"clear:{number}", {"n": number}, 60)
    store.incr("clear:counter", 60)
    neighbour = None
    if isinstance(store, RedisStateStore):  # another sandbox's keys in the same Redis stay
        neighbour = RedisStateStore(REDIS_URL, "other-" + store.prefix)
        neighbour.put("kept", {"kept": True}, 60)
    store.clear()
    assert store.get("clear:0") is None
    assert store.get("clear:1499") is None
    assert store.incr("clear:counter", 60) == 1
    if neighbour is not None:
        assert neighbour.get("kept") == {"kept": True}
        neighbour.delete("kept")
