"""Revoked identity cards (thẻ căn cước bị hủy): which card of a citizen stopped being valid before its
expiry, since when and why (:class:`idp.population_db.codes.RevocationReason`).

A card is named by its number (the PIN) and its issue date: a card issued later to the same citizen is
another card, valid unless it is revoked in turn. The table is :class:`idp.population_db.models.CardRevocation`;
seeding creates it empty, and :func:`create_card_tables` adds it to a database seeded before it existed.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select

from idp.population_db.database import create_tables
from idp.population_db.models import CardRevocation
from idp.population_db.models import ChipPersonalisation
from idp.population_db.models import table_of

REVOCATIONS = table_of(CardRevocation)


@dataclass(frozen=True, slots=True)
class Revocation:
    """Why a card was revoked (a :class:`~idp.population_db.codes.RevocationReason` value), and when."""

    reason: str
    revoked_on: date


def create_card_tables(engine: Engine) -> None:
    """The cards' tables newer than the population (revocations, chips' personalisation data), unless
    they exist: a provider may start on a database seeded before they existed."""
    create_tables(engine, [REVOCATIONS, table_of(ChipPersonalisation)])


def revocation_of(connection: Connection, pin: str, issued_on: date) -> Revocation | None:
    """The revocation of the card numbered ``pin`` issued on ``issued_on``; None while it is valid."""
    row = connection.execute(
        select(REVOCATIONS.c.reason, REVOCATIONS.c.revoked_on).where(
            REVOCATIONS.c.pin == pin, REVOCATIONS.c.issued_on == issued_on
        )
    ).one_or_none()
    return None if row is None else Revocation(row.reason, row.revoked_on)


def set_revocation(
    connection: Connection, pin: str, issued_on: date, revocation: Revocation | None
) -> None:
    """Record ``revocation`` of that card (replacing any), or none, in the caller's transaction."""
    where = (REVOCATIONS.c.pin == pin, REVOCATIONS.c.issued_on == issued_on)
    connection.execute(delete(REVOCATIONS).where(*where))
    if revocation is not None:
        row = {"pin": pin, "issued_on": issued_on}
        row |= {"reason": revocation.reason, "revoked_on": revocation.revoked_on}
        connection.execute(insert(REVOCATIONS).values(row))
