"""Changes to a citizen's record (thay đổi thông tin công dân): lock or unlock the VNeID account, set
its level, change the phone or the permanent address, record a death, renew or revoke the identity card
(:mod:`idp.citizen.card_changes`), and read the record back.

The one place the provider changes a citizen: the sandbox's control API and the test kit call it, and
a :class:`ChangeListener` writes the identity events of a change (Shared Signals) in its transaction. Each change is checked
first (an unknown PIN, a level other than 1 or 2, a phone not in the national ``0xxxxxxxxx`` format or
held by another citizen, a ward that is not in the province) and written in one transaction, so a
refused change writes nothing. :func:`change_citizen` returns the values it replaced, in the same form,
so that a change can be undone by applying them.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from idp.chip.holders import keep_card_data
from idp.citizen.card_changes import InvalidCardChangeError
from idp.citizen.card_changes import card_state
from idp.citizen.card_changes import change_card
from idp.citizen.death import cancel_death
from idp.citizen.death import record_death
from idp.population_db.codes import AccountStatus
from idp.population_db.codes import LockReason
from idp.population_db.codes import ResidenceKind
from idp.population_db.models import Citizen
from idp.population_db.models import Residence
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of
from idp.population_db.units import load_units

FIELDS = ("account_status", "account_level", "phone_number", "address", "deceased_on", "card")
_PHONE = re.compile(r"0[0-9]{9}")
_CITIZEN = table_of(Citizen)
_ACCOUNT = table_of(VneidAccount)
_RESIDENCE = table_of(Residence)
Values = dict[str, Any]


class ChangeListener(Protocol):
    """Told of each change: inside its transaction (to write what must commit with it, such as the
    Shared Signals outbox, :class:`idp.oidc.shared_signals.emitter.CitizenSignals`), and after it.
    Both get the record (:func:`citizen_view`) before the change and after it, read back from the
    database: a change has effects beyond the fields it names (a death locks the account and ends
    the permanent residence; cancelling it gives back what was there)."""

    def written(self, connection: Connection, pin: str, before: Values, after: Values) -> None: ...

    def committed(self, pin: str, before: Values, after: Values) -> None: ...


class InvalidChangeError(ValueError):
    """A change that cannot be made; its message says why."""


class NoSuchCitizenError(LookupError):
    """No citizen has this PIN."""


def citizen_view(engine: Engine, pin: str) -> Values:
    """The changeable part of a citizen's record, as JSON values (the fields of :data:`FIELDS`, and
    the name and PIN)."""
    with engine.connect() as connection:
        return _current(connection, pin)


@dataclass(frozen=True)
class _Change:
    """One change in progress: its transaction, the citizen, their record before it, and the
    population's day (a renewed card is issued that day)."""

    connection: Connection
    pin: str
    before: Values
    today: date


