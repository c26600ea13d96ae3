"""Registered clients are remembered by the process that read them, and a client another replica
registers is found at its first use: only a found client is remembered."""

from pathlib import Path

from idp.oidc.clients import Client
from idp.oidc.registered_clients import RegisteredClients
from idp.population_db.credentials import SecretVerifier
from idp.population_db.database import connect


def test_a_replica_finds_what_another_registered_and_remembers_it(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'clients.sqlite3'}")
    mine, theirs = (
        RegisteredClients(engine, SecretVerifier()),
        RegisteredClients(engine, SecretVerifier()),
    )
    assert mine.get("late") is None
    theirs.add(Client("late", {"redirect_uris": ["http://127.0.0.1/cb"]}, None), 0)
    found = mine.get("late")
    assert found is not None
    assert found.client_id == "late"
    assert mine.get("late") is found  # remembered: the same object, no query
    mine.forget()
    again = mine.get("late")
    assert again is not None
    assert again is not found
    engine.dispose()
