"""The civil-status registrations of the population service (đăng ký hộ tịch): births (khai sinh) and
deaths (khai tử) registered through it, and what a recorded death cleared.

The tables are :class:`idp.population_db.models.BirthRegistration`,
:class:`~idp.population_db.models.DeathRegistration` and
:class:`~idp.population_db.models.DeathClearance`; seeding creates them empty, and
:func:`create_registration_tables` adds them to a database seeded before they existed. The sandbox
undoes registrations with :func:`registered_births`, :func:`registered_deaths`,
:func:`remove_citizen` and :func:`forget_registrations`.
"""

import json
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import inspect
from sqlalchemy import select

from idp.population_db.database import create_tables
from idp.population_db.database import schema_lock
from idp.population_db.models import BirthRegistration
from idp.population_db.models import CardRevocation
from idp.population_db.models import ChipPersonalisation
from idp.population_db.models import Citizen
from idp.population_db.models import DeathClearance
from idp.population_db.models import DeathRegistration
from idp.population_db.models import DrivingLicense
from idp.population_db.models import IdentityCard
from idp.population_db.models import Residence
from idp.population_db.models import SocialInsurance
from idp.population_db.models import VehicleRegistration
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of

BIRTHS = table_of(BirthRegistration)
DEATHS = table_of(DeathRegistration)
CLEARANCES = table_of(DeathClearance)
_CITIZEN_RECORDS = tuple(
    table_of(model)
    for model in (
        Residence,
        SocialInsurance,
        IdentityCard,
        CardRevocation,
        ChipPersonalisation,
        VneidAccount,
        DrivingLicense,
        VehicleRegistration,
    )
)


def create_registration_tables(engine: Engine) -> None:
    """The registrations' tables, unless they exist: a provider may start on a database seeded
    before they existed. A death registrations' table of the first shape (no ``sequence``, more than
    one registration per deceased allowed) is made again when it is empty, as a reset leaves it."""
    with schema_lock(engine) as connection:
        if _empty_of_the_first_shape(connection):
            DEATHS.drop(connection)
    create_tables(engine, [BIRTHS, DEATHS, CLEARANCES])


def _empty_of_the_first_shape(connection: Connection) -> bool:
    schema = inspect(connection)
    if not schema.has_table(DEATHS.name):
        return False
    if "sequence" in {column["name"] for column in schema.get_columns(DEATHS.name)}:
        return False
    return connection.execute(select(DEATHS.c.request_id).limit(1)).first() is None


def registered_births(connection: Connection) -> list[str]:
    """The PINs of the children registered through the service."""
    return [str(pin) for pin in connection.execute(select(BIRTHS.c.child_pin)).scalars()]


def registered_deaths(connection: Connection) -> list[tuple[str, dict[str, Any]]]:
    """Each registered death in the order they were registered, newest last: the PIN and the values
    its change replaced (none for a claim whose change never happened)."""
    rows = connection.execute(
        select(DEATHS.c.deceased_pin, DEATHS.c.undo).order_by(DEATHS.c.sequence)
    )
    return [(str(pin), json.loads(undo or "{}")) for pin, undo in rows]


def remove_citizen(connection: Connection, pin: str) -> None:
    """Every record of the citizen ``pin`` (one who is nobody's parent, spouse or head of household:
    a registered child), in the caller's transaction."""
    for table in _CITIZEN_RECORDS:
        connection.execute(delete(table).where(table.c.pin == pin))
    citizens = table_of(Citizen)
    connection.execute(delete(citizens).where(citizens.c.pin == pin))


def forget_registrations(connection: Connection) -> None:
    """No registration is remembered any more (its effects undone by the caller first)."""
    connection.execute(delete(BIRTHS))
    connection.execute(delete(DEATHS))
