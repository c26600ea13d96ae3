"""The outbox of Shared Signals events (hộp thư đi): every event the provider owes a receiver, in the
population's database, until the receiver has it.

The transactional outbox pattern: the change that causes an event (a citizen locked, moved, deceased,
a consent withdrawn) inserts its row in the change's own transaction (:func:`add_events`), so a
refused or rolled-back change leaves none and a committed one always has its events. The delivery
worker (:mod:`idp.oidc.shared_signals.delivery`) then takes due rows with a claim (:func:`claim_due`:
one ``UPDATE`` that sets ``claimed_until`` only where no live claim is, so of several provider
replicas on one PostgreSQL database exactly one wins each row; the events about one subject of a
stream in the order they were written, never one before an earlier one still pending), pushes them
and records the answer:
``delivered``, ``failed`` (a 400 from the receiver, RFC 8935 §2.3: not retried) or, for anything else,
another attempt later. A row's ``jti`` is the SET's, stable across attempts.

Scheduling (``next_attempt_at``, ``claimed_until``, ``delivered_at``) is in wall-clock seconds
(``time.time()``), the time replicas share; ``created_at`` is the provider's clock
(:class:`idp.state.clock.Clock`), the event's time, which the SET carries.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import and_
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import not_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables
from idp.state.signal_streams import DISABLED
from idp.state.signal_streams import ENABLED
from idp.state.signal_streams import STREAMS

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"


class OutboxRow(SQLModel, table=True):
    """One event owed to one stream's receiver."""

    __tablename__ = "ssf_outbox"

    jti: str = Field(primary_key=True, max_length=64)
    stream_id: str = Field(index=True, max_length=64)
    client_id: str = Field(max_length=100)
    pin: str | None = Field(default=None, index=True, max_length=12)
    event_type: str = Field(max_length=200)
    subject: str  # the SET's sub_id (JSON)
    payload: str  # the event's members (JSON)
    txn: str = Field(max_length=64)
    created_at: float
    status: str = Field(default=PENDING, index=True, max_length=10)
    attempts: int = 0
    next_attempt_at: float = 0.0
    claimed_until: float | None = None
    claim: str | None = Field(default=None, max_length=64)
    last_status: int | None = None
    last_answer: str | None = Field(default=None, max_length=1000)
    delivered_at: float | None = None


OUTBOX: Table = OutboxRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Event:
    """An event to put in the outbox."""

    stream_id: str
    client_id: str
    pin: str | None
    event_type: str
    subject: dict[str, Any]
    payload: dict[str, Any]
    txn: str


@dataclass(frozen=True)
class OutboxEvent:
    """An event as the outbox holds it."""

    jti: str
    stream_id: str
    client_id: str
    pin: str | None
    event_type: str
    subject: dict[str, Any]
    payload: dict[str, Any]
    txn: str
    created_at: float
    status: str
    attempts: int
    last_status: int | None
    last_answer: str | None
    delivered_at: float | None


def create_outbox_table(engine: Engine) -> None:
    create_tables(engine, [OUTBOX])


def add_events(connection: Connection, events: list[Event], *, at: float, due: float) -> None:
    """Put ``events`` (of a change at ``at``, due at wall time ``due``) in the outbox, in the
    caller's transaction."""
    if not events:
        return
    rows = [
        {
            "jti": uuid.uuid4().hex,
            "stream_id": event.stream_id,
            "client_id": event.client_id,
            "pin": event.pin,
            "event_type": event.event_type,
            "subject": json.dumps(event.subject),
            "payload": json.dumps(event.payload, ensure_ascii=False),
            "txn": event.txn,
            "created_at": at,
            "next_attempt_at": due,
        }
        for event in events
    ]
    connection.execute(insert(OUTBOX), rows)


def _event(row: Any) -> OutboxEvent:
    return OutboxEvent(
        jti=row.jti,
        stream_id=row.stream_id,
        client_id=row.client_id,
        pin=row.pin,
        event_type=row.event_type,
        subject=json.loads(row.subject),
        payload=json.loads(row.payload),
        txn=row.txn,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        last_status=row.last_status,
        last_answer=row.last_answer,
        delivered_at=row.delivered_at,
    )


def _sendable(rows: Any, while_paused: tuple[str, ...], while_disabled: tuple[str, ...]) -> Any:
    """Whether an event of ``rows`` (the outbox or an alias of it) may go out on its stream now
    (the joined stream's status): every event on an enabled stream, ``while_paused`` types on a
    paused one too, ``while_disabled`` types on any (SSF §8.1.2)."""
    return or_(
        STREAMS.c.status == ENABLED,
        and_(STREAMS.c.status != DISABLED, rows.c.event_type.in_(while_paused)),
        rows.c.event_type.in_(while_disabled),
    )


def _claimable(rows: Any, now: float, paused: tuple[str, ...], disabled: tuple[str, ...]) -> Any:
    free = or_(rows.c.claimed_until.is_(None), rows.c.claimed_until < now)
    return and_(
        rows.c.status == PENDING,
        rows.c.next_attempt_at <= now,
        free,
        _sendable(rows, paused, disabled),
    )


def _earlier(rows: Any) -> Any:
    """The pending events about the same subject of the same stream (the same citizen, or the
    stream itself) written before the outbox's row, in the order events are sent: ``created_at``,
    then ``jti``."""
    return and_(
        rows.c.stream_id == OUTBOX.c.stream_id,
        rows.c.pin.is_not_distinct_from(OUTBOX.c.pin),
        rows.c.status == PENDING,
        or_(
            rows.c.created_at < OUTBOX.c.created_at,
            and_(rows.c.created_at == OUTBOX.c.created_at, rows.c.jti < OUTBOX.c.jti),
        ),
    )


