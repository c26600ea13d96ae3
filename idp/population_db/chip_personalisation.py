"""Chips' personalisation data (dữ liệu cá thể hóa chip): what a card's chip says, kept from the moment
the citizen's record first changes after the card was issued, so that the card in the citizen's hands
keeps saying what it said while the database moves on (the table
:class:`idp.population_db.models.ChipPersonalisation`). A card is named by its number and issue date;
a new card is made from the record as it is then.
"""

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import delete
from sqlalchemy import select

from idp.population_db.database import dialect_insert
from idp.population_db.models import ChipPersonalisation
from idp.population_db.models import table_of

PERSONALISATIONS = table_of(ChipPersonalisation)


def personalisation_of(connection: Connection, pin: str, issued_on: date) -> dict[str, Any] | None:
    """The data kept for the card ``pin`` issued on ``issued_on``; None while its chip says what the
    record says."""
    data = connection.execute(
        select(PERSONALISATIONS.c.data).where(
            PERSONALISATIONS.c.pin == pin, PERSONALISATIONS.c.issued_on == issued_on
        )
    ).scalar_one_or_none()
    return None if data is None else dict(json.loads(data))


def keep_personalisation(
    connection: Connection, pin: str, issued_on: date, data: dict[str, Any]
) -> None:
    """Keep ``data`` for that card unless some is kept already (the first is what the chip says)."""
    statement = dialect_insert(connection.dialect.name)(PERSONALISATIONS).values(
        pin=pin, issued_on=issued_on, data=json.dumps(data, ensure_ascii=False)
    )
    connection.execute(statement.on_conflict_do_nothing())


def forget_personalisation(connection: Connection, pin: str, issued_on: date) -> None:
    """A card made on ``issued_on`` is made from the record as it is then: nothing kept before for a
    card of that day (one a reset took back) applies to it."""
    connection.execute(
        delete(PERSONALISATIONS).where(
            PERSONALISATIONS.c.pin == pin, PERSONALISATIONS.c.issued_on == issued_on
        )
    )
