"""The deterministic generator of the synthetic population.

The same seed gives the same citizens, byte for byte, for any count: one :class:`random.Random` drives a
stream of households, and ``count`` only says where the stream stops. Every invariant of
:mod:`idp.population_db.invariants` holds by construction. Distributions follow the domain reference (§9.2):
household-shaped age structure, family names by region and ethnicity, Thị/Văn by cohort, ethnicity by
province, province weights by population, and about 70 % of adults at level 2, 15 % at level 1, 15 % with no
account.

Everything is computed "as of" :data:`AS_OF`, not today's date, so a population never changes under a test.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from idp.population_db.cards import birthday_at as birthday
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
from idp.population_db.demography import ETHNIC_MIX
from idp.population_db.demography import PLATE_CODES
from idp.population_db.demography import RELIGIONS
from idp.population_db.demography import STREETS
from idp.population_db.demography import VEHICLE_BRANDS
from idp.population_db.insurance import beneficiary_group
from idp.population_db.licences import licence_classes
from idp.population_db.names import NameDrawer
from idp.population_db.names import WeightedChoice
from idp.population_db.names import region_of
from idp.population_db.pin import compose_pin
from idp.population_db.rows import Batch
from idp.population_db.serials import SerialSpace
from idp.population_db.units import AdministrativeUnits
from idp.population_db.units import Ward
from idp.population_db.units import load_units

GENERATOR_VERSION = "3"
"""Recorded in a seeded database, whose seeding resumes only under the same version.

Version 2: no record of a citizen is dated before their birth (health-insurance cards of the year's
newborns are valid from birth; a child born on :data:`AS_OF` has no card dated the day before).
Version 3: a child who turned six in the year of :data:`AS_OF` holds a card of their new group from
the sixth birthday (the child's card, group TE, ended the day before), not from the year's start: a
card's group fits the age on its first day.
"""
_STREAM_VERSION = "1"
"""Part of each chunk's random seed. Versions 2 and 3's fixes draw the same numbers in the same order, so
what they leave alone is generated exactly as by version 1."""
CHUNK_SIZE = 10_000
"""Citizens per chunk: the unit of generation, of parallelism and of one write transaction."""
AS_OF = date(2026, 7, 1)
"""The generator's "today": ages, card validity and account dates are computed against it."""

PROVINCE_MERGER = date(2025, 7, 1)
CAN_CUOC_FROM = date(2024, 7, 1)
CCCD_CHIP_FROM = date(2021, 1, 1)
VNEID_FROM = date(2022, 1, 1)
DECREE_69_FROM = date(2024, 7, 1)
NEW_LICENCE_CLASSES_FROM = date(2025, 1, 1)
POLICE_ISSUE_LICENCES_FROM = date(2025, 3, 1)

_YEAR_START = date(AS_OF.year, 1, 1).isoformat()
_YEAR_END = date(AS_OF.year, 12, 31).isoformat()
_CAN_CUOC = (CardGeneration.CAN_CUOC.value, CardGeneration.CAN_CUOC.issuing_authority)
_CCCD_CHIP = (CardGeneration.CCCD_CHIP.value, CardGeneration.CCCD_CHIP.issuing_authority)
_TEMPORARY = ResidenceKind.TEMPORARY.value
_CURRENT = ResidenceKind.CURRENT.value

CARRIER_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
    "081", "082", "083", "084", "085", "088", "091", "094",
    "070", "076", "077", "078", "079", "089", "090", "093",
    "052", "056", "058", "092", "059", "099", "087",
)  # fmt: skip
"""Mobile prefixes of Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile and iTel (reference §4.4)."""

