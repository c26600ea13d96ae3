"""The card holder's data (dữ liệu chủ thẻ): as the population database holds it now, which is what a
chip made today would say and what a verifier compares a presented chip with (:func:`load_holder`); and
as the card in the citizen's hands says it (:func:`card_holder`), which stays what it was when the card
was made: the first change to the record after that keeps the card's data first (:func:`keep_card_data`).
"""

import hashlib
from dataclasses import asdict
from datetime import date

from sqlalchemy import Connection
from sqlalchemy import select

from idp.chip.card import CardHolder
from idp.chip.card import Chip
from idp.chip.card import build_chip
from idp.chip.portrait import portrait_id
from idp.population_db.chip_personalisation import keep_personalisation
from idp.population_db.chip_personalisation import personalisation_of
from idp.population_db.codes import CardGeneration
from idp.population_db.codes import ResidenceKind
from idp.population_db.models import Citizen
from idp.population_db.models import Household
from idp.population_db.models import IdentityCard
from idp.population_db.models import Residence
from idp.population_db.models import table_of
from idp.population_db.units import ethnic_group
from idp.population_db.units import load_units

_CITIZEN = table_of(Citizen)
_CARD = table_of(IdentityCard)
_RESIDENCE = table_of(Residence)
_HOUSEHOLD = table_of(Household)
LAST_CMND_BIRTH_YEAR = 2001
"""The 9-digit CMND was issued until 2015, from age 14: citizens born by 2001 had one."""
PHOTO_FROM_AGE = 6


def former_number(pin: str, birth: date) -> str | None:
    """The old 9-digit CMND number of a citizen who had one: a plausible provincial prefix (10–38) and
    seven digits, derived from the PIN (synthetic, like everything else)."""
    if birth.year > LAST_CMND_BIRTH_YEAR:
        return None
    value = int.from_bytes(hashlib.sha256(f"cmnd:{pin}".encode()).digest()[:8], "big")
    return f"{10 + value % 29:02d}{value // 29 % 10_000_000:07d}"


def _place(ward_code: int) -> str:
    units = load_units()
    ward = units.ward(ward_code)
    return f"{ward.name}, {units.province(ward.province_code).name}"


def _residence(connection: Connection, citizen: Citizen) -> str:
    home = connection.execute(
        select(_RESIDENCE.c.street_address, _RESIDENCE.c.ward_code).where(
            _RESIDENCE.c.pin == citizen.pin, _RESIDENCE.c.kind == ResidenceKind.PERMANENT.value
        )
    ).one_or_none()
    if home is None:
        home = connection.execute(
            select(_HOUSEHOLD.c.street_address, _HOUSEHOLD.c.ward_code).where(
                _HOUSEHOLD.c.number == citizen.household_number
            )
        ).one()
    return f"{home.street_address}, {_place(home.ward_code)}"


def load_holder(connection: Connection, pin: str, portrait_secret: str) -> CardHolder | None:
    """The holder of the card numbered ``pin`` as the database has them now; None without a card."""
    row = connection.execute(select(_CITIZEN).where(_CITIZEN.c.pin == pin)).one_or_none()
    card = connection.execute(select(_CARD).where(_CARD.c.pin == pin)).one_or_none()
    if row is None or card is None:
        return None
    citizen = Citizen.model_validate(row._asdict())
    units = load_units()
    age_at_issue = (
        card.issued_on.year
        - citizen.birth_date.year
        - (
            (card.issued_on.month, card.issued_on.day)
            < (citizen.birth_date.month, citizen.birth_date.day)
        )
    )
    ethnicity = ethnic_group(citizen.ethnicity_code).name if citizen.ethnicity_code else ""
    return CardHolder(
        pin=pin,
        family_name=citizen.family_name,
        middle_name=citizen.middle_name,
        given_name=citizen.given_name,
        birth_date=citizen.birth_date,
        sex=citizen.sex,
        nationality="Việt Nam" if citizen.nationality == "VN" else citizen.nationality,
        ethnicity=ethnicity,
        religion=citizen.religion,
        origin=_place(citizen.origin_ward_code),
        residence=_residence(connection, citizen),
        birth_registration=units.legacy_province(citizen.birth_registration_province).name,
        former_number=former_number(pin, citizen.birth_date),
        issued_on=card.issued_on,
        expires_on=card.expires_on,
        issued_by=card.issued_by or CardGeneration(card.generation).issuing_authority,
        portrait_id=portrait_id(pin, portrait_secret) if age_at_issue >= PHOTO_FROM_AGE else None,
    )


_KEPT = "photo"


def keep_card_data(connection: Connection, pin: str) -> None:
    """Before a change to the record that the chip shows (the residence): keep what the chip of the
    citizen's current card says, unless it is kept already. In the caller's transaction."""
    holder = load_holder(connection, pin, "")
    if holder is None:
        return
    data = {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(holder).items()}
    data[_KEPT] = data.pop("portrait_id") is not None
    keep_personalisation(connection, pin, holder.issued_on, data)


def card_holder(connection: Connection, pin: str, portrait_secret: str) -> CardHolder | None:
    """The holder as the card the citizen holds says: the data kept for it, or else the record's."""
    holder = load_holder(connection, pin, portrait_secret)
    if holder is None:
        return None
    kept = personalisation_of(connection, pin, holder.issued_on)
    if kept is None:
        return holder
    photo = kept.pop(_KEPT)
    for field in ("birth_date", "issued_on", "expires_on"):
        kept[field] = date.fromisoformat(kept[field]) if kept[field] else None
    return CardHolder(**kept, portrait_id=holder.portrait_id if photo else None)


def current_chip(connection: Connection, pin: str, portrait_secret: str, seed: str) -> Chip | None:
    """The chip of the card the citizen holds now; None for a PIN without a card."""
    holder = card_holder(connection, pin, portrait_secret)
    return None if holder is None else build_chip(holder, seed)
