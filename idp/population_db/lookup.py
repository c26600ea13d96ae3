"""Reading one citizen with every linked record, by PIN: the seam the identity provider reads through.

The permanent residence (thường trú) is the registered address of the citizen's household; temporary
residence (tạm trú) and current place of living (nơi ở hiện tại) are rows of their own, and the current
place defaults to the temporary residence, then to the permanent one.

:func:`find_account_holder` is the password form's lookup: the citizen and the account only, in one
statement, since a login needs nothing else. A full lookup is five statements on one connection (the
1:1 records in one outer join, relatives, and the three 1:N records), prebuilt with SQLAlchemy Core and sent together on PostgreSQL, and builds the models without
re-validating what the database returns: it is on the path of every login and every userinfo request.
"""

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any
from typing import TypeVar
from typing import cast

from sqlalchemy import BindParameter
from sqlalchemy import Connection
from sqlalchemy import Dialect
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

from idp.population_db.codes import ResidenceKind
from idp.population_db.models import Citizen
from idp.population_db.models import DrivingLicense
from idp.population_db.models import Household
from idp.population_db.models import IdentityCard
from idp.population_db.models import Residence
from idp.population_db.models import SocialInsurance
from idp.population_db.models import VehicleRegistration
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of

_M = TypeVar("_M", bound=SQLModel)


@dataclass(frozen=True, slots=True)
class Address:
    """An address in the 2025 two-level units."""

    province_code: int
    ward_code: int
    street_address: str
    registered_on: date | None = None
    expires_on: date | None = None


RELATIVES = "relatives"
RESIDENCES = "residences"
LICENCES = "licences"
VEHICLES = "vehicles"
EVERY_PART = frozenset({RELATIVES, RESIDENCES, LICENCES, VEHICLES})
"""The linked records a lookup may leave out (the core, card, insurance and account always come)."""


@dataclass(frozen=True, slots=True)
class CitizenRecord:
    """A citizen and all linked records (a lookup of fewer parts leaves the others empty: no
    relatives, residences, licences or vehicles, and ``current`` is then the permanent address)."""

    citizen: Citizen
    household: Household
    household_members: tuple[Citizen, ...]
    permanent: Address
    temporary: Address | None
    current: Address
    card: IdentityCard | None
    insurance: SocialInsurance | None
    licences: tuple[DrivingLicense, ...]
    vehicles: tuple[VehicleRegistration, ...]
    account: VneidAccount | None
    children: tuple[Citizen, ...]


@dataclass(frozen=True, slots=True)
class AccountHolder:
    """A citizen and their VNeID account, if any: what a login needs."""

    citizen: Citizen
    account: VneidAccount | None


_CITIZEN = table_of(Citizen)
_HOUSEHOLD = table_of(Household)
_CARD = table_of(IdentityCard)
_INSURANCE = table_of(SocialInsurance)
_ACCOUNT = table_of(VneidAccount)
_RESIDENCE = table_of(Residence)
_LICENCE = table_of(DrivingLicense)
_VEHICLE = table_of(VehicleRegistration)

_ONE_TO_ONE: tuple[tuple[Table, type[SQLModel]], ...] = (
    (_CITIZEN, Citizen),
    (_HOUSEHOLD, Household),
    (_CARD, IdentityCard),
    (_INSURANCE, SocialInsurance),
    (_ACCOUNT, VneidAccount),
)


_PIN: BindParameter[str] = bindparam("pin", type_=String)

# Built once: compiling a statement costs more than running it.
_CORE = (
    select(*(table for table, _ in _ONE_TO_ONE))
    .select_from(_CITIZEN)
    .join(_HOUSEHOLD, _HOUSEHOLD.c.number == _CITIZEN.c.household_number)
    .outerjoin(_CARD, _CARD.c.pin == _CITIZEN.c.pin)
    .outerjoin(_INSURANCE, _INSURANCE.c.pin == _CITIZEN.c.pin)
    .outerjoin(_ACCOUNT, _ACCOUNT.c.pin == _CITIZEN.c.pin)
    .where(_CITIZEN.c.pin == _PIN)
)
_HOLDER_TABLES: tuple[tuple[Table, type[SQLModel]], ...] = (
    (_CITIZEN, Citizen),
    (_ACCOUNT, VneidAccount),
)
_HOLDER = (
    select(_CITIZEN, _ACCOUNT)
    .select_from(_CITIZEN)
    .outerjoin(_ACCOUNT, _ACCOUNT.c.pin == _CITIZEN.c.pin)
    .where(_CITIZEN.c.pin == _PIN)
)
_RELATIVES = select(_CITIZEN).where(
    or_(
        _CITIZEN.c.household_number
        == select(_CITIZEN.c.household_number).where(_CITIZEN.c.pin == _PIN).scalar_subquery(),
        _CITIZEN.c.father_pin == _PIN,
        _CITIZEN.c.mother_pin == _PIN,
    )
)
_STATEMENTS = (
    _CORE,
    _RELATIVES,
    *(select(table).where(table.c.pin == _PIN) for table in (_RESIDENCE, _LICENCE, _VEHICLE)),
)
"""Five statements that depend only on the PIN, so they can all be sent before any answer is read."""


