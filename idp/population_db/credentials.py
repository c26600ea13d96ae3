"""Password and passcode hashes of VNeID accounts (Argon2id, through argon2-cffi).

Every synthetic citizen with an account shares the documented sandbox password and passcode. Hashing a
million times would take hours, so a population stores one hash per secret, computed once with a salt
derived from the seed: the same seed still gives a byte-identical database.
"""

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_HASHER = PasswordHasher()


def hash_secret(secret: str, salt_source: str) -> str:
    """An Argon2id hash of ``secret`` whose salt is derived from ``salt_source`` (deterministic)."""
    salt = hashlib.sha256(f"vneid-mock salt {salt_source}".encode()).digest()[:16]
    return _HASHER.hash(secret, salt=salt)


def verify_secret(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` matches ``secret_hash``; a malformed hash never matches."""
    try:
        return _HASHER.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
