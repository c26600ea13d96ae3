"""Ephemeral protocol state (trạng thái tạm thời): sessions, interactions, codes, refresh-token families,
replay caches, rate windows. One small interface, :class:`StateStore`, key → JSON object with a time to
live, with three implementations: this process's memory (:mod:`idp.state.memory_store`, the embedded
default), a table of the database (:mod:`idp.state.sql_store`) and Redis (:mod:`idp.state.redis_store`,
the distributed mode), chosen by :func:`idp.state.opening.open_state_store`.

Every "use once" operation is atomic in the store itself (``take``, ``add``, ``incr``), and so are the two
that would otherwise be a read and a write another provider process could come between (``extend``,
``update``). The kinds of state are kept by typed stores, each owning its key prefix, next to the type
they keep (the session, the interaction, codes and grants, the login's rate windows and codes).
"""

from collections.abc import Callable
from typing import Any
from typing import Protocol

JsonObject = dict[str, Any]


class StateStore(Protocol):
    """Key → JSON object with a time to live."""

    def put(self, key: str, value: JsonObject, ttl: int) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, replacing what was there."""

    def get(self, key: str) -> JsonObject | None:
        """The live value under ``key``, or None."""

    def delete(self, key: str) -> None:
        """Forget ``key``."""

    def take(self, key: str) -> JsonObject | None:
        """Atomically read and delete ``key``: of concurrent takers, at most one gets the value."""

    def add(self, key: str, value: JsonObject, ttl: int) -> bool:
        """Atomically store ``value`` only if ``key`` is absent (or expired): of concurrent adders, at
        most one gets True (a replay cache; Redis: ``SET NX EX``)."""

    def incr(self, key: str, ttl: int) -> int:
        """Atomically add one to the counter ``key`` and return it: an absent (or expired) counter
        starts at 1 and lives ``ttl`` seconds from then; later increments keep that expiry (a fixed
        window; Redis: ``INCR`` + ``PEXPIRE NX``). A counter's key is only ever used through ``incr``.
        """

    def extend(self, key: str, ttl: int) -> bool:
        """Atomically make the live entry under ``key`` live ``ttl`` seconds from now, value unchanged;
        False, and nothing stored, when it is absent or expired (Redis: ``PEXPIRE``)."""

    def clear(self) -> None:
        """Forget every entry (the sandbox's reset of everything; Redis: this prefix's keys only)."""

    def update(
        self, key: str, change: Callable[[JsonObject | None], JsonObject], ttl: int
    ) -> JsonObject:
        """Atomically replace the live value under ``key`` (None when absent or expired) by ``change``
        of it, for ``ttl`` seconds, and return the new value. ``change`` runs again whenever another
        writer changed the entry first (Redis: ``WATCH`` + ``MULTI``; SQL: a compare-and-set), so it
        must be a pure function of its argument that never calls the store."""
