"""Which provider processes may share one database: any number on a shared state store (``sql``,
Redis), but a process on the in-process ``memory`` store alone. Such a process keeps sessions, codes and
refresh tokens that no other process can see: a second one beside it would answer ``/revoke`` with 200
and revoke nothing, refuse every code the first issued, and so on. So it is refused at start.

Each process claims the database for its whole life, shared (a shared store) or exclusive (``memory``),
with a lock the operating system or the database server drops when the process ends, however it ends:
PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock_shared`` / ``pg_try_advisory_lock``) on a
connection kept for that purpose; SQLite: ``flock`` on a lock file beside the database file. Several
apps built in one process (a test suite, say) share that process's claim.
"""

import fcntl
import os
import threading
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import text

PROVIDER_LOCK = 0x766E6569645F7072  # "vneid_pr"
REFUSAL = (
    "another vneid-mock process is using this database{detail}: a provider on the in-process "
    "state store (VNEID_STATE_STORE_URL=memory) must be alone on its database; give every process "
    "the same shared store (VNEID_STATE_STORE_URL=sql or redis://…)"
)


class DatabaseClaimedError(RuntimeError):
    """Another process holds the database in a way this one cannot share."""


class _Lock(Protocol):
    def take(self, exclusive: bool) -> bool:
        """Take (or upgrade to) the lock without waiting; whether it was granted."""


@dataclass
class _Claim:
    lock: _Lock
    exclusive: bool = False
    taken: bool = False


_CLAIMS: dict[str, _Claim] = {}
_GUARD = threading.Lock()


def claim_database(engine: Engine, exclusive: bool) -> None:
    """Claim ``engine``'s database for this process, exclusively for a ``memory`` store; raise
    :class:`DatabaseClaimedError` when another process's claim forbids it."""
    key = _database_key(engine)
    if key is None:  # an in-memory SQLite database belongs to this process anyway
        return
    with _GUARD:
        claim = _CLAIMS.get(key) or _CLAIMS.setdefault(key, _Claim(_lock_for(engine)))
        if claim.taken and (claim.exclusive or not exclusive):
            return
        if not claim.lock.take(exclusive):
            detail = "" if exclusive else " on the in-process state store"
            raise DatabaseClaimedError(REFUSAL.format(detail=detail))
        claim.taken, claim.exclusive = True, exclusive


def _database_key(engine: Engine) -> str | None:
    url = engine.url
    if engine.dialect.name == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return f"sqlite:{os.path.realpath(url.database)}"
    return url.render_as_string(hide_password=True)


def _lock_for(engine: Engine) -> _Lock:
    if engine.dialect.name == "sqlite":
        assert engine.url.database is not None
        return _FileLock(f"{engine.url.database}.provider.lock")
    return _AdvisoryLock(engine)


class _FileLock:
    """``flock`` on a lock file, open for the process's life."""

    def __init__(self, path: str) -> None:
        self.descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def take(self, exclusive: bool) -> bool:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(self.descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class _AdvisoryLock:
    """A PostgreSQL session-level advisory lock, on a connection taken out of the pool for the
    process's life (the server drops the lock when the connection dies)."""

    def __init__(self, engine: Engine) -> None:
        connection: Connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        connection.detach()
        self.connection = connection

    def take(self, exclusive: bool) -> bool:
        function = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
        query = text(f"SELECT {function}(:key)")
        return bool(self.connection.execute(query, {"key": PROVIDER_LOCK}).scalar_one())
