"""Dynamically registered clients (RFC 7591): kept in the ``oidc_client`` table of the database.

The clients of the JSON file stay where they are; this table holds only the ones registered over HTTP,
with the same metadata names and the secret as an Argon2id hash (:class:`~idp.oidc.clients.Client`).
A registered client never changes (there is no update endpoint), so each process keeps the clients it
has read: a flow asks for its client about seven times, each a query before. A client registered by
another replica is read at its first use; :meth:`RegisteredClients.forget` empties the memory when the
table is emptied (the sandbox's reset of everything).
"""

import json

from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.oidc.clients import Client
from idp.population_db.credentials import SecretVerifier
from idp.population_db.database import create_tables


class OidcClient(SQLModel, table=True):
    """One dynamically registered client."""

    __tablename__ = "oidc_client"

    client_id: str = Field(primary_key=True, max_length=100)
    metadata_json: str
    client_secret_hash: str | None = None
    issued_at: int


CLIENTS: Table = OidcClient.__table__  # type: ignore[attr-defined]


class RegisteredClients:
    """Registered clients by ``client_id``, in the database."""

    def __init__(self, engine: Engine, verifier: SecretVerifier) -> None:
        self.engine = engine
        self.verifier = verifier
        self._known: dict[str, Client] = {}
        create_tables(engine, [CLIENTS])

    def add(self, client: Client, issued_at: int) -> None:
        row = {
            "client_id": client.client_id,
            "metadata_json": json.dumps(client.metadata, ensure_ascii=False),
            "client_secret_hash": client.client_secret_hash,
            "issued_at": issued_at,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(CLIENTS).values(row))

    def all(self) -> list[Client]:
        """Every registered client."""
        query = select(CLIENTS.c.client_id, CLIENTS.c.metadata_json, CLIENTS.c.client_secret_hash)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            Client(
                row.client_id, json.loads(row.metadata_json), row.client_secret_hash, self.verifier
            )
            for row in rows
        ]

    def forget(self) -> None:
        """Read every client from the table again (it was emptied)."""
        self._known = {}

    def get(self, client_id: str) -> Client | None:
        if (known := self._known.get(client_id)) is not None:
            return known
        query = select(CLIENTS.c.metadata_json, CLIENTS.c.client_secret_hash).where(
            CLIENTS.c.client_id == client_id
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None  # not remembered: another replica may register it
        client = Client(
            client_id, json.loads(row.metadata_json), row.client_secret_hash, self.verifier
        )
        self._known[client_id] = client
        return client