@functools.cache
def _compiled_sql(dialect: Dialect) -> tuple[str, ...]:
    return tuple(str(statement.compile(dialect=dialect)) for statement in _STATEMENTS)


_PART_OF_STATEMENT = (None, RELATIVES, RESIDENCES, LICENCES, VEHICLES)


def _fetch(connection: Connection, pin: str, parts: frozenset[str]) -> list[list[tuple[Any, ...]]]:
    """The rows of the five statements (none for a part left out); on PostgreSQL in one round trip
    (psycopg's pipeline mode)."""
    wanted = [part is None or part in parts for part in _PART_OF_STATEMENT]
    if connection.dialect.name != "postgresql":
        return [
            [tuple(row) for row in connection.execute(statement, {"pin": pin})] if want else []
            for statement, want in zip(_STATEMENTS, wanted, strict=True)
        ]
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.pipeline():
        cursors = [
            driver.execute(sql, {"pin": pin}) if want else None
            for sql, want in zip(_compiled_sql(connection.dialect), wanted, strict=True)
        ]
    return [cursor.fetchall() if cursor is not None else [] for cursor in cursors]


def _model(model: type[_M], table: Table, values: tuple[Any, ...]) -> _M:
    built = model.model_construct(**dict(zip(table.columns.keys(), values, strict=True)))
    return cast(_M, built)


def _models(model: type[_M], table: Table, rows: list[tuple[Any, ...]]) -> tuple[_M, ...]:
    return tuple(_model(model, table, row) for row in rows)


def _split(
    row: tuple[Any, ...], tables: tuple[tuple[Table, type[SQLModel]], ...] = _ONE_TO_ONE
) -> list[SQLModel | None]:
    """The joined row cut back into its records (of ``tables``, in order); an outer-joined record of
    NULLs is None."""
    records: list[SQLModel | None] = []
    start = 0
    for table, model in tables:
        width = len(table.columns)
        values = tuple(row[start : start + width])
        records.append(None if values[0] is None else _model(model, table, values))
        start += width
    return records


def _address(residence: Residence) -> Address:
    return Address(
        residence.province_code,
        residence.ward_code,
        residence.street_address,
        residence.registered_on,
        residence.expires_on,
    )


def find_citizen(
    connection: Connection, pin: str, parts: frozenset[str] = EVERY_PART
) -> CitizenRecord | None:
    """The citizen whose PIN is ``pin`` with the linked records of ``parts`` (all by default), or
    None."""
    configure_mappers()  # models are built without a session; their mappers must be ready (cheap after once)
    core, relatives, residence_rows, licence_rows, vehicle_rows = _fetch(connection, pin, parts)
    if not core:
        return None
    citizen, household, card, insurance, account = _split(core[0])
    assert isinstance(citizen, Citizen)
    assert isinstance(household, Household)
    others = _models(Citizen, _CITIZEN, relatives)
    residences = {r.kind: r for r in _models(Residence, _RESIDENCE, residence_rows)}
    # The citizen's own permanent residence row is what a move changes (idp.citizen.changes); the
    # household's address stands for it when the row was not fetched or is missing.
    home = residences.get(ResidenceKind.PERMANENT.value) or household
    permanent = Address(home.province_code, home.ward_code, home.street_address)
    temporary_row = residences.get(ResidenceKind.TEMPORARY.value)
    temporary = _address(temporary_row) if temporary_row is not None else None
    current_row = residences.get(ResidenceKind.CURRENT.value)
    current = _address(current_row) if current_row is not None else (temporary or permanent)
    return CitizenRecord(
        citizen=citizen,
        household=household,
        household_members=tuple(
            o for o in others if o.household_number == citizen.household_number and o.pin != pin
        ),
        permanent=permanent,
        temporary=temporary,
        current=current,
        card=card if isinstance(card, IdentityCard) else None,
        insurance=insurance if isinstance(insurance, SocialInsurance) else None,
        licences=_models(DrivingLicense, _LICENCE, licence_rows),
        vehicles=_models(VehicleRegistration, _VEHICLE, vehicle_rows),
        account=account if isinstance(account, VneidAccount) else None,
        children=tuple(o for o in others if pin in (o.father_pin, o.mother_pin)),
    )


def find_account_holder(connection: Connection, pin: str) -> AccountHolder | None:
    """The citizen whose PIN is ``pin`` and their account (None without one), or None."""
    configure_mappers()
    row = connection.execute(_HOLDER, {"pin": pin}).one_or_none()
    if row is None:
        return None
    citizen, account = _split(tuple(row), _HOLDER_TABLES)
    assert isinstance(citizen, Citizen)
    return AccountHolder(citizen, account if isinstance(account, VneidAccount) else None)
