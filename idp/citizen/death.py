"""What a death does to a citizen's record beside its date (khai tử), and how cancelling it (hủy việc
khai tử) gives everything back.

A recorded death locks the VNeID account with the reason ``deceased`` (Decree 69/2024: a dead
holder's account is locked; the population invariant ``account-deceased``) and removes the
permanent residence from the register (xóa đăng ký thường trú, Law on Residence 2020 Art. 24): the
register keeps the row, ended (``expires_on``) on the day the death is recorded. What it cleared (the
account's status and lock reason before, the residence's end before) is kept in
:class:`idp.population_db.models.DeathClearance`, so that setting the date of death back to none
restores both exactly: the sandbox undoes a death that way. Both run in the caller's transaction
(:func:`idp.citizen.changes.change_citizen`'s).
"""

import json
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from idp.population_db.codes import AccountStatus
from idp.population_db.codes import LockReason
from idp.population_db.codes import ResidenceKind
from idp.population_db.models import Residence
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of
from idp.population_db.registrations import CLEARANCES

_ACCOUNT = table_of(VneidAccount)
_RESIDENCE = table_of(Residence)
_PERMANENT = ResidenceKind.PERMANENT.value


def record_death(connection: Connection, pin: str, today: date) -> None:
    """Lock the account for the death and end the permanent residence on ``today``, the day the
    death is recorded, keeping what was there."""
    account = connection.execute(
        select(_ACCOUNT.c.status, _ACCOUNT.c.lock_reason).where(_ACCOUNT.c.pin == pin)
    ).one_or_none()
    home = connection.execute(
        select(_RESIDENCE.c.registered_on, _RESIDENCE.c.expires_on).where(*_permanent(pin))
    ).one_or_none()
    residence = None
    if home is not None:
        ended = home.expires_on.isoformat() if home.expires_on else None
        residence = json.dumps({"expires_on": ended})
    connection.execute(delete(CLEARANCES).where(CLEARANCES.c.pin == pin))
    connection.execute(
        insert(CLEARANCES).values(
            pin=pin,
            account_status=None if account is None else account.status,
            lock_reason=None if account is None else account.lock_reason,
            residence=residence,
        )
    )
    if account is not None:
        connection.execute(
            update(_ACCOUNT)
            .where(_ACCOUNT.c.pin == pin)
            .values(status=AccountStatus.LOCKED.value, lock_reason=LockReason.DECEASED.value)
        )
    if home is not None:
        # The register keeps the row and the day it was removed; a registration ends after it began.
        removed = max(today, home.registered_on + timedelta(days=1))
        connection.execute(update(_RESIDENCE).where(*_permanent(pin)).values(expires_on=removed))


def cancel_death(connection: Connection, pin: str) -> None:
    """Give back what :func:`record_death` cleared; nothing when it kept nothing (a death the
    population was generated with stays as it is, but for its date)."""
    kept = connection.execute(select(CLEARANCES).where(CLEARANCES.c.pin == pin)).one_or_none()
    if kept is None:
        return
    connection.execute(delete(CLEARANCES).where(CLEARANCES.c.pin == pin))
    if kept.account_status is not None:
        # Only an account still locked: one unlocked since (the undo of a lock applied beside the
        # death, in the same change) is not overridden. Any reason: undoing an unlock made after
        # the death locks it again as the police would, before the sandbox cancels the death.
        connection.execute(
            update(_ACCOUNT)
            .where(_ACCOUNT.c.pin == pin, _ACCOUNT.c.status == AccountStatus.LOCKED.value)
            .values(status=kept.account_status, lock_reason=kept.lock_reason)
        )
    if kept.residence is not None:
        ended = json.loads(kept.residence)["expires_on"]
        connection.execute(
            update(_RESIDENCE)
            .where(*_permanent(pin))
            .values(expires_on=date.fromisoformat(ended) if ended else None)
        )


def _permanent(pin: str) -> tuple[Any, ...]:
    return (_RESIDENCE.c.pin == pin, _RESIDENCE.c.kind == _PERMANENT)
