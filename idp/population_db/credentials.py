"""Password, passcode and client-secret hashes (Argon2id, through argon2-cffi), with sandbox parameters.

Every synthetic citizen with an account shares the documented sandbox password and passcode. Hashing a
million times would take hours, so a population stores one hash per secret, computed once with a salt
derived from the seed: the same seed still gives a byte-identical database.

The parameters are deliberately light (Argon2id, 1 MiB, one pass, one lane: about 0.4 ms here) instead of
argon2-cffi's RFC 9106 defaults (64 MiB, three passes, four lanes: about 150–200 ms on two cores). The
secrets they protect are public sandbox values, and an integration suite logs in thousands of times, so
the expensive parameters would only make the mock slow (issue 3's benchmark: 80 % of the server's CPU per
flow went to two verifications). The code path is the real one: Argon2id hashes, verified by argon2-cffi
with the parameters recorded in each hash, so a population seeded with other parameters still verifies.

:class:`SecretVerifier` spares the provider a repeated Argon2 verification of a secret that already
verified (a relying party presents the same client secret at every token request; every synthetic
citizen has the same password): it remembers, per stored hash, an HMAC of the last secret that matched
it, under a key drawn at start-up and never stored. Only a match is remembered, so a wrong secret
always costs a full Argon2 verification; the caller turns the memo off where a fast answer would tell
something the response must not (a locked-out account: the right password must look like a wrong one).
"""

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

TIME_COST = 1
MEMORY_COST_KIB = 1024
PARALLELISM = 1


def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


def hash_secret(secret: str, salt_source: str | None = None) -> str:
    """An Argon2id hash of ``secret``; its salt is derived from ``salt_source`` (deterministic) when one is
    given, random otherwise."""
    if salt_source is None:
        return _hasher().hash(secret)
    salt = hashlib.sha256(f"vneid-mock salt {salt_source}".encode()).digest()[:16]
    return _hasher().hash(secret, salt=salt)


def verify_secret(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` matches ``secret_hash``; a malformed hash never matches."""
    try:
        return _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


class SecretVerifier:
    """:func:`verify_secret` with a memo of the secrets that matched (see the module's docstring)."""

    def __init__(self, capacity: int = 1024) -> None:
        self._key = secrets.token_bytes(32)
        self._matched: dict[str, bytes] = {}
        self._capacity = capacity

    def verify(self, secret_hash: str, secret: str, *, remembered: bool = True) -> bool:
        """Whether ``secret`` matches ``secret_hash``; with ``remembered=False`` always a full Argon2
        verification (the memo is neither read nor written)."""
        if not remembered:
            return verify_secret(secret_hash, secret)
        digest = hmac.digest(self._key, secret.encode(), "sha256")
        matched = self._matched.get(secret_hash)
        if matched is not None and hmac.compare_digest(matched, digest):
            return True
        if not verify_secret(secret_hash, secret):
            return False
        if len(self._matched) >= self._capacity:
            self._matched.clear()
        self._matched[secret_hash] = digest
        return True
