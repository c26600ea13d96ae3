"""The audit log (nhật ký): every disclosure of a citizen's data and every authentication event.

One append-only table, ``audit_event``, in the population's database. Callers pass the connection of the
transaction that does what the row records (a code redeemed, a failed login counted, a lockout), so the
row and the act commit together or not at all: nothing is lost if the process dies in between. The
citizen reads their own history on the account page; nothing here is ever updated or deleted.

Kinds: ``authentication`` (outcome ``success``, ``failure``, ``lockout``, ``refused``), ``disclosure``
(outcome ``released``; ``claims`` lists the claim names that left, never their values) and
``card_verification`` (a call of the card verification service: outcome the status it answered, or the
error; ``pin`` the card's number when it was read; ``detail`` the verification's id),
``birth_registration`` and ``death_registration`` (the population service,
:mod:`idp.citizen.population_service`: one row for each citizen concerned, outcome their part in it,
``declarant``, ``parent``, ``registered`` or ``refused``; ``detail`` the PIN of the child or the
deceased, or the refusal's codes). A row's time,
``at``, is the provider's clock's (:class:`idp.state.clock.Clock`), given by the caller.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables

AUTHENTICATION = "authentication"
DISCLOSURE = "disclosure"
CARD_VERIFICATION = "card_verification"
BIRTH_REGISTRATION = "birth_registration"
DEATH_REGISTRATION = "death_registration"


class AuditEvent(SQLModel, table=True):
    """One audited event."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: float  # not indexed: the trail is read by citizen, newest first (by id); an index on the
    # time would be one more page written on every audited event
    kind: str = Field(max_length=20)
    outcome: str = Field(max_length=20)
    pin: str | None = Field(default=None, index=True, max_length=12)
    client_id: str | None = Field(default=None, max_length=100)
    acr: str | None = Field(default=None, max_length=10)
    method: str | None = Field(default=None, max_length=20)
    claims_json: str = "[]"
    detail: str = ""


AUDIT: Table = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(AUDIT)  # built once: the values come as parameters at each execution


@dataclass(frozen=True)
class Event:
    """An audit row as read back."""

    at: float
    kind: str
    outcome: str
    pin: str | None
    client_id: str | None
    acr: str | None
    method: str | None
    claims: list[str]
    detail: str


def create_audit_table(engine: Engine) -> None:
    create_tables(engine, [AUDIT])


def record_event(
    connection: Connection,
    kind: str,
    outcome: str,
    *,
    at: float,
    pin: str | None = None,
    client_id: str | None = None,
    acr: str | None = None,
    method: str | None = None,
    claims: list[str] | None = None,
    detail: str = "",
) -> None:
    """Append one row, dated ``at``, inside the caller's transaction (``engine.begin()``); it commits
    with it."""
    row: dict[str, Any] = {
        "at": at,
        "kind": kind,
        "outcome": outcome,
        "pin": pin,
        "client_id": client_id,
        "acr": acr,
        "method": method,
        "claims_json": json.dumps(sorted(claims or [])),
        "detail": detail[:500],
    }
    connection.execute(_INSERT, row)


def events_for(engine: Engine, pin: str, kind: str | None = None) -> list[Event]:
    """A citizen's history, newest first."""
    query = select(AUDIT).where(AUDIT.c.pin == pin)
    if kind is not None:
        query = query.where(AUDIT.c.kind == kind)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(AUDIT.c.id.desc())).all()
    return [
        Event(
            r.at,
            r.kind,
            r.outcome,
            r.pin,
            r.client_id,
            r.acr,
            r.method,
            json.loads(r.claims_json),
            r.detail,
        )
        for r in rows
    ]
