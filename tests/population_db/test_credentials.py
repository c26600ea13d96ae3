"""The verified-secret memo (:class:`~idp.population_db.credentials.SecretVerifier`): a secret that
matched a hash is answered from the memo the next time, a wrong secret always costs a full Argon2
verification, ``remembered=False`` neither reads nor writes the memo, and each hash has its own entry.

Full verifications are counted by wrapping :func:`idp.population_db.credentials.verify_secret`, the one
function that calls argon2-cffi.
"""

import pytest

from idp.population_db.credentials import SecretVerifier
from idp.population_db.credentials import hash_secret
from tests.argon2_calls import Counter

SECRET = "Vneid@2025"


@pytest.fixture(scope="module")
def secret_hash() -> str:
    return hash_secret(SECRET, "test credentials")


def test_a_right_secret_is_verified_in_full_once(argon2: Counter, secret_hash: str) -> None:
    verifier = SecretVerifier()
    assert verifier.verify(secret_hash, SECRET)
    assert argon2.calls == 1
    assert verifier.verify(secret_hash, SECRET)
    assert verifier.verify(secret_hash, SECRET)
    assert argon2.calls == 1


def test_a_wrong_secret_is_always_verified_in_full(argon2: Counter, secret_hash: str) -> None:
    verifier = SecretVerifier()
    for attempt in range(1, 4):
        assert not verifier.verify(secret_hash, "wrong")
        assert argon2.calls == attempt


def test_a_wrong_secret_after_the_right_one_is_still_wrong(
    argon2: Counter, secret_hash: str
) -> None:
    verifier = SecretVerifier()
    assert verifier.verify(secret_hash, SECRET)
    assert not verifier.verify(secret_hash, "wrong")
    assert not verifier.verify(secret_hash, SECRET + " ")
    assert not verifier.verify(secret_hash, "")
    assert argon2.calls == 4
    assert verifier.verify(secret_hash, SECRET)  # the wrong ones did not evict the right one
    assert argon2.calls == 4


def test_not_remembered_always_verifies_in_full_and_writes_no_memo(
    argon2: Counter, secret_hash: str
) -> None:
    verifier = SecretVerifier()
    assert verifier.verify(secret_hash, SECRET, remembered=False)
    assert verifier.verify(secret_hash, SECRET, remembered=False)
    assert not verifier.verify(secret_hash, "wrong", remembered=False)
    assert argon2.calls == 3
    assert verifier.verify(secret_hash, SECRET)  # nothing was memoised: in full once...
    assert argon2.calls == 4
    assert verifier.verify(secret_hash, SECRET)  # ...then from the memo
    assert argon2.calls == 4
    assert verifier.verify(secret_hash, SECRET, remembered=False)  # the memo is not read either
    assert argon2.calls == 5


def test_each_hash_has_its_own_memo(argon2: Counter, secret_hash: str) -> None:
    other_hash = hash_secret("another secret", "test credentials other")
    same_secret_other_salt = hash_secret(SECRET, "test credentials salt")
    verifier = SecretVerifier()
    assert verifier.verify(secret_hash, SECRET)
    assert not verifier.verify(other_hash, SECRET)  # matched another hash: not a match of this one
    assert verifier.verify(same_secret_other_salt, SECRET)
    assert argon2.calls == 3
    assert verifier.verify(other_hash, "another secret")
    assert argon2.calls == 4
    for _ in range(2):
        assert verifier.verify(secret_hash, SECRET)
        assert verifier.verify(same_secret_other_salt, SECRET)
        assert verifier.verify(other_hash, "another secret")
    assert argon2.calls == 4
    assert not verifier.verify(other_hash, SECRET)
    assert argon2.calls == 5


def test_verifiers_do_not_share_their_memo(argon2: Counter, secret_hash: str) -> None:
    first, second = SecretVerifier(), SecretVerifier()
    assert first.verify(secret_hash, SECRET)
    assert second.verify(secret_hash, SECRET)
    assert argon2.calls == 2


@pytest.mark.parametrize("malformed", ["", "not a hash", "$argon2id$v=19$m=1024,t=1,p=1$AAAA"])
def test_a_malformed_hash_never_matches(argon2: Counter, malformed: str) -> None:
    verifier = SecretVerifier()
    for remembered in (True, False, True):
        assert not verifier.verify(malformed, SECRET, remembered=remembered)
    assert argon2.calls == 3
