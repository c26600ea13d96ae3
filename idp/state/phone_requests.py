"""Approval requests on the phone (yêu cầu xác nhận trên ứng dụng): what waits for a citizen's
decision in the VNeID app.

Each row asks one citizen to approve or refuse one interaction (:mod:`idp.oidc.interaction`): a QR code
shown on a login page (``qr``: no citizen until a phone scans it, which claims it, once), a back-channel
request (``ciba``, OpenID Connect CIBA Core 1.0), a device-flow request (``device``, RFC 8628) or a
mobile app's hand-over (``app``) or a bank's sharing transaction (``share``). The row carries a server ``nonce`` that the phone signs into its
approval; each signed answer spends the nonce (:func:`spend_nonce`), so an approval is never accepted
twice, and the request is decided once (:func:`decide`, a conditional update: of two decisions racing,
on one replica or several, one wins). Rows stay as the citizen's history of approvals. Times are the
provider's clock's, from the caller. The ``phone_request`` table lives in the population's database.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables
from idp.population_db.database import dialect_insert

PENDING = "pending"
APPROVED = "approved"
REFUSED = "refused"
UNMET = "unmet"
KINDS = ("qr", "ciba", "device", "app", "share")


class PhoneRequest(SQLModel, table=True):
    """One request for a citizen's decision on the phone."""

    __tablename__ = "phone_request"

    id: str = Field(primary_key=True, max_length=64)
    uid: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=10)
    client_id: str | None = Field(default=None, max_length=100)
    pin: str | None = Field(default=None, index=True, max_length=12)
    nonce: str = Field(max_length=64)
    status: str = Field(default=PENDING, max_length=10)
    binding_message: str = ""
    granted: str = ""
    created_at: float
    expires_at: float
    decided_at: float | None = None


PHONE_REQUESTS: Table = PhoneRequest.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Request:
    """A request as read back."""

    id: str
    uid: str
    kind: str
    client_id: str | None
    pin: str | None
    nonce: str
    status: str
    binding_message: str
    granted: str
    created_at: float
    expires_at: float
    decided_at: float | None

    def live(self, now: float) -> bool:
        """Still waiting for a decision, and not expired."""
        return self.status == PENDING and now < self.expires_at


def create_phone_request_table(engine: Engine) -> None:
    create_tables(engine, [PHONE_REQUESTS])


def new_id() -> str:
    """A request id: unguessable (a QR code carries it)."""
    return secrets.token_urlsafe(24)


def open_once(
    engine: Engine,
    *,
    request_id: str,
    uid: str,
    kind: str,
    client_id: str | None,
    expires_at: float,
    at: float,
) -> None:
    """The request ``request_id`` for no citizen yet, unless it exists (a QR code's, opened when its
    image is first drawn or when it is first scanned)."""
    row = {
        "id": request_id,
        "uid": uid,
        "kind": kind,
        "client_id": client_id,
        "pin": None,
        "nonce": secrets.token_urlsafe(24),
        "created_at": at,
        "expires_at": expires_at,
    }
    insert = dialect_insert(engine.dialect.name)(PHONE_REQUESTS).values(**row)
    with engine.begin() as connection:
        connection.execute(insert.on_conflict_do_nothing(index_elements=["id"]))


def open_request(
    engine: Engine,
    *,
    uid: str,
    kind: str,
    client_id: str | None,
    pin: str | None,
    expires_at: float,
    at: float,
    binding_message: str = "",
) -> str:
    """A new request for interaction ``uid``; its id (unguessable: a QR code carries it)."""
    request_id = new_id()
    row = {
        "id": request_id,
        "uid": uid,
        "kind": kind,
        "client_id": client_id,
        "pin": pin,
        "nonce": secrets.token_urlsafe(24),
        "binding_message": binding_message,
        "created_at": at,
        "expires_at": expires_at,
    }
    with engine.begin() as connection:
        connection.execute(PHONE_REQUESTS.insert().values(**row))
    return request_id


def find(engine: Engine, request_id: str) -> Request | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(PHONE_REQUESTS).where(PHONE_REQUESTS.c.id == request_id)
        ).first()
    return None if row is None else Request(**row._asdict())


def claim(engine: Engine, request_id: str, pin: str, *, now: float) -> bool:
    """The phone of ``pin`` scanned the request's QR code: it becomes that citizen's, unless another
    phone scanned it first, it was decided, or it expired."""
    claimed = (
        update(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.id == request_id, PHONE_REQUESTS.c.pin.is_(None))
        .where(PHONE_REQUESTS.c.status == PENDING, PHONE_REQUESTS.c.expires_at > now)
        .values(pin=pin)
    )
    with engine.begin() as connection:
        return connection.execute(claimed).rowcount == 1


def pending_for(engine: Engine, pin: str, *, now: float) -> list[Request]:
    """The citizen's requests waiting for a decision, newest first."""
    query = (
        select(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.pin == pin, PHONE_REQUESTS.c.status == PENDING)
        .where(PHONE_REQUESTS.c.expires_at > now)
        .order_by(PHONE_REQUESTS.c.created_at.desc())
    )
    with engine.connect() as connection:
        return [Request(**row._asdict()) for row in connection.execute(query)]


def history_for(engine: Engine, pin: str, limit: int = 50) -> list[Request]:
    """The citizen's decided requests, newest first."""
    query = (
        select(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.pin == pin, PHONE_REQUESTS.c.status != PENDING)
        .order_by(PHONE_REQUESTS.c.decided_at.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [Request(**row._asdict()) for row in connection.execute(query)]


def spend_nonce(engine: Engine, request_id: str, nonce: str) -> bool:
    """Spend the nonce an answer signed, replacing it with a new one: true for the first answer that
    carries it, false for any other (a replay, a stale or forged nonce)."""
    spent = (
        update(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.id == request_id, PHONE_REQUESTS.c.nonce == nonce)
        .where(PHONE_REQUESTS.c.status == PENDING)
        .values(nonce=secrets.token_urlsafe(24))
    )
    with engine.begin() as connection:
        return connection.execute(spent).rowcount == 1


def decide(engine: Engine, request_id: str, status: str, granted: str, *, at: float) -> bool:
    """Record the decision, once: false when the request was decided already."""
    decided = (
        update(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.id == request_id, PHONE_REQUESTS.c.status == PENDING)
        .values(status=status, granted=granted, decided_at=at)
    )
    with engine.begin() as connection:
        return connection.execute(decided).rowcount == 1


def forget_all(engine: Engine) -> None:
    """Forget every request (the sandbox's reset of everything)."""
    with engine.begin() as connection:
        connection.execute(delete(PHONE_REQUESTS))


def unclaimed_codes(engine: Engine, *, now: float, limit: int = 20) -> list[Request]:
    """The login QR codes shown now that no phone has scanned yet (the phone's scan screen lists
    them: a sandbox has no camera)."""
    query = (
        select(PHONE_REQUESTS)
        .where(PHONE_REQUESTS.c.kind == "qr", PHONE_REQUESTS.c.pin.is_(None))
        .where(PHONE_REQUESTS.c.status == PENDING, PHONE_REQUESTS.c.expires_at > now)
        .order_by(PHONE_REQUESTS.c.created_at.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [Request(**row._asdict()) for row in connection.execute(query)]
