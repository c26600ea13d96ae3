"""Shared Signals streams (luồng tín hiệu chia sẻ): one per client, in the population's database.

OpenID Shared Signals Framework 1.0 §8.1.1: a receiver (a relying party) configures the stream through
which the provider pushes it security events. A row of ``ssf_stream`` holds what the receiver chose
(the push endpoint and the ``Authorization`` value to send there, the event types it asked for, a
description) and the stream's status (§8.1.2: ``enabled``, ``paused``, ``disabled``, with a reason).
``ssf_removed_subject`` lists the subjects the receiver removed (§8.1.3.3): the stream is for every
citizen who shares with the client (``default_subjects`` ``ALL``) except these, named by the ``sub``
the client knows. The protocol (:mod:`idp.oidc.shared_signals`) decides what may be written; this
module only stores it, in the caller's transaction where a change must be atomic with others.
"""

import json
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables

ENABLED = "enabled"
PAUSED = "paused"
DISABLED = "disabled"
STATUSES = (ENABLED, PAUSED, DISABLED)


class SignalStream(SQLModel, table=True):
    """One client's stream."""

    __tablename__ = "ssf_stream"

    stream_id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(unique=True, max_length=100)
    endpoint_url: str = Field(max_length=2000)
    authorization_header: str | None = Field(default=None, max_length=4096)
    events_requested: str  # a JSON array of event type URIs
    description: str | None = Field(default=None, max_length=1000)
    status: str = Field(default=ENABLED, max_length=10)
    reason: str | None = Field(default=None, max_length=1000)
    created_at: float


class RemovedSubject(SQLModel, table=True):
    """A subject the receiver removed from its stream: no events about them."""

    __tablename__ = "ssf_removed_subject"
    __table_args__ = {"sqlite_with_rowid": False}

    stream_id: str = Field(primary_key=True, max_length=64)
    sub: str = Field(primary_key=True, max_length=64)


STREAMS: Table = SignalStream.__table__  # type: ignore[attr-defined]
REMOVED: Table = RemovedSubject.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Stream:
    """A stream as stored."""

    stream_id: str
    client_id: str
    endpoint_url: str
    authorization_header: str | None
    events_requested: list[str]
    description: str | None
    status: str
    reason: str | None

    def but(self, **changes: Any) -> "Stream":
        return replace(self, **changes)


def create_stream_tables(engine: Engine) -> None:
    create_tables(engine, [STREAMS, REMOVED])


def _stream(row: Any) -> Stream:
    return Stream(
        stream_id=row.stream_id,
        client_id=row.client_id,
        endpoint_url=row.endpoint_url,
        authorization_header=row.authorization_header,
        events_requested=list(json.loads(row.events_requested)),
        description=row.description,
        status=row.status,
        reason=row.reason,
    )


def _columns(stream: Stream) -> dict[str, Any]:
    return {
        "endpoint_url": stream.endpoint_url,
        "authorization_header": stream.authorization_header,
        "events_requested": json.dumps(stream.events_requested),
        "description": stream.description,
        "status": stream.status,
        "reason": stream.reason,
    }


def stream_of_client(connection: Connection, client_id: str) -> Stream | None:
    row = connection.execute(select(STREAMS).where(STREAMS.c.client_id == client_id)).one_or_none()
    return None if row is None else _stream(row)


def stream_by_id(connection: Connection, stream_id: str) -> Stream | None:
    row = connection.execute(select(STREAMS).where(STREAMS.c.stream_id == stream_id)).one_or_none()
    return None if row is None else _stream(row)


def add_stream(connection: Connection, stream: Stream, *, at: float) -> None:
    """Insert ``stream``; the database refuses a second stream of one client (unique client_id)."""
    values = {"stream_id": stream.stream_id, "client_id": stream.client_id, "created_at": at}
    connection.execute(insert(STREAMS).values(**values, **_columns(stream)))


def save_stream(connection: Connection, stream: Stream) -> None:
    statement = update(STREAMS).where(STREAMS.c.stream_id == stream.stream_id)
    connection.execute(statement.values(**_columns(stream)))


def drop_stream(connection: Connection, stream_id: str) -> None:
    connection.execute(delete(REMOVED).where(REMOVED.c.stream_id == stream_id))
    connection.execute(delete(STREAMS).where(STREAMS.c.stream_id == stream_id))


def remove_subject(connection: Connection, stream_id: str, sub: str) -> None:
    present = select(REMOVED).where(REMOVED.c.stream_id == stream_id, REMOVED.c.sub == sub)
    if connection.execute(present).first() is None:
        connection.execute(insert(REMOVED).values(stream_id=stream_id, sub=sub))


def restore_subject(connection: Connection, stream_id: str, sub: str) -> None:
    where = (REMOVED.c.stream_id == stream_id, REMOVED.c.sub == sub)
    connection.execute(delete(REMOVED).where(*where))


def removed_subjects(connection: Connection, stream_id: str) -> set[str]:
    query = select(REMOVED.c.sub).where(REMOVED.c.stream_id == stream_id)
    return set(connection.execute(query).scalars())


def streams_of_clients(connection: Connection, client_ids: list[str]) -> list[Stream]:
    """The streams, not disabled, of any of ``client_ids``, by client id."""
    query = (
        select(STREAMS)
        .where(STREAMS.c.client_id.in_(client_ids), STREAMS.c.status != DISABLED)
        .order_by(STREAMS.c.client_id)
    )
    return [_stream(row) for row in connection.execute(query)]
