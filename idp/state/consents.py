"""Remembered consent (sự đồng ý chia sẻ): per citizen, per client, per scope, in the database.

PRODUCT.md "Consent and disclosure": the citizen consents once per scope; a later authorization request
covered by what they granted skips the consent page, one that asks for more shows it again for the
difference, and ``prompt=consent`` always shows it. One row per (PIN, client, scope) in the
``citizen_consent`` table of the population's database (SQLModel, created at startup), with when it was
given (``at``, on the provider's clock, from the caller) and the ``acr`` of the session that gave it.
Withdrawal deletes the client's rows.
"""

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables
from idp.population_db.database import dialect_insert


class CitizenConsent(SQLModel, table=True):
    """One scope a citizen agreed to share with one client."""

    __tablename__ = "citizen_consent"
    __table_args__ = {"sqlite_with_rowid": False}  # as the grant index: one page fewer per write

    pin: str = Field(primary_key=True, max_length=12)
    client_id: str = Field(primary_key=True, max_length=100)
    scope: str = Field(primary_key=True, max_length=40)
    granted_at: float
    acr: str | None = Field(default=None, max_length=10)


CONSENTS: Table = CitizenConsent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClientConsent:
    """What a citizen shares with one client."""

    client_id: str
    scopes: list[str]
    granted_at: float
    acr: str | None


def create_consent_table(engine: Engine) -> None:
    create_tables(engine, [CONSENTS])


_OF_CLIENT = (CONSENTS.c.pin == bindparam("pin"), CONSENTS.c.client_id == bindparam("client_id"))
# Built once: asked at every authorization, answered at every consent page.
_GRANTED = select(CONSENTS.c.scope).where(*_OF_CLIENT)
_REFUSE = delete(CONSENTS).where(*_OF_CLIENT, CONSENTS.c.scope == bindparam("scope"))


@functools.cache
def _upsert(dialect: str) -> Any:
    """An insert that refreshes the row an answer given at the same moment wrote (two tabs, a double
    submit: on PostgreSQL the other transaction's new row is invisible to our delete); built once per
    dialect."""
    statement = dialect_insert(dialect)(CONSENTS)
    fresh = {"granted_at": statement.excluded.granted_at, "acr": statement.excluded.acr}
    return statement.on_conflict_do_update(index_elements=list(CONSENTS.primary_key), set_=fresh)


def granted_scopes(engine: Engine, pin: str, client_id: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(_GRANTED, {"pin": pin, "client_id": client_id}).scalars())


def covers(engine: Engine, pin: str, client_id: str, scopes: list[str]) -> bool:
    """Whether the citizen already consented to every one of ``scopes`` for this client."""
    return set(scopes) <= granted_scopes(engine, pin, client_id)


def remember(
    engine: Engine,
    pin: str,
    client_id: str,
    requested: list[str],
    granted: list[str],
    acr: str | None,
    *,
    at: float,
) -> None:
    """The citizen's answer to a consent page, given ``at``: each requested scope is now granted or
    not."""
    rows = [
        {"pin": pin, "client_id": client_id, "scope": scope, "granted_at": at, "acr": acr}
        for scope in sorted(set(granted))
    ]
    refused = [
        {"pin": pin, "client_id": client_id, "scope": scope}
        for scope in sorted(set(requested) - set(granted))
    ]
    with engine.begin() as connection:
        if refused:
            connection.execute(_REFUSE, refused)
        if rows:
            connection.execute(_upsert(connection.dialect.name), rows)


def forget(connection: Connection, pin: str, client_id: str) -> int:
    """Withdraw every scope the citizen granted this client (in the caller's transaction); how many."""
    where = (CONSENTS.c.pin == pin, CONSENTS.c.client_id == client_id)
    return connection.execute(delete(CONSENTS).where(*where)).rowcount


def consents_of(engine: Engine, pin: str) -> list[ClientConsent]:
    """Every client the citizen shares with, by client id."""
    query = select(CONSENTS).where(CONSENTS.c.pin == pin).order_by(CONSENTS.c.client_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    found: dict[str, ClientConsent] = {}
    for row in rows:
        previous = found.get(row.client_id)
        scopes = [*(previous.scopes if previous else []), row.scope]
        latest = max(row.granted_at, previous.granted_at if previous else 0.0)
        acr = row.acr if previous is None or row.granted_at >= previous.granted_at else previous.acr
        found[row.client_id] = ClientConsent(row.client_id, sorted(scopes), latest, acr)
    return list(found.values())
