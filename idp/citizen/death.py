"""What a death does to a citizen's record beside its date (khai tử), and how cancelling it (hủy việc
khai tử) gives everything back.

A recorded death locks the VNeID account with the reason ``deceased`` (Decree 69/2024: a dead
holder's account is locked; the population invariant ``account-deceased``) and removes the
permanent residence from the register (xóa đăng ký thường trú, Law on Residence 2020 Art. 24). What it
cleared (the account's status and lock reason before, the removed residence row) is kept in
:class:`idp.population_db.models.DeathClearance`, so that setting the date of death back to none
restores both exactly: the sandbox undoes a death that way. Both run in the caller's transaction
(:func:`idp.citizen.changes.change_citizen`'s).
"""

import json
from datetime import date

from sqlalchemy import Connection
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from idp.chip.holders import keep_card_data
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


def record_death(connection: Connection, pin: str) -> None:
    """Lock the account for the death and remove the permanent residence, keeping what was there."""
    account = connection.execute(
        select(_ACCOUNT.c.status, _ACCOUNT.c.lock_reason).where(_ACCOUNT.c.pin == pin)
    ).one_or_none()
    home = connection.execute(
        select(_RESIDENCE).where(_RESIDENCE.c.pin == pin, _RESIDENCE.c.kind == _PERMANENT)
    ).one_or_none()
    residence = None
    if home is not None:
        row = home._asdict()
        residence = json.dumps(
            {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
        )
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
        keep_card_data(connection, pin)  # the card's chip keeps the residence it was made with
        connection.execute(
            delete(_RESIDENCE).where(_RESIDENCE.c.pin == pin, _RESIDENCE.c.kind == _PERMANENT)
        )


def cancel_death(connection: Connection, pin: str) -> None:
    """Give back what :func:`record_death` cleared; nothing when it kept nothing (a death the
    population was generated with stays as it is, but for its date)."""
    kept = connection.execute(select(CLEARANCES).where(CLEARANCES.c.pin == pin)).one_or_none()
    if kept is None:
        return
    connection.execute(delete(CLEARANCES).where(CLEARANCES.c.pin == pin))
    if kept.account_status is not None:
        connection.execute(
            update(_ACCOUNT)
            .where(_ACCOUNT.c.pin == pin)
            .values(status=kept.account_status, lock_reason=kept.lock_reason)
        )
    if kept.residence is not None:
        row = json.loads(kept.residence)
        for day in ("registered_on", "expires_on"):
            row[day] = date.fromisoformat(row[day]) if row[day] else None
        connection.execute(
            delete(_RESIDENCE).where(_RESIDENCE.c.pin == pin, _RESIDENCE.c.kind == _PERMANENT)
        )
        connection.execute(insert(_RESIDENCE).values(row))
