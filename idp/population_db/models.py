"""The records of the synthetic National Population Database, as SQLModel tables.

Follows the person record of the domain reference (§9.1). One row of :class:`Citizen` is the identity core
(danh tính); the linked records hang off the PIN: residences (cư trú), the household (hộ gia đình), the
identity card (thẻ căn cước) and the cards revoked before their expiry, social and health insurance
(BHXH/BHYT), driving licences (giấy phép lái xe), vehicle registrations (đăng ký xe) and the VNeID
account (tài khoản định danh điện tử).

Enumerated values are stored as the English identifiers of :mod:`idp.population_db.codes`.
"""

from datetime import date

from sqlalchemy import Table
from sqlmodel import Field
from sqlmodel import SQLModel


class Citizen(SQLModel, table=True):
    """Công dân: the identity core and the links to relatives."""

    pin: str = Field(primary_key=True, max_length=12)
    family_name: str = Field(max_length=40)
    middle_name: str = Field(default="", max_length=60)
    given_name: str = Field(max_length=40)
    birth_date: date
    sex: str = Field(max_length=6)
    nationality: str = Field(default="VN", max_length=2)
    """ISO 3166-1 alpha-2 code (quốc tịch)."""
    ethnicity_code: int | None = None
    """One of the 54 groups (dân tộc); none for a foreigner."""
    religion: str = Field(default="Không", max_length=40)
    birth_registration_province: int
    """Nơi đăng ký khai sinh: a pre-2025 province code, the PIN's first three digits."""
    origin_ward_code: int
    """Quê quán, as a 2025 commune-level unit."""
    deceased_on: date | None = None
    household_number: str = Field(index=True, max_length=10)
    relation_to_head: str = Field(max_length=16)
    father_pin: str | None = Field(default=None, index=True, max_length=12)
    mother_pin: str | None = Field(default=None, index=True, max_length=12)
    spouse_pin: str | None = Field(default=None, max_length=12)
    marital_status: str = Field(max_length=10)
    occupation: str = Field(max_length=16)
    phone_number: str | None = Field(default=None, unique=True, index=True, max_length=10)
    """Số thuê bao chính chủ, national format ``0xxxxxxxxx``."""
    email: str | None = Field(default=None, max_length=80)

    @property
    def full_name(self) -> str:
        """Họ, chữ đệm và tên, as printed on the card."""
        return " ".join(
            part for part in (self.family_name, self.middle_name, self.given_name) if part
        )


class Household(SQLModel, table=True):
    """Hộ gia đình: one head (chủ hộ) and its members, registered at one permanent address."""

    number: str = Field(primary_key=True, max_length=10)
    head_pin: str = Field(max_length=12)
    province_code: int
    ward_code: int
    street_address: str = Field(max_length=120)


class Residence(SQLModel, table=True):
    """Cư trú: a citizen's permanent, temporary or current address in the 2025 two-level units."""

    pin: str = Field(primary_key=True, max_length=12)
    kind: str = Field(primary_key=True, max_length=10)
    province_code: int
    ward_code: int
    street_address: str = Field(max_length=120)
    registered_on: date
    expires_on: date | None = None


class IdentityCard(SQLModel, table=True):
    """Thẻ căn cước: the card in the citizen's hands; its number is the PIN."""

    pin: str = Field(primary_key=True, max_length=12)
    generation: str = Field(max_length=10)
    issued_on: date
    expires_on: date | None
    """None: valid for life (issued at 58 or later)."""
    issued_by: str = Field(max_length=80)


class CardRevocation(SQLModel, table=True):
    """Thẻ căn cước bị hủy: one card that stopped being valid before its expiry, named by its number
    (the PIN) and its issue date, so that a card issued later to the same citizen is not revoked with it.
    Its reason is one of :class:`idp.population_db.codes.RevocationReason`."""

    pin: str = Field(primary_key=True, max_length=12)
    issued_on: date = Field(primary_key=True)
    reason: str = Field(max_length=12)
    revoked_on: date


class ChipPersonalisation(SQLModel, table=True):
    """Dữ liệu cá thể hóa chip: what was written on a card's chip when it was made, kept once the
    citizen's record changes after the card was issued (a chip is never rewritten; a new card is).
    ``data`` is JSON of :class:`idp.chip.card.CardHolder`'s printed fields."""

    pin: str = Field(primary_key=True, max_length=12)
    issued_on: date = Field(primary_key=True)
    data: str


