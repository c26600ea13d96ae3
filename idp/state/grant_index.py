"""Which grants a client holds for a citizen: the index that lets a withdrawal of consent revoke them.

A grant (``grant_id``) lives in the state store under an opaque key; nothing there is searchable by
citizen. Every code redemption adds one row, ``(grant_id, pin, client_id, sid, sub)``, to the
``citizen_grant`` table of the population's database; withdrawing consent
(:mod:`idp.citizen.withdrawal`) reads the rows of one (citizen, client) pair, revokes each grant and
deletes the rows; a back-channel request's ``id_token_hint`` is traced back to its citizen by
:func:`pin_of_subject`. A row whose grant expired meanwhile is
harmless: revoking it again does nothing. ``issued_at`` is the provider's clock's, given by the caller.
"""

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables


class CitizenGrant(SQLModel, table=True):
    """One grant issued to one client for one citizen."""

    __tablename__ = "citizen_grant"
    # On SQLite, the rows live in their primary key's B-tree (no rowid table beside it): one page
    # fewer written per grant, on every complete flow. Other databases ignore the option.
    __table_args__ = {"sqlite_with_rowid": False}

    grant_id: str = Field(primary_key=True, max_length=64)
    pin: str = Field(index=True, max_length=12)
    client_id: str = Field(max_length=100)
    sid: str = Field(default="", max_length=64)
    sub: str = Field(max_length=64)
    issued_at: float


GRANTS: Table = CitizenGrant.__table__  # type: ignore[attr-defined]
_INSERT = insert(GRANTS)  # built once: the values come as parameters at each execution


def create_grant_index_table(engine: Engine) -> None:
    create_tables(engine, [GRANTS])


def index_grant(
    connection: Connection,
    grant_id: str,
    pin: str,
    client_id: str,
    sid: str,
    sub: str,
    *,
    at: float,
) -> None:
    """The grant's row, issued ``at``, in the caller's transaction."""
    row = {
        "grant_id": grant_id,
        "pin": pin,
        "client_id": client_id,
        "sid": sid or "",
        "sub": sub,
        "issued_at": at,
    }
    connection.execute(_INSERT, row)


def pin_of_subject(engine: Engine, client_id: str, sub: str) -> str | None:
    """The citizen a client knows as ``sub`` (from a grant issued to it), or None: the citizen of an
    ``id_token_hint`` (CIBA's back-channel request)."""
    query = (
        select(GRANTS.c.pin).where(GRANTS.c.client_id == client_id, GRANTS.c.sub == sub).limit(1)
    )
    with engine.connect() as connection:
        pin = connection.execute(query).scalar()
    return None if pin is None else str(pin)
