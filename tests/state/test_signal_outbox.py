"""The Shared Signals outbox and streams on SQLite and PostgreSQL: events written in a caller's
transaction vanish with its rollback; a due event is claimed by one worker only, even when eight
claim at once; a claim's outcome is recorded under its token only; an expired claim is taken again;
events about one subject are claimed in the order they were written, never one while an earlier one
waits; events of a paused stream wait, its control events do not; a disabled stream is sent only its
status changes; a deleted or disabled stream drops what it owed."""

import time

import pytest
from sqlalchemy import Engine

from idp.state.signal_outbox import DELIVERED
from idp.state.signal_outbox import PENDING
from idp.state.signal_outbox import Event
from idp.state.signal_outbox import add_events
from idp.state.signal_outbox import claim_due
from idp.state.signal_outbox import create_outbox_table
from idp.state.signal_outbox import drop_stream_events
from idp.state.signal_outbox import due_now
from idp.state.signal_outbox import mark_delivered
from idp.state.signal_outbox import recent_events
from idp.state.signal_outbox import retry_later
from idp.state.signal_streams import DISABLED
from idp.state.signal_streams import PAUSED
from idp.state.signal_streams import Stream
from idp.state.signal_streams import add_stream
from idp.state.signal_streams import create_stream_tables
from idp.state.signal_streams import remove_subject
from idp.state.signal_streams import removed_subjects
from idp.state.signal_streams import restore_subject
from idp.state.signal_streams import save_stream
from idp.state.signal_streams import stream_by_id
from idp.state.signal_streams import streams_of_clients
from tests.conftest import open_engine
from tests.conftest import race

STREAM = Stream("s-1", "news", "http://127.0.0.1:9/x", None, ["a", "b"], "d", "enabled", None)
CONTROL = "control"


@pytest.fixture
def engine(empty_database: str, engine_for: list[Engine]) -> Engine:
    opened = open_engine(empty_database, engine_for)
    create_stream_tables(opened)
    create_outbox_table(opened)
    with opened.begin() as connection:
        add_stream(connection, STREAM, at=1.0)
    return opened


def _events(count: int, kind: str = "a", pin: str | None = "001088999001") -> list[Event]:
    subject = {"format": "iss_sub", "iss": "http://i", "sub": "s"}
    return [Event("s-1", "news", pin, kind, subject, {"n": n}, "txn") for n in range(count)]


def _add(engine: Engine, events: list[Event], due: float = 0.0, at: float = 100.0) -> None:
    with engine.begin() as connection:
        add_events(connection, events, at=at, due=due)


def _claim(engine: Engine, limit: int = 40, **kinds: tuple[str, ...]) -> tuple[str, list[str]]:
    token, claimed = claim_due(engine, now=time.time(), lease=30, limit=limit, **kinds)
    return token, [str(event.payload["n"]) + event.event_type for event in claimed]


def test_a_stream_is_stored_and_changed(engine: Engine) -> None:
    with engine.begin() as connection:
        assert stream_by_id(connection, "s-1") == STREAM
        save_stream(connection, STREAM.but(status=PAUSED, reason="r", events_requested=["c"]))
        remove_subject(connection, "s-1", "sub-1")
        remove_subject(connection, "s-1", "sub-1")  # twice is once
        assert removed_subjects(connection, "s-1") == {"sub-1"}
        restore_subject(connection, "s-1", "sub-1")
        assert removed_subjects(connection, "s-1") == set()
        changed = stream_by_id(connection, "s-1")
        assert changed is not None
        assert (changed.status, changed.reason, changed.events_requested) == (PAUSED, "r", ["c"])
        assert streams_of_clients(connection, ["news", "other"]) == [changed]


def test_events_roll_back_with_their_transaction(engine: Engine) -> None:
    def refused_change() -> None:
        with engine.begin() as connection:
            add_events(connection, _events(2), at=100.0, due=0.0)
            raise RuntimeError("the change was refused")

    with pytest.raises(RuntimeError):
        refused_change()
    assert recent_events(engine, limit=10) == []
    _add(engine, _events(2))
    assert len(recent_events(engine, limit=10)) == 2


def test_each_event_is_claimed_by_one_worker(engine: Engine) -> None:
    _add(engine, _events(40))

    def claim(_: int) -> set[str]:
        _token, claimed = claim_due(engine, now=time.time(), lease=30, limit=40)
        return {event.jti for event in claimed}

    claims = race(claim)
    everything = [jti for claimed in claims for jti in claimed]
    assert len(everything) == len(set(everything)) == 40
    _, again = claim_due(engine, now=time.time(), lease=30, limit=40)
    assert again == []  # every claim still holds
    _, expired = claim_due(engine, now=time.time() + 31, lease=30, limit=40)
    assert len(expired) == 40  # a worker that died holds nothing for ever


