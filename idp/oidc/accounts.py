"""The provider's one seam to the population database: find and authenticate a citizen, name the subject.

Plays node-oidc-provider's ``findAccount``. Only this module calls :mod:`idp.population_db.lookup`; the
opaque ``sub`` (OpenID Connect Core §8: public or pairwise) is an HMAC of the PIN, never the PIN.
"""

import base64
import functools
import hashlib
import hmac

from sqlalchemy import Engine

from idp.population_db.codes import AccountStatus
from idp.population_db.credentials import hash_secret
from idp.population_db.credentials import verify_secret
from idp.population_db.lookup import CitizenRecord
from idp.population_db.lookup import find_citizen

PASSWORD_ACR = "LoA1"


def find_record(engine: Engine, pin: str) -> CitizenRecord | None:
    """The citizen with this PIN and every linked record, or None."""
    with engine.connect() as connection:
        return find_citizen(connection, pin)


@functools.cache
def _decoy_hash() -> str:
    return hash_secret("decoy password", "decoy")


def authenticate_password(engine: Engine, pin: str, password: str) -> CitizenRecord | None:
    """The citizen when ``pin`` has an active account whose password is ``password``; else None.

    Every failure looks the same to the caller, so the login page cannot tell an unknown PIN from a wrong
    password or a locked account.
    """
    record = (
        find_record(engine, pin) if (pin.isascii() and pin.isdigit() and len(pin) == 12) else None
    )
    if record is None or record.account is None:
        # Hash anyway, so an unknown PIN takes as long to refuse as a wrong password.
        verify_secret(_decoy_hash(), password)
        return None
    verified = verify_secret(record.account.password_hash, password)
    if record.account.status != AccountStatus.ACTIVE.value:
        return None
    return record if verified else None


def subject_for(pin: str, secret: str, sector: str | None = None) -> str:
    """The opaque ``sub``: public (same for every client) or pairwise for ``sector``."""
    message = pin if sector is None else f"{sector}\x00{pin}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
