"""Which state store a provider process uses (``VNEID_STATE_STORE_URL``): its own memory (the embedded
default), the ``oidc_state`` table of its database (``sql``), or Redis (``redis://…``, the distributed
mode), each as a :class:`idp.state.store.StateStore`. The memory and SQL stores expire entries on the
provider's clock; Redis expires its keys on its own (server-side TTLs), so it is not given the clock."""

from sqlalchemy import Engine

from idp.state.clock import Clock
from idp.state.memory_store import MemoryStateStore
from idp.state.sql_store import SqlStateStore
from idp.state.store import StateStore


def open_state_store(url: str, prefix: str, engine: Engine, clock: Clock) -> StateStore:
    """The store ``url`` names; Redis keys carry ``prefix``, the SQL store lives in ``engine``; the
    memory and SQL stores tell time by ``clock``."""
    if url == "memory":
        return MemoryStateStore(clock)
    if url == "sql":
        return SqlStateStore(engine, clock)
    # Imported here: the Redis client is a twentieth of a second of every start that does not use it.
    from idp.state.redis_store import RedisStateStore

    return RedisStateStore(url, prefix)
