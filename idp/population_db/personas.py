"""The persona catalogue: fixed, named test citizens present in every database, whatever the seed.

Each persona covers one case an integrator must be able to provoke (PRODUCT.md, "Test citizens"). Their
numbers sit in the reserved tops of the number spaces (:mod:`idp.population_db.serials`), so they never
collide with a generated citizen. Everything is written out here, record by record, so that a persona's
data can be read in one place and never depends on the seed.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from idp.population_db.cards import card_expiry
from idp.population_db.codes import AccountStatus
from idp.population_db.codes import CardGeneration
from idp.population_db.codes import LockReason
from idp.population_db.codes import MaritalStatus
from idp.population_db.codes import Occupation
from idp.population_db.codes import RelationToHead
from idp.population_db.codes import ResidenceKind
from idp.population_db.codes import Sex
from idp.population_db.codes import VehicleType
from idp.population_db.insurance import GROUP_LEVELS
from idp.population_db.rows import Batch
from idp.population_db.units import AdministrativeUnits


@dataclass(frozen=True, slots=True)
class Licence:
    number: str
    license_class: str
    issued_on: date
    expires_on: date | None
    issued_by: str


@dataclass(frozen=True, slots=True)
class Vehicle:
    plate: str
    vehicle_type: VehicleType
    brand: str
    registered_on: date


@dataclass(frozen=True, slots=True)
class Persona:
    """One test citizen and what it is for."""

    key: str
    purpose: str
    purpose_vi: str
    pin: str
    family_name: str
    middle_name: str
    given_name: str
    sex: Sex
    birth_date: date
    birth_registration_province: int
    province_code: int
    ward_code: int
    street_address: str
    household_number: str
    relation: RelationToHead
    marital_status: MaritalStatus
    occupation: Occupation
    social_insurance_code: str
    bhyt_group: str | None
    account_level: int | None
    account_status: AccountStatus = AccountStatus.ACTIVE
    lock_reason: LockReason | None = None
    activated_on: date | None = None
    registered_by: str | None = None
    device_id: str | None = None
    card_generation: CardGeneration | None = None
    card_issued_on: date | None = None
    phone_number: str | None = None
    email: str | None = None
    nationality: str = "VN"
    ethnicity_code: int | None = 1
    religion: str = "Không"
    deceased_on: date | None = None
    father_pin: str | None = None
    mother_pin: str | None = None
    spouse_pin: str | None = None
    licences: tuple[Licence, ...] = field(default=())
    vehicles: tuple[Vehicle, ...] = field(default=())

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def card_expires_on(self) -> date | None:
        if self.card_issued_on is None:
            return None
        return card_expiry(self.birth_date, self.card_issued_on)


_HANOI_POLICE_LICENCES = "Phòng Cảnh sát giao thông Công an Thành phố Hà Nội"

PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="level2-full",
        purpose="Adult with a level-2 account and every integrated document: card, residence, "
        "household, health insurance, two driving licences, two vehicles. Head of a household.",
        purpose_vi="Người trưởng thành có tài khoản mức 2 và đủ mọi giấy tờ tích hợp; chủ hộ.",
        pin="001088999001",
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="Bình",
        sex=Sex.MALE,
        birth_date=date(1988, 3, 15),
        birth_registration_province=1,
        province_code=1,
        ward_code=70,
        street_address="Số 12 Hàng Bạc",
        household_number="0199990001",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.MARRIED,
        occupation=Occupation.EMPLOYEE,
        social_insurance_code="0199990001",
        bhyt_group="DN",
        account_level=2,
        activated_on=date(2022, 6, 1),
        device_id="7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e01",
        card_generation=CardGeneration.CAN_CUOC,
        card_issued_on=date(2024, 9, 10),
        phone_number="0919990001",
        email="binh.nguyen@example.com",
        spouse_pin="031190999002",
        licences=(
            Licence(
                "019999990001",
                "A1",
                date(2008, 5, 20),
                None,
                "Sở Giao thông vận tải Thành phố Hà Nội",
            ),
            Licence(
                "019999990002", "B", date(2025, 4, 2), date(2035, 4, 2), _HANOI_POLICE_LICENCES
            ),
        ),
        vehicles=(
            Vehicle("29-Z9 990.01", VehicleType.MOTORCYCLE, "Honda", date(2019, 8, 1)),
            Vehicle("30Z-990.02", VehicleType.CAR, "VinFast", date(2025, 5, 10)),
        ),
    ),
    Persona(
        key="level2-spouse",
        purpose="Second member of the level2-full household (his wife), level 2: household sharing "
        "and single sign-on between two citizens.",
        purpose_vi="Vợ của Nguyễn Văn Bình, thành viên thứ hai của hộ, tài khoản mức 2.",
        pin="031190999002",
        family_name="Trần",
        middle_name="Thị",
        given_name="Hoa",
        sex=Sex.FEMALE,
        birth_date=date(1990, 7, 2),
        birth_registration_province=31,
        province_code=1,
        ward_code=70,
        street_address="Số 12 Hàng Bạc",
        household_number="0199990001",
        relation=RelationToHead.SPOUSE,
        marital_status=MaritalStatus.MARRIED,
        occupation=Occupation.CIVIL_SERVANT,
        social_insurance_code="0199990002",
        bhyt_group="HC",
        account_level=2,
        activated_on=date(2023, 2, 14),
        device_id="7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e02",
        card_generation=CardGeneration.CCCD_CHIP,
        card_issued_on=date(2022, 5, 20),
        phone_number="0889990002",
        spouse_pin="001088999001",
    ),
    Persona(
        key="child-level1",
        purpose="Child aged 6–13 with a level-1 account registered by a guardian (level2-full, his "
        "father) who holds level 2. Third member of that household.",
        purpose_vi="Trẻ em 6–13 tuổi có tài khoản mức 1 do người giám hộ (cha, mức 2) đăng ký.",
        pin="001216999003",
        family_name="Nguyễn",
        middle_name="Minh",
        given_name="Khang",
        sex=Sex.MALE,
        birth_date=date(2016, 5, 20),
        birth_registration_province=1,
        province_code=1,
        ward_code=70,
        street_address="Số 12 Hàng Bạc",
        household_number="0199990001",
        relation=RelationToHead.CHILD,
        marital_status=MaritalStatus.SINGLE,
        occupation=Occupation.PUPIL,
        social_insurance_code="0199990003",
        bhyt_group="HS",
        account_level=1,
        activated_on=date(2024, 9, 1),
        registered_by="001088999001",
        card_generation=CardGeneration.CAN_CUOC,
        card_issued_on=date(2024, 8, 1),
        father_pin="001088999001",
        mother_pin="031190999002",
    ),
    Persona(
        key="level1-only",
        purpose="Adult with a level-1 account only: reaches at most LoA2; level-2 scopes and LoA3 "
        "are refused with unmet_authentication_requirements.",
        purpose_vi="Người trưởng thành chỉ có tài khoản mức 1 (tối đa LoA2).",
        pin="079195999004",
        family_name="Lê",
        middle_name="Thị",
        given_name="Mai",
        sex=Sex.FEMALE,
        birth_date=date(1995, 11, 8),
        birth_registration_province=79,
        province_code=79,
        ward_code=26740,
        street_address="Số 45 Lê Lợi",
        household_number="7999990004",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.SINGLE,
        occupation=Occupation.EMPLOYEE,
        social_insurance_code="7999990004",
        bhyt_group="DN",
        account_level=1,
        activated_on=date(2023, 4, 3),
        card_generation=CardGeneration.CAN_CUOC,
        card_issued_on=date(2025, 1, 10),
        phone_number="0909990004",
        email="mai.le@example.net",
    ),
    Persona(
        key="no-account",
        purpose="Adult with a valid card but no VNeID account: login is refused (access_denied).",
        purpose_vi="Người trưởng thành có thẻ căn cước nhưng chưa có tài khoản định danh.",
        pin="048079999005",
        family_name="Phạm",
        middle_name="Văn",
        given_name="Tuấn",
        sex=Sex.MALE,
        birth_date=date(1979, 2, 14),
        birth_registration_province=48,
        province_code=48,
        ward_code=20242,
        street_address="Số 8 Trần Phú",
        household_number="4899990005",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.DIVORCED,
        occupation=Occupation.SELF_EMPLOYED,
        social_insurance_code="4899990005",
        bhyt_group="GD",
        account_level=None,
        card_generation=CardGeneration.CCCD_CHIP,
        card_issued_on=date(2021, 6, 1),
        phone_number="0989990005",
    ),
    Persona(
        key="locked",
        purpose="Level-2 account locked at the citizen's request: login is refused (access_denied).",
        purpose_vi="Tài khoản mức 2 bị khóa theo yêu cầu của công dân.",
        pin="040183999006",
        family_name="Hoàng",
        middle_name="Thị",
        given_name="Lan",
        sex=Sex.FEMALE,
        birth_date=date(1983, 9, 30),
        birth_registration_province=40,
        province_code=40,
        ward_code=16690,
        street_address="Số 20 Quang Trung",
        household_number="4099990006",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.WIDOWED,
        occupation=Occupation.FARMER,
        social_insurance_code="4099990006",
        bhyt_group="GD",
        account_level=2,
        account_status=AccountStatus.LOCKED,
        lock_reason=LockReason.CITIZEN_REQUEST,
        activated_on=date(2022, 11, 5),
        device_id="7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e06",
        card_generation=CardGeneration.CCCD_CHIP,
        card_issued_on=date(2021, 10, 12),
        phone_number="0339990006",
    ),
    Persona(
        key="expired-card",
        purpose="Elderly citizen whose card expired on his 60th birthday (not renewed); level 2. An "
        "RP that checks the card's validity must notice.",
        purpose_vi="Người cao tuổi có thẻ căn cước đã hết hạn (tuổi 60, chưa đổi); tài khoản mức 2.",
        pin="034064999007",
        family_name="Vũ",
        middle_name="Văn",
        given_name="Thọ",
        sex=Sex.MALE,
        birth_date=date(1964, 10, 5),
        birth_registration_province=34,
        province_code=33,
        ward_code=13225,
        street_address="Thôn 3",
        household_number="3399990007",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.MARRIED,
        occupation=Occupation.RETIRED,
        social_insurance_code="3399990007",
        bhyt_group="HT",
        account_level=2,
        activated_on=date(2022, 8, 20),
        device_id="7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e07",
        card_generation=CardGeneration.CCCD_CHIP,
        card_issued_on=date(2021, 4, 1),
        phone_number="0979990007",
    ),
    Persona(
        key="deceased",
        purpose="Deceased citizen (died 3 Dec 2025); her level-2 account was locked at death: login "
        "is refused (access_denied).",
        purpose_vi="Công dân đã mất (03/12/2025); tài khoản bị khóa.",
        pin="036140999008",
        family_name="Đỗ",
        middle_name="Thị",
        given_name="Nhàn",
        sex=Sex.FEMALE,
        birth_date=date(1940, 1, 20),
        birth_registration_province=36,
        province_code=37,
        ward_code=13456,
        street_address="Xóm 2",
        household_number="3799990008",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.WIDOWED,
        occupation=Occupation.RETIRED,
        social_insurance_code="3799990008",
        bhyt_group=None,
        account_level=2,
        account_status=AccountStatus.LOCKED,
        lock_reason=LockReason.DECEASED,
        activated_on=date(2023, 3, 1),
        device_id="7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e08",
        card_generation=CardGeneration.CCCD_CHIP,
        card_issued_on=date(2021, 8, 15),
        deceased_on=date(2025, 12, 3),
        religion="Công giáo",
    ),
    Persona(
        key="foreign-resident",
        purpose="Foreign resident (Korean national) with a level-1 account and a 12-digit "
        "electronic identification number; no Vietnamese identity card, no ethnicity.",
        purpose_vi="Người nước ngoài cư trú tại Việt Nam có tài khoản mức 1.",
        pin="079087999009",
        family_name="Kim",
        middle_name="",
        given_name="Min-jun",
        sex=Sex.MALE,
        birth_date=date(1987, 12, 1),
        birth_registration_province=79,
        province_code=79,
        ward_code=26743,
        street_address="Số 101 Nguyễn Huệ",
        household_number="7999990009",
        relation=RelationToHead.HEAD,
        marital_status=MaritalStatus.SINGLE,
        occupation=Occupation.EMPLOYEE,
        social_insurance_code="7999990009",
        bhyt_group="DN",
        account_level=1,
        activated_on=date(2024, 10, 15),
        phone_number="0909990009",
        nationality="KR",
        ethnicity_code=None,
        email="minjun.kim@example.org",
    ),
)


def persona(key: str) -> Persona:
    """The persona named ``key``; KeyError when there is none."""
    for candidate in PERSONAS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def persona_batch(password_hash: str, passcode_hash: str, units: AdministrativeUnits) -> Batch:
    """Every persona as rows, with the sandbox credential hashes."""
    batch = Batch()
    heads = {p.household_number: p for p in PERSONAS if p.relation is RelationToHead.HEAD}
    for p in PERSONAS:
        ward = p.ward_code
        if p.relation is RelationToHead.HEAD:
            batch.households.append(
                (p.household_number, p.pin, p.province_code, ward, p.street_address)
            )
        batch.citizens.append((
            p.pin, p.family_name, p.middle_name, p.given_name, p.birth_date.isoformat(),
            p.sex.value, p.nationality, p.ethnicity_code, p.religion, p.birth_registration_province,
            ward, _iso(p.deceased_on), p.household_number, p.relation.value, p.father_pin,
            p.mother_pin, p.spouse_pin, p.marital_status.value, p.occupation.value, p.phone_number,
            p.email,
        ))  # fmt: skip
        head = heads[p.household_number]
        kind = ResidenceKind.TEMPORARY if p.nationality != "VN" else ResidenceKind.PERMANENT
        expires = date(2026, 10, 14) if kind is ResidenceKind.TEMPORARY else None
        batch.residences.append((
            p.pin, kind.value, head.province_code, ward, head.street_address,
            max(p.birth_date, date(2020, 1, 6)).isoformat(), _iso(expires),
        ))  # fmt: skip
        if p.card_generation is not None and p.card_issued_on is not None:
            batch.cards.append((
                p.pin, p.card_generation.value, p.card_issued_on.isoformat(),
                _iso(p.card_expires_on), p.card_generation.issuing_authority,
            ))  # fmt: skip
        insured = p.bhyt_group is not None
        group = p.bhyt_group or ""
        batch.insurance.append((
            p.pin, p.social_insurance_code,
            f"{group}{GROUP_LEVELS[group]}{p.province_code:02d}{p.social_insurance_code}" if insured else None,
            group or None, GROUP_LEVELS[group] if insured else None,
            f"Bệnh viện Đa khoa {units.province(p.province_code).name}" if insured else None,
            "2026-01-01" if insured else None, "2026-12-31" if insured else None,
        ))  # fmt: skip
        for licence in p.licences:
            batch.licences.append((
                licence.number, p.pin, licence.license_class, licence.issued_on.isoformat(),
                _iso(licence.expires_on), licence.issued_by,
            ))  # fmt: skip
        for vehicle in p.vehicles:
            batch.vehicles.append((
                vehicle.plate, p.pin, vehicle.vehicle_type.value, vehicle.brand,
                vehicle.registered_on.isoformat(),
            ))  # fmt: skip
        if p.account_level is not None and p.activated_on is not None:
            batch.accounts.append((
                p.pin, p.account_level, p.account_status.value,
                p.lock_reason.value if p.lock_reason else None, p.activated_on.isoformat(),
                p.registered_by, password_hash, passcode_hash, p.device_id,
            ))  # fmt: skip
    return batch


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