def claim_due(
    engine: Engine,
    *,
    now: float,
    lease: float,
    limit: int,
    while_paused: tuple[str, ...] = (),
    while_disabled: tuple[str, ...] = (),
) -> tuple[str, list[OutboxEvent]]:
    """Claim up to ``limit`` due events for ``lease`` seconds: those of enabled streams, and those of
    the types ``while_paused`` of paused streams and ``while_disabled`` of any stream (the stream's
    own control events). The claim's token (to record the outcome under) and the events claimed, in
    the order to send them.

    Events about one subject of one stream go out in the order they were written (SSF §8.1.2): an
    event is claimed only if every earlier pending event about its subject is claimed with it, so
    one that waits for a retry (or is another worker's) holds back the later ones. A row another
    worker claims first is skipped, and what it would have held back is released again."""
    token = uuid.uuid4().hex
    kinds = (while_paused, while_disabled)
    earlier = OUTBOX.alias("earlier")
    waiting = select(earlier.c.jti).where(_earlier(earlier), not_(_claimable(earlier, now, *kinds)))
    candidates = (
        select(OUTBOX.c.jti)
        .join(STREAMS, STREAMS.c.stream_id == OUTBOX.c.stream_id)
        .where(_claimable(OUTBOX, now, *kinds), ~waiting.exists())
        .order_by(OUTBOX.c.created_at, OUTBOX.c.jti)
        .limit(limit)
    )
    with engine.begin() as connection:
        jtis = list(connection.execute(candidates).scalars())
        if not jtis:
            return token, []
        # The compare-and-set: a row already claimed by another worker no longer matches.
        free = or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now)
        claim = update(OUTBOX).where(OUTBOX.c.jti.in_(jtis), OUTBOX.c.status == PENDING, free)
        connection.execute(claim.values(claimed_until=now + lease, claim=token))
        # Another worker won an earlier event of a subject whose later ones this claim took: give
        # those back, so that they never overtake it.
        overtaking = select(earlier.c.jti).where(
            _earlier(earlier), or_(earlier.c.claim.is_(None), earlier.c.claim != token)
        )
        release = update(OUTBOX).where(OUTBOX.c.claim == token, overtaking.exists())
        connection.execute(release.values(claimed_until=None, claim=None))
    with engine.connect() as connection:
        mine = (
            select(OUTBOX)
            .where(OUTBOX.c.claim == token)
            .order_by(OUTBOX.c.created_at, OUTBOX.c.jti)
        )
        return token, [_event(row) for row in connection.execute(mine)]


def release(engine: Engine, jtis: list[str], token: str) -> None:
    """Give back claimed events unsent (a stream stopped at a failure, the worker stopping): they
    are due again at once, their attempts unchanged."""
    if not jtis:
        return
    statement = update(OUTBOX).where(OUTBOX.c.jti.in_(jtis), OUTBOX.c.claim == token)
    with engine.begin() as connection:
        connection.execute(statement.values(claim=None, claimed_until=None))


def _finish(engine: Engine, jti: str, token: str, **values: Any) -> None:
    statement = update(OUTBOX).where(OUTBOX.c.jti == jti, OUTBOX.c.claim == token)
    with engine.begin() as connection:
        connection.execute(statement.values(claim=None, claimed_until=None, **values))


def mark_delivered(engine: Engine, jti: str, token: str, status: int, *, at: float) -> None:
    _finish(engine, jti, token, status=DELIVERED, last_status=status, delivered_at=at)


def mark_failed(engine: Engine, jti: str, token: str, status: int | None, answer: str) -> None:
    _finish(engine, jti, token, status=FAILED, last_status=status, last_answer=answer[:1000])


def retry_later(
    engine: Engine,
    jti: str,
    token: str,
    status: int | None,
    answer: str,
    *,
    attempts: int,
    at: float,
) -> None:
    _finish(
        engine,
        jti,
        token,
        attempts=attempts,
        next_attempt_at=at,
        last_status=status,
        last_answer=answer[:1000],
    )


def due_now(engine: Engine) -> int:
    """Make every pending event due at once (a test that will not wait for the backoff); how many."""
    statement = update(OUTBOX).where(OUTBOX.c.status == PENDING).values(next_attempt_at=0.0)
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def drop_stream_events(
    connection: Connection, stream_id: str, *, keep: tuple[str, ...] = ()
) -> None:
    """Forget the events a stream has not been sent yet (it is deleted, or disabled: SSF §8.1.2
    holds nothing for a disabled stream), but those of the types ``keep``."""
    where = (OUTBOX.c.stream_id == stream_id, OUTBOX.c.status == PENDING)
    connection.execute(delete(OUTBOX).where(*where, OUTBOX.c.event_type.not_in(keep)))


def recent_events(
    engine: Engine,
    *,
    limit: int,
    pin: str | None = None,
    client_id: str | None = None,
    status: str | None = None,
) -> list[OutboxEvent]:
    """The latest events, newest first, of a citizen, a client or a status if given."""
    query = select(OUTBOX)
    for column, value in ((OUTBOX.c.pin, pin), (OUTBOX.c.client_id, client_id)):
        if value is not None:
            query = query.where(column == value)
    if status is not None:
        query = query.where(OUTBOX.c.status == status)
    query = query.order_by(OUTBOX.c.created_at.desc(), OUTBOX.c.jti).limit(limit)
    with engine.connect() as connection:
        return [_event(row) for row in connection.execute(query)]
