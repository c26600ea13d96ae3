"""The app's log of the identity events (sự kiện định danh) it received (table ``rp_signal``): one row per
Security Event Token (RFC 8417), unique by its ``jti``, written in the same transaction as the app's
reactions to it, so that an event the provider delivers twice (RFC 8935 §2: a retry after a lost
answer) is acknowledged again but applied once.

The row keeps what the flow inspector shows: the event's type and payload (the changed claims, the
reason), the subject (RFC 9493 ``sub_id``) and its ``sub`` when it names a citizen of this app's
provider, when it happened (``event_timestamp``, else ``iat``), and the citizen's name if the app knows
that ``sub``."""

import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import JSON
from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel
from sqlmodel import col
from sqlmodel import select

from clients.rp.logins import Login
from clients.rp.security_events import SecurityEvent

KEEP_SHOWN = 30
"""How many of the latest events the inspector shows."""


class ReceivedSignal(SQLModel, table=True):
    """One SET the app accepted."""

    __tablename__ = "rp_signal"

    id: int | None = Field(default=None, primary_key=True)
    jti: str = Field(unique=True, max_length=256)
    event_type: str
    sub: str = Field(default="", index=True)
    """The citizen's ``sub`` at this app (an ``iss_sub`` subject of the provider); empty otherwise."""
    subject: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    txn: str = ""
    happened_at: float = 0.0
    citizen: str = ""
    """Who the ``sub`` is, if the app knew when the event came (a login, a bank customer)."""
    received_at: float = Field(default_factory=time.time)


Reaction = Callable[[Session, ReceivedSignal], None]
"""What an app does about an event, in the transaction that records it."""
NameLookup = Callable[[Session, str], str | None]
"""Who a ``sub`` is, from the app's own records."""


@dataclass(frozen=True)
class Reactions:
    """An app's reactions to events, and where it looks up who a ``sub`` is (after its logins)."""

    apply: Sequence[Reaction] = ()
    names: Sequence[NameLookup] = ()


def subject_sub(event: SecurityEvent, issuer: str) -> str:
    """The ``sub`` of an ``iss_sub`` subject of ``issuer`` (RFC 9493 §3.2.6); empty for another."""
    subject = event.subject
    if subject.get("format") == "iss_sub" and subject.get("iss") == issuer:
        return str(subject.get("sub") or "")
    return ""


def store(engine: Engine, event: SecurityEvent, issuer: str, reactions: Reactions) -> bool:
    """Record ``event`` and apply ``reactions`` to it, all or nothing; False (nothing done) if its
    ``jti`` was received before."""
    with Session(engine) as db:
        if db.exec(select(ReceivedSignal.id).where(ReceivedSignal.jti == event.jti)).first():
            return False
        sub = subject_sub(event, issuer)
        row = ReceivedSignal(
            jti=event.jti,
            event_type=event.event_type,
            sub=sub,
            subject=event.subject,
            payload=event.payload,
            txn=str(event.claims.get("txn") or ""),
            happened_at=_happened_at(event),
            citizen=(name_of(db, sub, reactions.names) or "") if sub else "",
        )
        db.add(row)
        for react in reactions.apply:
            react(db, row)
        try:
            db.commit()
        except IntegrityError:  # the same SET, delivered twice at once: the other one applied it
            db.rollback()
            return False
    return True


def _happened_at(event: SecurityEvent) -> float:
    stamp = event.payload.get("event_timestamp", event.claims.get("iat"))
    return float(stamp) if isinstance(stamp, int | float) and not isinstance(stamp, bool) else 0.0


def name_of(db: Session, sub: str, lookups: Sequence[NameLookup] = ()) -> str | None:
    """The citizen's name as the app knows it: from its latest login of ``sub``, else its records."""
    statement = select(Login).where(Login.sub == sub).order_by(col(Login.id).desc())
    login = db.exec(statement).first()
    if login is not None:
        name = login.claim("name") or login.claim("HoVaTen")
        if name:
            return str(name)
    for lookup in lookups:
        found = lookup(db, sub)
        if found:
            return found
    return None


def recent(engine: Engine, limit: int = KEEP_SHOWN) -> list[ReceivedSignal]:
    """The latest events received, newest first."""
    with Session(engine) as db:
        statement = select(ReceivedSignal).order_by(col(ReceivedSignal.id).desc()).limit(limit)
        return list(db.exec(statement).all())