PLATE_SERIES = "ABCDEFGHKLMNPSTUVXYZ"
MOTORCYCLE_SERIES = tuple(f"{letter}{digit}" for letter in PLATE_SERIES for digit in range(1, 10))
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Reserved tops of each number space: personas live there (see idp.population_db.personas).
PIN_SERIALS, PIN_RESERVED = 1_000_000, 1_000
PHONE_SERIALS, PHONE_RESERVED = 10_000_000, 10_000
SOCIAL_SERIALS, SOCIAL_RESERVED = 100_000_000, 10_000
HOUSEHOLD_SERIALS, HOUSEHOLD_RESERVED = 100_000_000, 10_000
LICENCE_SERIALS, LICENCE_RESERVED = 10_000_000_000, 10_000
CAR_PLATE_SERIALS = len(PLATE_SERIES) * 100_000
MOTORCYCLE_PLATE_SERIALS = len(MOTORCYCLE_SERIES) * 100_000
PLATE_RESERVED = 1_000


def years_before(when: date, years: float) -> date:
    return date.fromordinal(when.toordinal() - int(years * 365.2425))


def iso(day: date | None) -> str | None:
    """Dates travel as ISO 8601 text: what SQLite stores and PostgreSQL's COPY reads."""
    return None if day is None else day.isoformat()


def age_on(born: date, when: date) -> int:
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


@dataclass(slots=True, eq=False)
class Person:
    """A citizen while being generated: the identity core plus what the linked records need."""

    sex: Sex
    born: date
    relation: RelationToHead
    family_name: str = ""
    middle_name: str = ""
    given_name: str = ""
    pin: str = ""
    registration_province: int = 0
    father: "Person | None" = None
    mother: "Person | None" = None
    spouse: "Person | None" = None
    marital_status: MaritalStatus = MaritalStatus.SINGLE
    occupation: Occupation = Occupation.UNEMPLOYED
    deceased_on: date | None = None
    phone: str | None = None
    age: int = 0
    card_issued: date | None = None
    account_level: int = 0
    activated: date | None = None


@dataclass(frozen=True, slots=True)
class Home:
    """Where a household lives and what its members share."""

    province_code: int
    legacy_province: int
    ward: Ward
    street_address: str
    ethnicity_code: int
    religion: str
    number: str