def test_an_outcome_is_recorded_under_its_claim_only(engine: Engine) -> None:
    _add(engine, _events(1))
    token, (event,) = claim_due(engine, now=time.time(), lease=30, limit=5)
    mark_delivered(engine, event.jti, "another-claim", 202, at=time.time())
    assert recent_events(engine, limit=1)[0].status == PENDING
    retry_later(engine, event.jti, token, 503, "busy", attempts=1, at=time.time() + 60)
    (waiting,) = recent_events(engine, limit=1)
    assert (waiting.status, waiting.attempts, waiting.last_status) == (PENDING, 1, 503)
    assert claim_due(engine, now=time.time(), lease=30, limit=5)[1] == []
    assert due_now(engine) == 1
    token, (event,) = claim_due(engine, now=time.time(), lease=30, limit=5)
    mark_delivered(engine, event.jti, token, 202, at=time.time())
    assert recent_events(engine, limit=1, status=DELIVERED)[0].jti == event.jti


def test_events_about_one_subject_are_claimed_in_order(engine: Engine) -> None:
    _add(engine, _events(1), at=100.0)  # a lock, say
    _add(engine, _events(1, "b"), at=101.0)  # then its unlock
    _add(engine, _events(1, "c", pin="079203999003"), at=102.0)  # another citizen
    token, first = claim_due(engine, now=time.time(), lease=30, limit=1)
    assert [event.event_type for event in first] == ["a"]
    # The lock is another worker's: its unlock is not claimed, the other citizen's event is.
    assert _claim(engine)[1] == ["0c"]
    retry_later(engine, first[0].jti, token, 503, "busy", attempts=1, at=time.time() + 60)
    assert _claim(engine)[1] == []  # the lock waits for its retry: the unlock waits for it
    assert due_now(engine) == 3
    token, both = claim_due(engine, now=time.time() + 31, lease=30, limit=40)
    assert [event.event_type for event in both] == ["a", "b", "c"]  # written order


def test_concurrent_claims_never_split_a_subject_out_of_order(engine: Engine) -> None:
    _add(engine, [*_events(20), *_events(20, "b", pin="079203999003")])
    written = sorted(recent_events(engine, limit=40), key=lambda event: event.jti)  # one moment

    def claim(_: int) -> list[tuple[str | None, str]]:
        _token, claimed = claim_due(engine, now=time.time(), lease=30, limit=7)
        return [(event.pin, event.jti) for event in claimed]

    holders: dict[str | None, int] = {}
    for worker, claimed in enumerate(race(claim)):
        for pin in {pin for pin, _ in claimed}:
            assert holders.setdefault(pin, worker) == worker  # one worker holds a subject's events
            held = [jti for each, jti in claimed if each == pin]
            # ... and they are that subject's first ones, in the order they were written.
            assert held == [event.jti for event in written if event.pin == pin][: len(held)]
    assert holders  # someone claimed something


def test_a_paused_stream_sends_only_its_control_events(engine: Engine) -> None:
    with engine.begin() as connection:
        save_stream(connection, STREAM.but(status=PAUSED))
    _add(engine, [*_events(1), *_events(1, CONTROL, pin=None)])
    assert _claim(engine, while_paused=(CONTROL,))[1] == ["0" + CONTROL]


def test_a_disabled_stream_is_sent_only_its_status_changes(engine: Engine) -> None:
    with engine.begin() as connection:
        save_stream(connection, STREAM.but(status=DISABLED))
    _add(engine, [*_events(1), *_events(1, "status", pin=None)])
    _add(engine, _events(1, CONTROL, pin=None), at=101.0)
    claimed = _claim(engine, while_paused=(CONTROL, "status"), while_disabled=("status",))[1]
    assert claimed == ["0status"]


def test_a_disabled_stream_drops_what_it_owed_but_its_status_changes(engine: Engine) -> None:
    _add(engine, [*_events(2), *_events(1, "status", pin=None)])
    with engine.begin() as connection:
        drop_stream_events(connection, "s-1", keep=("status",))
    assert [event.event_type for event in recent_events(engine, limit=10)] == ["status"]


def test_a_deleted_stream_drops_what_it_owed(engine: Engine) -> None:
    _add(engine, _events(3))
    with engine.begin() as connection:
        drop_stream_events(connection, "s-1")
    assert recent_events(engine, limit=10) == []
