"""The provider's one seam to the population database: find and authenticate a citizen, name the subject.

Plays node-oidc-provider's ``findAccount``. Only this module calls :mod:`idp.population_db.lookup`; the
opaque ``sub`` (OpenID Connect Core §8: public or pairwise) is an HMAC of the PIN, never the PIN.
"""

import base64
import hashlib
import hmac

from sqlalchemy import Engine
from sqlmodel import Session

from idp.population_db.codes import AccountStatus
from idp.population_db.credentials import verify_secret
from idp.population_db.lookup import CitizenRecord
from idp.population_db.lookup import find_citizen

PASSWORD_ACR = "LoA1"


def find_record(engine: Engine, pin: str) -> CitizenRecord | None:
    """The citizen with this PIN and every linked record, or None."""
    with Session(engine) as session:
        return find_citizen(session, pin)


def authenticate_password(engine: Engine, pin: str, password: str) -> CitizenRecord | None:
    """The citizen when ``pin`` has an active account whose password is ``password``; else None.

    Every failure looks the same to the caller, so the login page cannot tell an unknown PIN from a wrong
    password or a locked account.
    """
    if not (pin.isdigit() and len(pin) == 12):
        return None
    record = find_record(engine, pin)
    if record is None or record.account is None:
        return None
    if record.account.status != AccountStatus.ACTIVE.value:
        return None
    return record if verify_secret(record.account.password_hash, password) else None


def subject_for(pin: str, secret: str, sector: str | None = None) -> str:
    """The opaque ``sub``: public (same for every client) or pairwise for ``sector``."""
    message = pin if sector is None else f"{sector}\x00{pin}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
