"""The provider's one seam to the population database: find and authenticate a citizen, name the subject.

Plays node-oidc-provider's ``findAccount``. Only this module calls :mod:`idp.population_db.lookup`; the
opaque ``sub`` (OpenID Connect Core §8: public or pairwise) is an HMAC of the PIN, never the PIN.
"""

import base64
import functools
import hashlib
import hmac

from sqlalchemy import Connection
from sqlalchemy import Engine

from idp.population_db.codes import AccountStatus
from idp.population_db.credentials import SecretVerifier
from idp.population_db.credentials import hash_secret
from idp.population_db.credentials import verify_secret
from idp.population_db.lookup import EVERY_PART
from idp.population_db.lookup import AccountHolder
from idp.population_db.lookup import CitizenRecord
from idp.population_db.lookup import find_account_holder
from idp.population_db.lookup import find_citizen


def find_record(
    engine: Engine, pin: str, parts: frozenset[str] = EVERY_PART
) -> CitizenRecord | None:
    """The citizen with this PIN and the linked records of ``parts`` (every one by default), or None."""
    with engine.connect() as connection:
        return find_citizen(connection, pin, parts)


def record_in(
    connection: Connection, pin: str, parts: frozenset[str] = EVERY_PART
) -> CitizenRecord | None:
    """As :func:`find_record`, inside the caller's transaction (a change reads what it just wrote)."""
    return find_citizen(connection, pin, parts)


@functools.cache
def _decoy_hash() -> str:
    return hash_secret("decoy password", "decoy")


def is_pin(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) == 12


def warm_up() -> None:
    """Compute the decoy hash now, so the first unknown PIN is not slower than a wrong password."""
    _decoy_hash()


def check_password(
    connection: Connection,
    verifier: SecretVerifier,
    pin: str,
    password: str,
    *,
    locked: bool = False,
) -> AccountHolder | None:
    """The citizen when ``pin`` has an account (of any status) whose password is ``password``.

    An unknown PIN, a citizen without an account and a wrong password all cost one Argon2 verification
    and give None, so they cannot be told apart; the caller decides about locked or deceased citizens.
    A ``locked`` password is verified in full (never from the memo), so that the right password takes
    as long as a wrong one while the lockout lasts.
    """
    record = find_account_holder(connection, pin) if is_pin(pin) else None
    if record is None or record.account is None:
        # Hash anyway, so an unknown PIN takes as long to refuse as a wrong password; never from the
        # memo, which would answer the decoy's own password faster for unknown PINs only.
        verify_secret(_decoy_hash(), password)
        return None
    right = verifier.verify(record.account.password_hash, password, remembered=not locked)
    return record if right else None


def check_passcode(
    verifier: SecretVerifier, record: CitizenRecord, passcode: str, *, locked: bool = False
) -> bool:
    """Whether ``passcode`` is the account's 6-digit passcode (mã bảo vệ); ``locked`` as for
    :func:`check_password`."""
    if record.account is None or not (passcode.isascii() and passcode.isdigit()):
        return False
    return verifier.verify(record.account.passcode_hash, passcode, remembered=not locked)


def refusal_of(record: AccountHolder | CitizenRecord) -> str | None:
    """Why this citizen may not log in at all: ``deceased``, ``locked`` (by the police), or None."""
    if record.citizen.deceased_on is not None:
        return "deceased"
    if record.account is None or record.account.status != AccountStatus.ACTIVE.value:
        return "locked"
    return None


def subject_for(pin: str, secret: str, sector: str | None = None) -> str:
    """The opaque ``sub``: public (same for every client) or pairwise for ``sector``."""
    message = pin if sector is None else f"{sector}\x00{pin}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