class SocialInsurance(SQLModel, table=True):
    """Bảo hiểm xã hội / y tế: the social-insurance code and, when insured, the 15-character BHYT card."""

    pin: str = Field(primary_key=True, max_length=12)
    social_insurance_code: str = Field(unique=True, index=True, max_length=10)
    bhyt_card_number: str | None = Field(default=None, max_length=15)
    beneficiary_group: str | None = Field(default=None, max_length=2)
    benefit_level: int | None = None
    registered_facility: str | None = Field(default=None, max_length=120)
    valid_from: date | None = None
    valid_to: date | None = None


class DrivingLicense(SQLModel, table=True):
    """Giấy phép lái xe: one licence class per row."""

    number: str = Field(primary_key=True, max_length=12)
    pin: str = Field(index=True, max_length=12)
    license_class: str = Field(max_length=4)
    issued_on: date
    expires_on: date | None
    issued_by: str = Field(max_length=80)


class VehicleRegistration(SQLModel, table=True):
    """Đăng ký xe: a registered vehicle and its plate."""

    plate: str = Field(primary_key=True, max_length=12)
    pin: str = Field(index=True, max_length=12)
    vehicle_type: str = Field(max_length=10)
    brand: str = Field(max_length=30)
    registered_on: date


class VneidAccount(SQLModel, table=True):
    """Tài khoản định danh điện tử: the citizen's VNeID account, level 1 or level 2."""

    pin: str = Field(primary_key=True, max_length=12)
    level: int
    status: str = Field(max_length=8)
    lock_reason: str | None = Field(default=None, max_length=16)
    activated_on: date
    registered_by_pin: str | None = Field(default=None, max_length=12)
    """The guardian whose level-2 account registered a child under 14."""
    password_hash: str = Field(max_length=120)
    passcode_hash: str = Field(max_length=120)
    device_id: str | None = Field(default=None, max_length=36)
    """The phone a level-2 account is bound to."""


class BirthRegistration(SQLModel, table=True):
    """Đăng ký khai sinh: one birth registered through the population service, named by the client that
    asked and its request's own key (a resubmitted request finds its child here). ``answer`` is the
    JSON the service answered, given again to a resubmission; ``body_digest`` the SHA-256 of the
    request's canonical JSON, so that the same key with another body is refused."""

    client_id: str = Field(primary_key=True, max_length=100)
    request_id: str = Field(primary_key=True, max_length=64)
    body_digest: str = Field(max_length=64)
    child_pin: str = Field(unique=True, max_length=12)
    declarant_pin: str = Field(index=True, max_length=12)
    birth_ward_code: int
    """Nơi sinh: the 2025 commune-level unit where the child was born."""
    registered_on: date
    answer: str


class DeathRegistration(SQLModel, table=True):
    """Đăng ký khai tử: one death registered through the population service, keyed like
    :class:`BirthRegistration`. ``undo`` is JSON of the values the death replaced
    (:func:`idp.citizen.changes.change_citizen`'s answer), which cancel it. One registration per
    deceased: a second one for the same citizen fails on ``deceased_pin``."""

    client_id: str = Field(primary_key=True, max_length=100)
    request_id: str = Field(primary_key=True, max_length=64)
    body_digest: str = Field(max_length=64)
    sequence: int = Field(unique=True)
    """The registration's place among all, in the order they were made (the sandbox's reset cancels
    the newest first)."""
    deceased_pin: str = Field(unique=True, max_length=12)
    declarant_pin: str = Field(max_length=12)
    died_on: date
    registered_on: date
    answer: str
    undo: str


class DeathClearance(SQLModel, table=True):
    """What recording a death cleared: the VNeID account's state before it was locked for the death
    and the permanent residence removed from the register (xóa đăng ký thường trú), kept so that a
    death recorded by mistake can be cancelled (hủy việc khai tử) with everything given back."""

    pin: str = Field(primary_key=True, max_length=12)
    account_status: str | None = Field(default=None, max_length=8)
    lock_reason: str | None = Field(default=None, max_length=16)
    residence: str | None = None
    """JSON of the removed permanent residence row; none when there was none."""


class PopulationMeta(SQLModel, table=True):
    """What generated this database: seed, count and generator version, so seeding stays idempotent."""

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


POPULATION_MODELS: tuple[type[SQLModel], ...] = (
    Citizen,
    Household,
    Residence,
    IdentityCard,
    CardRevocation,
    ChipPersonalisation,
    SocialInsurance,
    DrivingLicense,
    VehicleRegistration,
    VneidAccount,
    BirthRegistration,
    DeathRegistration,
    DeathClearance,
    PopulationMeta,
)


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table behind a SQLModel table class."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def population_tables() -> list[Table]:
    return [table_of(model) for model in POPULATION_MODELS]
