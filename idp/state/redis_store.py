"""The Redis implementation of :class:`idp.state.store.StateStore`, for the distributed mode.

Several provider processes share their sessions, codes, refresh-token families and replay caches through
one Redis server (``VNEID_STATE_STORE_URL=redis://…``). Every "use once" operation is one atomic Redis
command: ``take`` is ``GETDEL`` (Redis ≥ 6.2), ``add`` is ``SET NX PX``, ``incr`` is ``INCR`` then
``PEXPIRE NX`` (Redis ≥ 7.0) in one ``MULTI`` transaction; ``extend`` is ``PEXPIRE`` (nothing on a
missing key) and ``update`` an optimistic ``WATCH`` / ``GET`` / ``MULTI`` / ``SET`` / ``EXEC``, tried
again when another client wrote the key in between. Expiry is Redis's own, so an expired entry is simply
absent. Values are JSON; keys carry a prefix so that one Redis can hold several sandboxes.
"""

from collections.abc import Callable
from typing import Any

import redis

from idp.state import json_text
from idp.state.store import JsonObject


class RedisStateStore:
    """Key → JSON object with a time to live, in Redis."""

    def __init__(self, url: str, prefix: str = "vneid:") -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    def put(self, key: str, value: JsonObject, ttl: int) -> None:
        if ttl <= 0:  # already expired: what a later ``get`` would see
            self.client.delete(self.prefix + key)
            return
        self.client.set(self.prefix + key, json_text.dumps(value), px=ttl * 1000)

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start : start + 1000])

    def get(self, key: str) -> JsonObject | None:
        return _loads(self.client.get(self.prefix + key))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def take(self, key: str) -> JsonObject | None:
        return _loads(self.client.getdel(self.prefix + key))

    def add(self, key: str, value: JsonObject, ttl: int) -> bool:
        stored = self.client.set(
            self.prefix + key, json_text.dumps(value), px=max(ttl, 1) * 1000, nx=True
        )
        return bool(stored)

    def incr(self, key: str, ttl: int) -> int:
        with self.client.pipeline(transaction=True) as pipeline:
            pipeline.incr(self.prefix + key)
            pipeline.pexpire(self.prefix + key, max(ttl, 1) * 1000, nx=True)
            count, _ = pipeline.execute()
        return int(count)

    def extend(self, key: str, ttl: int) -> bool:
        return bool(self.client.pexpire(self.prefix + key, max(ttl, 1) * 1000))

    def update(
        self, key: str, change: Callable[[JsonObject | None], JsonObject], ttl: int
    ) -> JsonObject:
        name = self.prefix + key
        with self.client.pipeline() as pipeline:
            while True:
                try:
                    pipeline.watch(name)  # type: ignore[no-untyped-call]  # unannotated in redis-py
                    value = change(_loads(pipeline.get(name)))
                    pipeline.multi()
                    pipeline.set(name, json_text.dumps(value), px=max(ttl, 1) * 1000)
                    pipeline.execute()
                    return value
                except redis.WatchError:  # another client wrote the key since WATCH: again
                    continue


def _loads(value: Any) -> JsonObject | None:
    if value is None:
        return None
    return json_text.loads(value)
