"""Queued scenarios: which injected outcome the next matching requests get.

A test queues an entry of the catalogue (:mod:`idp.sandbox.catalogue`), optionally only for one client
or one citizen, for ``times`` requests; each matching request takes one (under a lock, so two
requests never both take the last). Entries live in the provider process that was told (the sandbox
drives one process), until taken or dropped.
"""

import threading
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from idp.sandbox.catalogue import CATALOGUE
from idp.sandbox.catalogue import JWKS
from idp.sandbox.catalogue import TOKEN

BY_CLIENT_ONLY = (TOKEN, JWKS)
"""Endpoints whose scenarios are matched before the citizen is known: a citizen filter is refused."""


class UnknownScenarioError(ValueError):
    """A name that is not in the catalogue, or a filter its endpoint cannot apply."""


@dataclass
class Pending:
    """A queued scenario: ``remaining`` requests still get it."""

    name: str
    client_id: str | None
    pin: str | None
    remaining: int
    seconds: float | None

    def matches(self, endpoint: str, client_id: str | None, pin: str | None) -> bool:
        if CATALOGUE[self.name].endpoint != endpoint:
            return False
        if self.client_id is not None and self.client_id != client_id:
            return False
        return self.pin is None or self.pin == pin

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "endpoint": CATALOGUE[self.name].endpoint}


class Scenarios:
    """The queue of one provider."""

    def __init__(self) -> None:
        self._pending: list[Pending] = []
        self._lock = threading.Lock()

    def add(
        self,
        name: str,
        *,
        client_id: str | None = None,
        pin: str | None = None,
        times: int = 1,
        seconds: float | None = None,
    ) -> Pending:
        """Queue ``name`` for the next ``times`` matching requests."""
        if name not in CATALOGUE:
            raise UnknownScenarioError(f"no scenario {name!r} in the catalogue")
        endpoint = CATALOGUE[name].endpoint
        if pin is not None and endpoint in BY_CLIENT_ONLY:
            raise UnknownScenarioError(f"{name} is matched by client only, not by citizen")
        if client_id is not None and endpoint == JWKS:
            raise UnknownScenarioError(f"{name} applies to every client")
        entry = Pending(name, client_id, pin, times, seconds)
        with self._lock:
            self._pending.append(entry)
        return entry

    def take(self, endpoint: str, client_id: str | None, pin: str | None = None) -> Pending | None:
        """The first queued scenario for ``endpoint`` that matches this client and citizen, counted
        down (dropped at zero); None when there is none, at once when nothing is queued."""
        if not self._pending:  # read without the lock: the common case, on every request
            return None
        with self._lock:
            for entry in self._pending:
                if entry.matches(endpoint, client_id, pin):
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        self._pending.remove(entry)
                    return Pending(entry.name, client_id, pin, 1, entry.seconds)
        return None

    def queued(self) -> bool:
        """Whether anything is queued (read without the lock: asked on every request)."""
        return bool(self._pending)

    def pending(self) -> list[Pending]:
        with self._lock:
            return list(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
