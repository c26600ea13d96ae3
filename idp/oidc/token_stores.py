"""The typed stores of what a grant leaves in the state store, each owning its keys: grants, codes and
refresh tokens (single use, with their spent markers), replay caches (``nonce``, client assertions'
``jti``) and revoked access tokens.

A *grant* (``grant_id``) is the family of tokens born from one authorization code; it lives from the
moment its code is issued (:meth:`Grants.open`), so that a replay of the code revokes it even while the
first redemption is on its way, and is only ever extended while alive (:meth:`Grants.extend`).

Codes and refresh tokens are single-use (RFC 6749 §4.1.2, RFC 9700 §4.14.2), bound to the client they
were issued to: :meth:`SingleUse.find_unspent` reads one without spending it (another client gets
nothing, and nothing is used up or revoked); :meth:`SingleUse.spend` adds its spent marker atomically
(the store's ``add``), so of concurrent spenders, in one process or across replicas, exactly one wins,
and every loser, a replay, revokes the grant. A spent one presented again by its own client revokes
the grant too (it leaked).
"""

from typing import Any

from idp.state.clock import Clock
from idp.state.store import JsonObject
from idp.state.store import StateStore


class Grants:
    """Grants by id (``grant:``): what userinfo needs to know of one (the citizen, the identity
    proven, the ``claims`` request)."""

    PREFIX = "grant:"

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def open(self, grant_id: str, code: JsonObject, ttl: int) -> None:
        """Start the grant an authorization code (its record, ``code``) is issued for."""
        user = code["user"]
        grant = {
            "pin": user["pin"],
            "client_id": code["client_id"],
            "acr": user["acr"],
            "account_level": user["account_level"],
            "claims": code.get("claims"),
        }
        self.store.put(self.PREFIX + grant_id, grant, ttl)

    def get(self, grant_id: str) -> JsonObject | None:
        return self.store.get(self.PREFIX + grant_id)

    def is_active(self, grant_id: str) -> bool:
        return self.get(grant_id) is not None

    def extend(self, grant_id: str, ttl: int) -> bool:
        """Keep a live grant ``ttl`` seconds more; False for one revoked or expired (it stays so)."""
        return self.store.extend(self.PREFIX + grant_id, ttl)

    def revoke(self, grant_id: str) -> None:
        self.store.delete(self.PREFIX + grant_id)


class SingleUse:
    """Codes (``code:``, spent ``used-code:``) or refresh tokens (``refresh:``, spent ``rotated:``):
    records of a ``client_id`` and a ``user`` (with its ``grant_id``)."""

    def __init__(self, store: StateStore, grants: Grants, prefix: str, spent_prefix: str) -> None:
        self.store = store
        self.grants = grants
        self.prefix = prefix
        self.spent_prefix = spent_prefix

    @classmethod
    def codes(cls, store: StateStore, grants: Grants) -> "SingleUse":
        """Authorization codes."""
        return cls(store, grants, "code:", "used-code:")

    @classmethod
    def refresh_tokens(cls, store: StateStore, grants: Grants) -> "SingleUse":
        """Refresh tokens, rotated at each use."""
        return cls(store, grants, "refresh:", "rotated:")

    def put(self, value: str, record: JsonObject, ttl: int) -> None:
        self.store.put(self.prefix + value, record, ttl)

    def get(self, value: str) -> JsonObject | None:
        """The live record, whoever asks (introspection, revocation)."""
        return self.store.get(self.prefix + value)

    def delete(self, value: str) -> None:
        self.store.delete(self.prefix + value)

    def find_unspent(self, value: str, client_id: str) -> JsonObject | None:
        """The record if ``client_id`` may spend it, without spending it; a spent one presented again
        by its own client revokes its grant."""
        record = self.get(value)
        if record is not None:
            return record if record["client_id"] == client_id else None
        spent = self.store.get(self.spent_prefix + value)
        if spent is not None and spent["client_id"] == client_id:
            self.grants.revoke(spent["grant_id"])
        return None

    def spend(self, value: str, record: JsonObject, ttl: int) -> bool:
        """Spend a record :meth:`find_unspent` gave; False (the grant revoked) for a loser."""
        grant_id = record["user"]["grant_id"]
        marker = {"grant_id": grant_id, "client_id": record["client_id"]}
        if not self.store.add(self.spent_prefix + value, marker, ttl):
            self.grants.revoke(grant_id)
            return False
        self.delete(value)
        return True


class ReplayCache:
    """Values seen once (a ``nonce`` per client while its ID token lives, a client assertion's
    ``jti`` while it could be replayed): the store's atomic ``add``."""

    def __init__(self, store: StateStore, prefix: str) -> None:
        self.store = store
        self.prefix = prefix

    @classmethod
    def nonces(cls, store: StateStore) -> "ReplayCache":
        """The ``nonce`` of each authorization request, per client (OIDC Core §3.1.2.1)."""
        return cls(store, "nonce:")

    @classmethod
    def assertion_ids(cls, store: StateStore) -> "ReplayCache":
        """The ``jti`` of each client assertion, per client (RFC 7523 §3)."""
        return cls(store, "jti:")

    def first_time(self, value: str, ttl: int) -> bool:
        """Whether ``value`` is new (and is now remembered for ``ttl`` seconds)."""
        return self.store.add(self.prefix + value, {}, max(ttl, 1))

    def seen(self, value: str) -> bool:
        return self.store.get(self.prefix + value) is not None


class RevokedAccessTokens:
    """Access tokens revoked one by one (RFC 7009), by ``jti`` (``revoked-jti:``), for the rest of
    their lives."""

    PREFIX = "revoked-jti:"

    def __init__(self, store: StateStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def revoke(self, jti: Any, expires_at: float) -> None:
        ttl = max(1, int(expires_at - self.clock.now()) + 1)
        self.store.put(f"{self.PREFIX}{jti}", {}, ttl)

    def is_revoked(self, jti: Any) -> bool:
        return self.store.get(f"{self.PREFIX}{jti}") is not None
