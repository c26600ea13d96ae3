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
"""

import hashlib

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
