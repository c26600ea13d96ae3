"""The provider's clock (:class:`idp.state.clock.Clock`): it follows the system's time until it is
frozen, moved on or set, and gives it back at a reset; the memory and SQL state stores expire their
entries on the clock they are given, not on the system's (Redis keeps its own: not tested here)."""

import time
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from idp.population_db.generator import AS_OF
from idp.state.clock import VIETNAM
from idp.state.clock import Clock
from idp.state.store import StateStore
from tests.conftest import opened_store

AT = 1_900_000_000.0  # 2030-03-17: far from the system's time, so no test passes by reading it
TTL = 60


def test_a_new_clock_follows_the_system() -> None:
    clock = Clock()
    before = time.time()
    now = clock.now()
    assert before <= now <= time.time()
    assert not clock.frozen
    time.sleep(0.02)
    assert clock.now() > now


def test_freeze_stops_the_clock_where_it_is_or_at_a_moment() -> None:
    clock = Clock()
    before = time.time()
    clock.freeze()
    stopped = clock.now()
    assert before <= stopped <= time.time()
    time.sleep(0.02)
    assert clock.now() == stopped
    assert clock.frozen
    clock.freeze(AT)
    assert clock.now() == AT
    assert clock.moment() == datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)


def test_advance_moves_a_frozen_clock_exactly_and_it_stays_frozen() -> None:
    clock = Clock()
    clock.freeze(AT)
    clock.advance(90)
    assert clock.now() == AT + 90
    clock.advance(-30)
    assert clock.now() == AT + 60
    time.sleep(0.02)
    assert clock.now() == AT + 60
    assert clock.frozen


def test_advance_moves_a_running_clock_which_runs_on() -> None:
    clock = Clock()
    clock.advance(3600)
    before = time.time()
    ahead = clock.now()
    assert before + 3600 <= ahead <= time.time() + 3600
    assert not clock.frozen
    time.sleep(0.02)
    assert clock.now() > ahead


def test_set_puts_a_frozen_clock_at_a_moment_and_a_running_one_runs_on_from_there() -> None:
    frozen = Clock()
    frozen.freeze()
    frozen.set(AT)
    assert frozen.now() == AT
    assert frozen.frozen
    running = Clock()
    running.set(AT)
    set_at = running.now()
    assert AT <= set_at < AT + 1
    assert not running.frozen
    time.sleep(0.02)
    assert running.now() > set_at


def test_reset_gives_back_the_system_s_time_running() -> None:
    clock = Clock()
    clock.freeze(AT)
    clock.advance(60)
    clock.reset()
    before = time.time()
    now = clock.now()
    assert before <= now <= time.time()
    assert not clock.frozen
    clock.advance(60)
    clock.reset()  # an offset goes too
    assert clock.now() <= time.time()


def test_two_clocks_are_independent() -> None:
    """Moving one provider's clock moves no other (nothing global, nothing patched)."""
    moved, other = Clock(), Clock()
    moved.freeze(AT)
    assert other.now() < AT - 3600
    assert not other.frozen


def _wall_day() -> date:
    return datetime.fromtimestamp(time.time(), UTC).astimezone(VIETNAM).date()


def test_the_populations_day_is_the_reference_day_while_the_clock_follows_the_system() -> None:
    """Not the calendar's day: a population seeded once ages only when a test moves the clock."""
    assert Clock().population_day() == AS_OF


def test_the_populations_day_follows_advance_set_freeze_and_reset() -> None:
    clock = Clock()
    clock.advance(3 * 86400)
    assert clock.population_day() == AS_OF + timedelta(days=3)
    clock.advance(-10 * 86400)
    assert clock.population_day() == AS_OF - timedelta(days=7)
    clock.freeze()
    assert clock.population_day() == AS_OF - timedelta(days=7)
    clock.advance(3650 * 86400)
    assert clock.population_day() == AS_OF + timedelta(days=3643)
    clock.set(AT)  # 2030-03-18 in Vietnam
    assert clock.population_day() == AS_OF + (date(2030, 3, 18) - _wall_day())
    clock.reset()
    assert clock.population_day() == AS_OF


def test_a_running_clock_set_to_a_moment_moves_the_populations_day_as_far() -> None:
    clock = Clock()
    clock.set(AT)
    assert clock.population_day() == AS_OF + (date(2030, 3, 18) - _wall_day())


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[StateStore, Clock]]:
    """The memory and SQL stores (SQLite and PostgreSQL), each on a clock frozen at :data:`AT`."""
    clock = Clock()
    clock.freeze(AT)
    with opened_store(request.param, clock, request, tmp_path) as opened:
        yield opened, clock


def test_entries_live_until_the_clock_passes_their_ttl(clocked: tuple[StateStore, Clock]) -> None:
    store, clock = clocked
    store.put("session:s", {"v": 1}, TTL)
    assert store.add("nonce:n", {"v": 1}, TTL)
    assert store.incr("rate:pin:p:1", TTL) == 1
    assert store.update("session-clients:s", lambda _: {"rp": "sub"}, TTL) == {"rp": "sub"}
    store.put("code:c", {"v": 1}, TTL)
    clock.advance(TTL - 1)
    assert store.get("session:s") == {"v": 1}
    assert not store.add("nonce:n", {"v": 2}, TTL)  # still there: a replay
    assert store.incr("rate:pin:p:1", TTL) == 2  # the same window
    assert store.get("session-clients:s") == {"rp": "sub"}
    clock.advance(1)  # exactly the TTL: gone
    assert store.get("session:s") is None
    assert store.take("code:c") is None
    assert store.add("nonce:n", {"v": 2}, TTL)
    assert store.incr("rate:pin:p:1", TTL) == 1  # a new window
    assert store.get("session-clients:s") is None
    assert not store.extend("session:s", TTL)


def test_extend_and_update_count_from_the_clock_s_now(clocked: tuple[StateStore, Clock]) -> None:
    store, clock = clocked
    store.put("grant:g", {"v": 1}, 10)
    store.put("session-clients:s", {"v": 1}, 10)
    clock.advance(5)
    assert store.extend("grant:g", 10)  # now until AT + 15
    store.update("session-clients:s", lambda value: {**(value or {}), "w": 2}, 10)
    clock.advance(9)
    assert store.get("grant:g") == {"v": 1}
    assert store.get("session-clients:s") == {"v": 1, "w": 2}
    clock.advance(1)
    assert store.get("grant:g") is None
    assert store.get("session-clients:s") is None


def test_a_running_clock_moved_on_expires_entries_too(clocked: tuple[StateStore, Clock]) -> None:
    store, clock = clocked
    clock.reset()  # running, the system's time
    store.put("interaction:i", {"v": 1}, TTL)
    assert store.get("interaction:i") == {"v": 1}
    clock.advance(TTL + 1)
    assert store.get("interaction:i") is None