class PopulationGenerator:
    """Yields the population as :class:`Batch` es of rows, household by household, deterministically."""

    def __init__(self, seed: int, units: AdministrativeUnits | None = None) -> None:
        self.seed = seed
        self.units = units or load_units()
        self.rng = random.Random()
        self.pins = SerialSpace("pin", PIN_SERIALS, PIN_RESERVED, seed)
        self.phones = SerialSpace("phone", PHONE_SERIALS, PHONE_RESERVED, seed)
        self.social = SerialSpace("social", SOCIAL_SERIALS, SOCIAL_RESERVED, seed)
        self.households = SerialSpace("household", HOUSEHOLD_SERIALS, HOUSEHOLD_RESERVED, seed)
        self.licences = SerialSpace("licence", LICENCE_SERIALS, LICENCE_RESERVED, seed)
        self.car_plates = SerialSpace("car plate", CAR_PLATE_SERIALS, PLATE_RESERVED, seed)
        self.motorcycle_plates = SerialSpace(
            "motorcycle plate", MOTORCYCLE_PLATE_SERIALS, PLATE_RESERVED, seed
        )
        self._spaces = (
            self.pins, self.phones, self.social, self.households, self.licences, self.car_plates,
            self.motorcycle_plates,
        )  # fmt: skip
        self.names = NameDrawer()
        self._province = WeightedChoice.of(
            {str(p.code): float(p.population) for p in self.units.provinces}
        )
        self._legacy_by_population = WeightedChoice.of(self._legacy_weights())
        self._wards = {
            p.code: (
                self.units.wards_in(p.code),
                WeightedChoice.of(
                    {str(i): (3.0 if w.division_type == "phường" else 1.0)
                     for i, w in enumerate(self.units.wards_in(p.code))}
                ),
            )
            for p in self.units.provinces
        }  # fmt: skip
        self._ethnic = {
            code: WeightedChoice.of({str(k): v for k, v in mix.items()})
            for code, mix in ETHNIC_MIX.items()
        }
        self._religion = {
            region: WeightedChoice.of(weights) for region, weights in RELIGIONS.items()
        }
        self._carriers = WeightedChoice.of(dict.fromkeys(CARRIER_PREFIXES, 1.0))
        self._hospital = {p.code: f"Bệnh viện Đa khoa {p.name}" for p in self.units.provinces}
        self._traffic_police = {
            p.code: f"Phòng Cảnh sát giao thông Công an {p.name}" for p in self.units.provinces
        }
        self._transport_department = {
            p.code: f"Sở Giao thông vận tải {p.name}" for p in self.units.legacy_provinces
        }
        self._stations: dict[int, str] = {}
        self.account_hashes: tuple[str, str] = ("", "")

    def _health_station(self, ward: Ward) -> str:
        station = self._stations.get(ward.code)
        if station is None:
            station = self._stations[ward.code] = f"Trạm Y tế {ward.name}"
        return station

    def _legacy_weights(self) -> dict[str, float]:
        weights: dict[str, float] = {}
        for province in self.units.provinces:
            predecessors = self.units.legacy_of(province.code)
            for legacy in predecessors:
                weights[str(legacy.code)] = province.population / len(predecessors)
        return weights

    # ------------------------------------------------------------------ households

    def chunk(self, index: int, size: int = CHUNK_SIZE) -> Batch:
        """Citizens ``index * CHUNK_SIZE`` to ``index * CHUNK_SIZE + size`` of this seed's population.

        A chunk is whole households, the last one cut to fit; it depends only on the seed and its index
        (see :mod:`idp.population_db.serials`).
        """
        self.rng = random.Random(f"vneid-mock population {_STREAM_VERSION} {self.seed} {index}")
        for space in self._spaces:
            space.start_chunk(index)
        batch = Batch()
        made = 0
        while made < size:
            members, home = self._household(limit=size - made)
            self.emit(members, home, batch)
            made += len(members)
        return batch

    def _household(self, limit: int) -> tuple[list[Person], Home]:
        rng = self.rng
        home = self._home()
        shape = rng.random()
        members: list[Person]
        if shape < 0.46:
            members = self._family(head_age=rng.uniform(24, 58), children=self._children_count())
        elif shape < 0.60:
            members = self._family(head_age=rng.uniform(30, 55), children=1 + int(rng.random() * 2))
            self._add_parents(members[0], members)
        elif shape < 0.73:
            members = [self._person(RelationToHead.HEAD, self._sex(0.5), rng.uniform(18, 80))]
        elif shape < 0.80:
            members = self._family(
                head_age=rng.uniform(26, 55), children=1 + int(rng.random() * 2), couple=False
            )
        elif shape < 0.87:
            members = self._family(head_age=rng.uniform(60, 88), children=0)
        else:
            members = self._family(head_age=rng.uniform(20, 40), children=0)
        del members[limit:]
        self._name_and_number(members, home)
        return members, home

    def _sex(self, male_share: float = 0.525) -> Sex:
        """Boys are born a little more often (about 111 per 100 girls in the 2010s)."""
        return Sex.MALE if self.rng.random() < male_share else Sex.FEMALE

    def _children_count(self) -> int:
        roll = self.rng.random()
        return 1 if roll < 0.4 else (2 if roll < 0.85 else 3)

    def _person(self, relation: RelationToHead, sex: Sex, age: float) -> Person:
        born = years_before(AS_OF, age)
        return Person(sex=sex, born=born, relation=relation, age=age_on(born, AS_OF))

    def _family(self, head_age: float, children: int, couple: bool = True) -> list[Person]:
        rng = self.rng
        head_sex = (
            Sex.MALE if (rng.random() < 0.72 if couple else rng.random() < 0.25) else Sex.FEMALE
        )
        head = self._person(RelationToHead.HEAD, head_sex, head_age)
        members = [head]
        mother: Person | None = head if head_sex is Sex.FEMALE else None
        father: Person | None = head if head_sex is Sex.MALE else None
        if couple:
            spouse_age = head_age + (
                rng.uniform(-8, 2) if head_sex is Sex.MALE else rng.uniform(-2, 8)
            )
            spouse_age = max(18.0, spouse_age)
            other = Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE
            spouse = self._person(RelationToHead.SPOUSE, other, spouse_age)
            head.spouse, spouse.spouse = spouse, head
            head.marital_status = spouse.marital_status = MaritalStatus.MARRIED
            members.append(spouse)
            mother = spouse if other is Sex.FEMALE else head
            father = spouse if other is Sex.MALE else head
        elif head_age > 30:
            head.marital_status = (
                MaritalStatus.DIVORCED if rng.random() < 0.6 else MaritalStatus.WIDOWED
            )
        parent = mother or head
        parent_age = parent.age
        for _ in range(children):
            oldest = min(parent_age - 19, 40)
            if oldest < 0:
                break
            child = self._person(
                RelationToHead.CHILD, self._sex(), rng.uniform(0, oldest) + rng.random() * 0.5
            )
            if child.born <= parent.born + timedelta(days=19 * 365):
                continue
            child.mother, child.father = mother, father
            members.append(child)
        return members

    def _add_parents(self, head: Person, members: list[Person]) -> None:
        rng = self.rng
        head_age = head.age
        father_age = head_age + rng.uniform(22, 35)
        mother_age = max(head_age + 20, father_age - rng.uniform(0, 6))
        grandfather = self._person(RelationToHead.PARENT, Sex.MALE, min(father_age, 97))
        grandmother = self._person(RelationToHead.PARENT, Sex.FEMALE, min(mother_age, 97))
        if rng.random() < 0.45:
            grandparents = [grandmother]
            grandmother.marital_status = MaritalStatus.WIDOWED
        else:
            grandparents = [grandfather, grandmother]
            grandfather.spouse, grandmother.spouse = grandmother, grandfather
            grandfather.marital_status = grandmother.marital_status = MaritalStatus.MARRIED
            head.father = grandfather
        head.mother = grandmother
        members.extend(grandparents)
        eldest = grandparents[-1]
        if rng.random() < 0.1:
            eldest.deceased_on = date.fromordinal(
                AS_OF.toordinal() - 1 - int(rng.random() * 4 * 365)
            )

    def _home(self) -> Home:
        rng = self.rng
        province_code = int(self._province.draw(rng))
        wards, weights = self._wards[province_code]
        ward = wards[int(weights.draw(rng))]
        predecessors = self.units.legacy_of(province_code)
        legacy = predecessors[int(rng.random() * len(predecessors))].code
        ethnicity = int(self._ethnic.get(province_code, self._ethnic[0]).draw(rng))
        region = region_of(province_code)
        religion = self._religion_of(ethnicity, region)
        number = f"{province_code:02d}{self.households.next(province_code):08d}"
        return Home(
            province_code, legacy, ward, self._street(ward, region), ethnicity, religion, number
        )

    def _religion_of(self, ethnicity: int, region: str) -> str:
        if ethnicity == 5:  # Khmer: Theravada Buddhism
            return "Phật giáo" if self.rng.random() < 0.85 else "Không"
        if ethnicity == 17:  # Chăm
            return "Hồi giáo" if self.rng.random() < 0.4 else "Bà-la-môn"
        return self._religion[region].draw(self.rng)

    def _street(self, ward: Ward, region: str) -> str:
        rng = self.rng
        if ward.division_type == "phường":
            return f"Số {1 + int(rng.random() * 299)} {STREETS[int(rng.random() * len(STREETS))]}"
        hamlet = {"north": "Thôn", "central": "Thôn", "south": "Ấp"}[region]
        return f"{hamlet} {1 + int(rng.random() * 12)}"

    # ------------------------------------------------------------------ identity core

    def _name_and_number(self, members: list[Person], home: Home) -> None:
        rng = self.rng
        # Oldest first, so that parents are named before the children who take their family name.
        for person in sorted(members, key=_birth):
            if person.father is not None:
                person.family_name = person.father.family_name
            elif person.mother is not None and person.relation is not RelationToHead.HEAD:
                person.family_name = person.mother.family_name
            else:
                person.family_name = self.names.family_name(
                    rng, home.province_code, home.ethnicity_code
                )
            person.middle_name = self.names.middle_name(rng, person.sex, person.born.year)
            person.given_name = self.names.given_name(rng, person.sex)
            if person.born >= PROVINCE_MERGER:
                person.registration_province = home.province_code
            elif rng.random() < 0.75 or person.relation is RelationToHead.CHILD:
                person.registration_province = home.legacy_province
            else:
                person.registration_province = int(self._legacy_by_population.draw(rng))
            bucket = (person.registration_province, str(person.sex), person.born.year)
            person.pin = compose_pin(
                person.registration_province,
                person.born.year,
                person.sex,
                self.pins.next(bucket),
            )
            person.occupation = self._occupation(person)

    def _occupation(self, person: Person) -> Occupation:
        age = person.age
        roll = self.rng.random()
        if age < 6:
            return Occupation.PRESCHOOL
        if age < 18:
            return Occupation.PUPIL
        if age < 23 and roll < 0.4:
            return Occupation.STUDENT
        retirement = 62 if person.sex is Sex.MALE else 60
        if age >= retirement:
            return Occupation.RETIRED
        for share, occupation in (
            (0.30, Occupation.EMPLOYEE), (0.36, Occupation.CIVIL_SERVANT),
            (0.63, Occupation.FARMER), (0.83, Occupation.SELF_EMPLOYED),
            (0.84, Occupation.MILITARY), (0.85, Occupation.POLICE),
            (0.93, Occupation.HOMEMAKER),
        ):  # fmt: skip
            if roll < share:
                return occupation
        return Occupation.UNEMPLOYED

    # ------------------------------------------------------------------ rows

    def emit(self, members: list[Person], home: Home, batch: Batch) -> None:
        """Append the rows of one household (its members and every linked record) to ``batch``."""
        head = members[0]
        batch.households.append(
            (home.number, head.pin, home.province_code, home.ward.code, home.street_address)
        )
        present = {id(person) for person in members}
        for person in members:
            self._emit_citizen(person, home, present, batch)
        for person in members:
            self._emit_account(person, members, batch)

    def _emit_citizen(self, person: Person, home: Home, present: set[int], batch: Batch) -> None:
        rng = self.rng
        age = person.age
        alive = person.deceased_on is None
        if age >= 14 and alive and rng.random() < 0.97:
            prefix = self._carriers.draw(rng)
            person.phone = f"{prefix}{self.phones.next(prefix):07d}"
        email = None
        if person.phone is not None and rng.random() < 0.35:
            email = (
                f"{_ascii(person.given_name)}.{_ascii(person.family_name)}{person.pin[-5:]}"
                f"@{EMAIL_DOMAINS[int(rng.random() * 3)]}"
            )

        def link(relative: Person | None) -> str | None:
            return relative.pin if relative is not None and id(relative) in present else None

        batch.citizens.append((
            person.pin, person.family_name, person.middle_name, person.given_name, iso(person.born),
            str(person.sex), "VN", home.ethnicity_code, home.religion,
            person.registration_province, home.ward.code, iso(person.deceased_on), home.number,
            str(person.relation), link(person.father), link(person.mother), link(person.spouse),
            str(person.marital_status), str(person.occupation), person.phone, email,
        ))  # fmt: skip
        if alive and 18 <= age < 60:
            roll = rng.random()
            if roll < 0.08:
                self._emit_elsewhere(person, batch, _TEMPORARY)
            elif roll < 0.10:
                self._emit_elsewhere(person, batch, _CURRENT)
        self._emit_card(person, age, batch)
        self._emit_insurance(person, age, home, batch)
        if alive and age >= 18:
            self._emit_licences_and_vehicles(person, age, home, batch)

    def _emit_elsewhere(self, person: Person, batch: Batch, kind: str) -> None:
        """Someone living away from the household's permanent address (thường trú).

        Either registered there as temporary residence (tạm trú, up to two years, where they then live)
        or only declared as the current place of living (nơi ở hiện tại).
        """
        rng = self.rng
        province_code = int(self._province.draw(rng))
        wards, weights = self._wards[province_code]
        ward = wards[int(weights.draw(rng))]
        street = self._street(ward, region_of(province_code))
        registered = date.fromordinal(AS_OF.toordinal() - int(rng.random() * 700))
        expires = registered + timedelta(days=730) if kind == _TEMPORARY else None
        batch.residences.append(
            (person.pin, kind, province_code, ward.code, street, iso(registered), iso(expires))
        )

    def _emit_card(self, person: Person, age: int, batch: Batch) -> None:
        rng = self.rng
        if age < 14:
            share = 0.45 if age >= 6 else 0.15
            if rng.random() >= share:
                return
            earliest = max(CAN_CUOC_FROM, person.born)
        else:
            earliest = max(CCCD_CHIP_FROM, birthday(person.born, 14))
        end = person.deceased_on or AS_OF
        if earliest >= end:  # no day left before the end: the last one, but never before birth
            earliest = max(end - timedelta(days=1), person.born)
        issued = date.fromordinal(earliest.toordinal() + int(rng.random() * (end - earliest).days))
        expires = card_expiry(person.born, issued)
        expired = expires is not None and expires <= AS_OF and person.deceased_on is None
        if expired and rng.random() < 0.9:  # most renew in time; the rest carry an expired card
            assert expires is not None
            issued = expires - timedelta(days=1 + int(rng.random() * 60))
            expires = card_expiry(person.born, issued)
        generation, authority = _CAN_CUOC if issued >= CAN_CUOC_FROM else _CCCD_CHIP
        person.card_issued = issued
        batch.cards.append((person.pin, generation, issued.isoformat(), iso(expires), authority))

    def _emit_insurance(self, person: Person, age: int, home: Home, batch: Batch) -> None:
        rng = self.rng
        province = home.province_code
        code = f"{province:02d}{self.social.next(province):08d}"
        insured = person.deceased_on is None and (age < 18 or rng.random() < 0.92)
        if not insured:
            batch.insurance.append((person.pin, code, None, None, None, None, None, None))
            return
        group, level = beneficiary_group(
            person.occupation, age, home.ethnicity_code, roll=rng.random()
        )
        facility = (
            self._health_station(home.ward) if rng.random() < 0.7 else self._hospital[province]
        )
        valid_from = max(_YEAR_START, person.born.isoformat())  # the year's newborns: from birth
        valid_to = _YEAR_END
        sixth_birthday = birthday(person.born, 6).isoformat()
        if group == "TE":  # children's cards end the day before their sixth birthday
            valid_to = min(_YEAR_END, (birthday(person.born, 6) - timedelta(days=1)).isoformat())
        else:  # a child who turned six this year: the new group's card follows the TE card's end
            valid_from = max(valid_from, sixth_birthday)
        batch.insurance.append((
            person.pin, code, f"{group}{level}{province:02d}{code}", group, level, facility,
            valid_from, valid_to,
        ))  # fmt: skip

    def _emit_licences_and_vehicles(
        self, person: Person, age: int, home: Home, batch: Batch
    ) -> None:
        rng = self.rng
        adult_from = birthday(person.born, 18)
        end = person.deceased_on or AS_OF
        for kind, share in (("motorcycle", 0.65), ("car", 0.15), ("truck", 0.03)):
            if rng.random() >= share:
                continue
            issued = date.fromordinal(
                adult_from.toordinal() + int(rng.random() * (end - adult_from).days)
            )
            licence_class, years = licence_classes(kind, issued >= NEW_LICENCE_CLASSES_FROM)
            expires = birthday(issued, years) if years else None
            authority = (
                self._traffic_police[home.province_code]
                if issued >= POLICE_ISSUE_LICENCES_FROM
                else self._transport_department[home.legacy_province]
            )
            number = f"{home.province_code:02d}{self.licences.next(home.province_code):010d}"
            batch.licences.append(
                (number, person.pin, licence_class, iso(issued), iso(expires), authority)
            )
        if age < 75:
            for vehicle_type, share in ((VehicleType.MOTORCYCLE, 0.55), (VehicleType.CAR, 0.08)):
                if rng.random() < share:
                    self._emit_vehicle(person, vehicle_type, home, adult_from, batch)

    def _emit_vehicle(
        self, person: Person, vehicle_type: VehicleType, home: Home, since: date, batch: Batch
    ) -> None:
        rng = self.rng
        codes = PLATE_CODES[home.legacy_province]
        code = codes[int(rng.random() * len(codes))]
        if vehicle_type is VehicleType.CAR:
            serial = self.car_plates.next(code)
            series, number = PLATE_SERIES[serial // 100_000], serial % 100_000
            plate = f"{code}{series}-{number // 100:03d}.{number % 100:02d}"
        else:
            serial = self.motorcycle_plates.next(code)
            series, number = MOTORCYCLE_SERIES[serial // 100_000], serial % 100_000
            plate = f"{code}-{series} {number // 100:03d}.{number % 100:02d}"
        brands = VEHICLE_BRANDS[vehicle_type]
        registered = date.fromordinal(since.toordinal() + int(rng.random() * (AS_OF - since).days))
        batch.vehicles.append((
            plate, person.pin, str(vehicle_type), brands[int(rng.random() * len(brands))], iso(registered),
        ))  # fmt: skip

    def _emit_account(self, person: Person, members: list[Person], batch: Batch) -> None:
        """The VNeID account, by the eligibility of Decree 69 Art. 7 at the date of activation."""
        rng = self.rng
        card_issued = person.card_issued
        if card_issued is None:
            return
        age = person.age
        guardian: Person | None = None
        if age >= 14:
            roll = rng.random()
            if person.phone is None or roll >= 0.87:  # 3 % of adults have no own-name phone
                return
            level = 2 if roll < 0.72 else 1
            earliest = max(VNEID_FROM, birthday(person.born, 14))
        else:
            guardian = next(
                (
                    parent
                    for parent in (person.mother, person.father)
                    if parent is not None
                    and parent.account_level == 2
                    and any(parent is member for member in members)
                ),
                None,
            )
            if guardian is None or rng.random() >= (0.6 if age >= 6 else 0.3):
                return
            level = 2 if age >= 6 and rng.random() < 0.08 else 1
            guardian_since = guardian.activated
            assert guardian_since is not None
            earliest = max(DECREE_69_FROM, card_issued, guardian_since)
            if level == 2:  # level 2 only from age 6 (Decree 69 Art. 7)
                earliest = max(earliest, birthday(person.born, 6))
        end = person.deceased_on or AS_OF
        if earliest >= end:
            return
        activated = date.fromordinal(
            earliest.toordinal() + int(rng.random() * (end - earliest).days)
        )
        if age_on(person.born, activated) < 14 and guardian is None:
            return
        if person.deceased_on is not None:
            status, reason = AccountStatus.LOCKED, LockReason.DECEASED
        elif rng.random() < 0.01:
            status = AccountStatus.LOCKED
            reason = LockReason.CITIZEN_REQUEST if rng.random() < 0.7 else LockReason.POLICE
        else:
            status, reason = AccountStatus.ACTIVE, None
        person.account_level = level
        person.activated = activated
        device = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if level == 2 else None
        password_hash, passcode_hash = self.account_hashes
        batch.accounts.append((
            person.pin, level, status.value, reason.value if reason else None, iso(activated),
            guardian.pin if guardian is not None else None, password_hash, passcode_hash, device,
        ))  # fmt: skip


def _birth(person: Person) -> date:
    return person.born


def _ascii(text: str) -> str:
    """Lower-case ASCII fold for e-mail local parts (Đ→d, diacritics dropped)."""
    import unicodedata

    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()