def change_citizen(
    engine: Engine,
    pin: str,
    changes: Values,
    *,
    today: date,
    listener: ChangeListener | None = None,
) -> Values:
    """Apply ``changes`` (fields of :data:`FIELDS`) to the citizen on the population's day ``today``
    (:meth:`idp.state.clock.Clock.population_day`), telling ``listener``; the values they replaced."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidChangeError(f"unknown field(s): {', '.join(sorted(unknown))}")
    try:
        with engine.begin() as connection:
            before = _current(connection, pin)
            change = _Change(connection, pin, before, today)
            for field, value in changes.items():
                _APPLY[field](change, value)
            after = _current(connection, pin)
            if listener is not None:
                listener.written(connection, pin, before, after)
    except IntegrityError:
        raise InvalidChangeError("the phone number belongs to another citizen") from None
    except InvalidCardChangeError as error:
        raise InvalidChangeError(str(error)) from None
    if listener is not None:
        listener.committed(pin, before, after)
    return {field: before[field] for field in changes}


def _current(connection: Connection, pin: str) -> Values:
    citizen = connection.execute(select(_CITIZEN).where(_CITIZEN.c.pin == pin)).one_or_none()
    if citizen is None:
        raise NoSuchCitizenError(pin)
    account = connection.execute(select(_ACCOUNT).where(_ACCOUNT.c.pin == pin)).one_or_none()
    home = connection.execute(
        select(_RESIDENCE).where(
            _RESIDENCE.c.pin == pin, _RESIDENCE.c.kind == ResidenceKind.PERMANENT.value
        )
    ).one_or_none()
    address = None
    if home is not None:
        address = {
            "province_code": home.province_code,
            "ward_code": home.ward_code,
            "street_address": home.street_address,
        }
    return {
        "pin": pin,
        "name": " ".join(
            p for p in (citizen.family_name, citizen.middle_name, citizen.given_name) if p
        ),
        "account_status": account.status if account else None,
        "account_level": account.level if account else None,
        "phone_number": citizen.phone_number,
        "address": address,
        "deceased_on": citizen.deceased_on.isoformat() if citizen.deceased_on else None,
        "card": card_state(connection, pin),
    }


def _account_status(change: _Change, value: Any) -> None:
    if change.before["account_status"] is None:
        raise InvalidChangeError("the citizen has no VNeID account")
    if value not in (AccountStatus.ACTIVE.value, AccountStatus.LOCKED.value):
        raise InvalidChangeError("account_status must be active or locked")
    reason = LockReason.POLICE.value if value == AccountStatus.LOCKED.value else None
    statement = update(_ACCOUNT).where(_ACCOUNT.c.pin == change.pin)
    change.connection.execute(statement.values(status=value, lock_reason=reason))


def _account_level(change: _Change, value: Any) -> None:
    if change.before["account_level"] is None:
        raise InvalidChangeError("the citizen has no VNeID account")
    if value not in (1, 2) or isinstance(value, bool):
        raise InvalidChangeError("account_level must be 1 or 2")
    statement = update(_ACCOUNT).where(_ACCOUNT.c.pin == change.pin)
    change.connection.execute(statement.values(level=value))


def _phone_number(change: _Change, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _PHONE.fullmatch(value)):
        raise InvalidChangeError("phone_number must be ten digits starting with 0, or null")
    statement = update(_CITIZEN).where(_CITIZEN.c.pin == change.pin)
    change.connection.execute(statement.values(phone_number=value))


def _address(change: _Change, value: Any) -> None:
    if not isinstance(value, dict) or set(value) != {
        "province_code",
        "ward_code",
        "street_address",
    }:
        raise InvalidChangeError("address must have province_code, ward_code and street_address")
    province, ward, street = value["province_code"], value["ward_code"], value["street_address"]
    units = load_units()
    if not isinstance(ward, int) or not units.has_ward(ward):
        raise InvalidChangeError("address.ward_code is not a 2025 ward")
    if units.ward(ward).province_code != province:
        raise InvalidChangeError("address.ward_code is not in address.province_code")
    if not isinstance(street, str) or not 1 <= len(street) <= 120:
        raise InvalidChangeError("address.street_address must be 1 to 120 characters")
    if change.before["address"] is None:
        raise InvalidChangeError("the citizen has no permanent residence to change")
    keep_card_data(
        change.connection, change.pin
    )  # the card's chip keeps the residence it was made with
    statement = update(_RESIDENCE).where(
        _RESIDENCE.c.pin == change.pin, _RESIDENCE.c.kind == ResidenceKind.PERMANENT.value
    )
    change.connection.execute(
        statement.values(province_code=province, ward_code=ward, street_address=street)
    )


def _deceased_on(change: _Change, value: Any) -> None:
    day: date | None = None
    if value is not None:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidChangeError("deceased_on must be a date (YYYY-MM-DD) or null")
    statement = update(_CITIZEN).where(_CITIZEN.c.pin == change.pin)
    change.connection.execute(statement.values(deceased_on=day))
    # A death locks the account and removes the permanent residence; cancelling it (the undo value,
    # null) gives both back. Moving the date of a death already recorded changes nothing else.
    was_dead = change.before["deceased_on"] is not None
    if day is not None and not was_dead:
        record_death(change.connection, change.pin, change.today)
    elif day is None and was_dead:
        cancel_death(change.connection, change.pin)


def _card(change: _Change, value: Any) -> None:
    change_card(change.connection, change.pin, change.before["card"], value, change.today)


_APPLY = {
    "account_status": _account_status,
    "account_level": _account_level,
    "phone_number": _phone_number,
    "address": _address,
    "deceased_on": _deceased_on,
    "card": _card,
}
