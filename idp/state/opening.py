"""Which state store a provider process uses (``VNEID_STATE_STORE_URL``): its own memory (the embedded
default), the ``oidc_state`` table of its database (``sql``), or Redis (``redis://…``, the distributed
mode), each as a :class:`idp.state.store.StateStore`."""

from sqlalchemy import Engine

from idp.state.memory_store import MemoryStateStore
from idp.state.redis_store import RedisStateStore
from idp.state.sql_store import SqlStateStore
from idp.state.store import StateStore


def open_state_store(url: str, prefix: str, engine: Engine) -> StateStore:
    """The store ``url`` names; Redis keys carry ``prefix``, the SQL store lives in ``engine``."""
    if url == "memory":
        return MemoryStateStore()
    if url == "sql":
        return SqlStateStore(engine)
    return RedisStateStore(url, prefix)
