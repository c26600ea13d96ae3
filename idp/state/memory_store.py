"""The in-process implementation of :class:`idp.state.store.StateStore`: the embedded mode's default.

One provider process keeps its sessions, interactions, codes, refresh-token families and replay caches in
a dictionary, as node oidc-provider's default ``MemoryAdapter`` and oidc-provider-mock do: nothing to set
up, nothing written to disk per protocol step, and everything forgotten at a restart (citizens log in
again; remembered consents, the audit trail and the population stay in the database). Several provider
processes must share their state through the SQL table or Redis instead (``VNEID_STATE_STORE_URL``).

Values are kept as JSON text, so that what comes back is a fresh copy with exactly the types the SQL and
Redis stores return (tuples come back as lists). One lock makes every operation atomic: the routes run in
one event loop, but the ``def`` routes (logout, withdrawal) run in FastAPI's thread pool. Expired entries
are invisible at once and swept at most once a minute, so the dictionary does not grow without bound.
Entries expire on the provider's :class:`~idp.state.clock.Clock`; the sweep's interval is a duration,
measured by :func:`time.monotonic`.
"""

import threading
import time
from collections.abc import Callable

from idp.state import json_text
from idp.state.clock import Clock
from idp.state.store import JsonObject

SWEEP_INTERVAL = 60.0


class MemoryStateStore:
    """Key → JSON object with a time to live, in this process's memory."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_INTERVAL

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def put(self, key: str, value: JsonObject, ttl: int) -> None:
        text = json_text.dumps(value)
        with self._lock:
            self._entries[key] = (self.clock.now() + ttl, text)
            self._sweep_when_due()

    def get(self, key: str) -> JsonObject | None:
        with self._lock:
            entry = self._entries.get(key)
        return self._live(entry)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def take(self, key: str) -> JsonObject | None:
        with self._lock:
            entry = self._entries.pop(key, None)
        return self._live(entry)

    def add(self, key: str, value: JsonObject, ttl: int) -> bool:
        text = json_text.dumps(value)
        now = self.clock.now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                return False
            self._entries[key] = (now + ttl, text)
            return True

    def incr(self, key: str, ttl: int) -> int:
        now = self.clock.now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                expires_at, count = now + ttl, 1
            else:
                expires_at, count = entry[0], int(entry[1]) + 1
            self._entries[key] = (expires_at, str(count))
            return count

    def extend(self, key: str, ttl: int) -> bool:
        now = self.clock.now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                return False
            self._entries[key] = (now + ttl, entry[1])
            return True

    def update(
        self, key: str, change: Callable[[JsonObject | None], JsonObject], ttl: int
    ) -> JsonObject:
        with self._lock:
            value = change(self._live(self._entries.get(key)))
            self._entries[key] = (self.clock.now() + ttl, json_text.dumps(value))
            return value

    def __len__(self) -> int:
        """Entries held, expired ones not yet swept included."""
        return len(self._entries)

    def sweep(self) -> None:
        """Forget every expired entry (called by :meth:`put` at most once a minute)."""
        with self._lock:
            self._sweep()

    def _sweep_when_due(self) -> None:
        if time.monotonic() >= self._next_sweep:
            self._sweep()

    def _sweep(self) -> None:
        now = self.clock.now()
        for key in [key for key, (expires_at, _) in self._entries.items() if expires_at <= now]:
            del self._entries[key]
        self._next_sweep = time.monotonic() + SWEEP_INTERVAL

    def _live(self, entry: tuple[float, str] | None) -> JsonObject | None:
        if entry is None or entry[0] <= self.clock.now():
            return None
        return json_text.loads(entry[1])
