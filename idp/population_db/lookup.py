"""Reading one citizen with every linked record, by PIN: the seam the identity provider reads through.

The permanent residence (thường trú) is the registered address of the citizen's household; temporary
residence (tạm trú) and current place of living (nơi ở hiện tại) are rows of their own, and the current
place defaults to the temporary residence, then to the permanent one.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session
from sqlmodel import col
from sqlmodel import select

from idp.population_db.codes import ResidenceKind
from idp.population_db.models import Citizen
from idp.population_db.models import DrivingLicense
from idp.population_db.models import Household
from idp.population_db.models import IdentityCard
from idp.population_db.models import Residence
from idp.population_db.models import SocialInsurance
from idp.population_db.models import VehicleRegistration
from idp.population_db.models import VneidAccount


@dataclass(frozen=True, slots=True)
class Address:
    """An address in the 2025 two-level units."""

    province_code: int
    ward_code: int
    street_address: str
    registered_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class CitizenRecord:
    """A citizen and all linked records."""

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


def _address(residence: Residence) -> Address:
    return Address(
        residence.province_code,
        residence.ward_code,
        residence.street_address,
        residence.registered_on,
        residence.expires_on,
    )


def find_citizen(session: Session, pin: str) -> CitizenRecord | None:
    """The citizen whose PIN is ``pin`` with every linked record, or None."""
    citizen = session.get(Citizen, pin)
    if citizen is None:
        return None
    household = session.get(Household, citizen.household_number)
    assert household is not None, "every citizen belongs to a household"
    members = session.exec(
        select(Citizen).where(Citizen.household_number == citizen.household_number)
    ).all()
    residences = {r.kind: r for r in session.exec(select(Residence).where(Residence.pin == pin))}
    permanent = Address(household.province_code, household.ward_code, household.street_address)
    temporary_row = residences.get(ResidenceKind.TEMPORARY.value)
    temporary = _address(temporary_row) if temporary_row is not None else None
    current_row = residences.get(ResidenceKind.CURRENT.value)
    current = _address(current_row) if current_row is not None else (temporary or permanent)
    children = session.exec(
        select(Citizen).where(or_(col(Citizen.father_pin) == pin, col(Citizen.mother_pin) == pin))
    ).all()
    return CitizenRecord(
        citizen=citizen,
        household=household,
        household_members=tuple(m for m in members if m.pin != pin),
        permanent=permanent,
        temporary=temporary,
        current=current,
        card=session.get(IdentityCard, pin),
        insurance=session.get(SocialInsurance, pin),
        licences=tuple(session.exec(select(DrivingLicense).where(DrivingLicense.pin == pin))),
        vehicles=tuple(
            session.exec(select(VehicleRegistration).where(VehicleRegistration.pin == pin))
        ),
        account=session.get(VneidAccount, pin),
        children=tuple(children),
    )
