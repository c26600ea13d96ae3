"""The invariants every citizen of the population database must satisfy (domain reference §9.1).

:func:`check_population` streams the whole database and reports each violation with the PIN it concerns.
Uniqueness and links are checked in SQL (anti-joins and GROUP BY); per-citizen rules in Python over one
streamed join.

Dates are judged on a day, ``today``: the generator's reference day
:data:`~idp.population_db.generator.AS_OF` unless the caller names another (the provider's
:meth:`~idp.state.clock.Clock.population_day`, which moves with its clock). The rules say what stays
true as that day moves on: every dated record of a citizen (card, account, insurance, licence, vehicle,
residence) falls on or after their birth, and what happened to them (an issue, an activation, a
registration, their death) by their death or ``today``. Whatever depends on an age is judged on the day
the record was made (a card's issue, an account's activation, an insurance card's first day), never on
``today``: a child turning 14 becomes eligible for a card, not in breach, and a card that has reached
its expiry is expired, which is a judgement of its validity, not a fault in the data.
"""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.cards import birthday_at
from idp.population_db.cards import card_expiry
from idp.population_db.codes import AccountStatus
from idp.population_db.codes import CardGeneration
from idp.population_db.codes import LockReason
from idp.population_db.codes import Sex
from idp.population_db.generator import AS_OF
from idp.population_db.generator import CAN_CUOC_FROM
from idp.population_db.generator import CARRIER_PREFIXES
from idp.population_db.generator import NEW_LICENCE_CLASSES_FROM
from idp.population_db.generator import PROVINCE_MERGER
from idp.population_db.generator import age_on
from idp.population_db.insurance import GROUP_LEVELS
from idp.population_db.licences import class_of_era
from idp.population_db.pin import validate_pin
from idp.population_db.units import AdministrativeUnits
from idp.population_db.units import load_units


@dataclass(frozen=True, slots=True)
class Violation:
    pin: str
    rule: str
    detail: str


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# Queries whose every row is a violation: (rule, SQL returning pin and detail).
_SQL_RULES: tuple[tuple[str, str], ...] = (
    ("unique-phone", "SELECT min(pin), phone_number FROM citizen WHERE phone_number IS NOT NULL "
     "GROUP BY phone_number HAVING count(*) > 1"),
    ("unique-social-insurance", "SELECT min(pin), social_insurance_code FROM socialinsurance "
     "GROUP BY social_insurance_code HAVING count(*) > 1"),
    ("one-head", "SELECT h.head_pin, h.number FROM household h WHERE (SELECT count(*) FROM citizen c "
     "WHERE c.household_number = h.number AND c.relation_to_head = 'head') != 1"),
    ("head-is-head", "SELECT h.head_pin, h.number FROM household h LEFT JOIN citizen c ON "
     "c.pin = h.head_pin AND c.household_number = h.number AND c.relation_to_head = 'head' "
     "WHERE c.pin IS NULL"),
    ("household-exists", "SELECT c.pin, c.household_number FROM citizen c LEFT JOIN household h "
     "ON h.number = c.household_number WHERE h.number IS NULL"),
    ("father-exists", "SELECT c.pin, c.father_pin FROM citizen c LEFT JOIN citizen p "
     "ON p.pin = c.father_pin WHERE c.father_pin IS NOT NULL AND p.pin IS NULL"),
    ("mother-exists", "SELECT c.pin, c.mother_pin FROM citizen c LEFT JOIN citizen p "
     "ON p.pin = c.mother_pin WHERE c.mother_pin IS NOT NULL AND p.pin IS NULL"),
    ("spouse-mutual", "SELECT c.pin, c.spouse_pin FROM citizen c LEFT JOIN citizen s "
     "ON s.pin = c.spouse_pin WHERE c.spouse_pin IS NOT NULL AND (s.pin IS NULL OR "
     "s.spouse_pin IS NULL OR s.spouse_pin != c.pin OR s.sex = c.sex)"),
    ("records-have-citizen", "SELECT x.pin, 'orphan record' FROM (SELECT pin FROM identitycard "
     "UNION ALL SELECT pin FROM socialinsurance UNION ALL SELECT pin FROM vneidaccount UNION ALL "
     "SELECT pin FROM residence UNION ALL SELECT pin FROM drivinglicense UNION ALL "
     "SELECT pin FROM vehicleregistration) x LEFT JOIN citizen c ON c.pin = x.pin "
     "WHERE c.pin IS NULL"),
    ("guardian-level-2", "SELECT a.pin, a.registered_by_pin FROM vneidaccount a JOIN citizen c "
     "ON c.pin = a.pin LEFT JOIN vneidaccount g ON g.pin = a.registered_by_pin "
     "WHERE a.registered_by_pin IS NOT NULL AND (g.pin IS NULL OR g.level != 2 OR "
     "(a.registered_by_pin != c.father_pin AND a.registered_by_pin != c.mother_pin))"),
)  # fmt: skip

_CITIZENS = text(
    "SELECT c.pin, c.family_name, c.middle_name, c.given_name, c.birth_date, c.sex, c.nationality, "
    "c.ethnicity_code, c.birth_registration_province, c.deceased_on, c.phone_number, "
    "k.generation, k.issued_on, k.expires_on, k.issued_by, "
    "a.level, a.status, a.lock_reason, a.activated_on, a.registered_by_pin, a.device_id, "
    "i.bhyt_card_number, i.beneficiary_group, i.benefit_level, i.social_insurance_code, "
    "i.valid_from, i.valid_to "
    "FROM citizen c LEFT JOIN identitycard k ON k.pin = c.pin "
    "LEFT JOIN vneidaccount a ON a.pin = c.pin LEFT JOIN socialinsurance i ON i.pin = c.pin "
    "ORDER BY c.pin"
)


def check_population(engine: Engine, *, today: date = AS_OF) -> Iterator[Violation]:
    """Every violation of every invariant in the database, PIN by PIN, judged on the day ``today``
    (the population's today; the generator's reference day unless given)."""
    units = load_units()
    with engine.connect() as connection:
        for rule, sql in _SQL_RULES:
            for pin, detail in connection.execute(text(sql)):
                yield Violation(str(pin), rule, str(detail))
        yield from _check_parents(connection)
        yield from _check_citizens(connection, units, today)
        yield from _check_places(connection, units)
        yield from _check_licences(connection, today)
        yield from _check_registrations(connection, today)


MIN_PARENT_AGE = 15
"""Youngest age at which a parent in the population had a child."""


def _check_parents(connection: Connection) -> Iterator[Violation]:
    """Fathers are male, mothers female, and each was at least 15 when the child was born."""
    sql = text(
        "SELECT c.pin, c.birth_date, p.sex, p.birth_date, 'father' FROM citizen c "
        "JOIN citizen p ON p.pin = c.father_pin UNION ALL "
        "SELECT c.pin, c.birth_date, p.sex, p.birth_date, 'mother' FROM citizen c "
        "JOIN citizen p ON p.pin = c.mother_pin"
    )
    for pin, born_raw, parent_sex, parent_born_raw, role in connection.execution_options(
        yield_per=5_000
    ).execute(sql):
        born, parent_born = _day(born_raw), _day(parent_born_raw)
        assert born is not None
        assert parent_born is not None
        expected = "male" if role == "father" else "female"
        if parent_sex != expected or age_on(parent_born, born) < MIN_PARENT_AGE:
            yield Violation(
                str(pin), f"{role}-plausible", f"{role} is {parent_sex}, born {parent_born}"
            )


def _check_citizens(
    connection: Connection, units: AdministrativeUnits, today: date
) -> Iterator[Violation]:
    result = connection.execution_options(yield_per=5_000).execute(_CITIZENS)
    for row in result:
        yield from _check_citizen(tuple(row), units, today)


def _check_citizen(
    row: tuple[object, ...], units: AdministrativeUnits, today: date
) -> Iterator[Violation]:
    (pin, family, middle, given, born_raw, sex_raw, nationality, ethnicity, registration,
     deceased_raw, phone, generation, issued_raw, expires_raw, issued_by, level, status,
     lock_reason, activated_raw, registered_by, device, bhyt, group, benefit, social, valid_from_raw,
     valid_to_raw) = row  # fmt: skip
    pin = str(pin)
    born = _day(born_raw)
    assert born is not None
    sex = Sex(str(sex_raw))
    for reason in validate_pin(pin, birth_date=born, sex=sex):
        yield Violation(pin, "pin", reason)
    if pin[:3] != f"{registration:03d}":
        yield Violation(
            pin, "pin-province", f"PIN prefix {pin[:3]} but birth registered in {registration}"
        )
    if born >= PROVINCE_MERGER and not units.has_province(int(str(registration))):
        yield Violation(pin, "pin-province", "births from 2025-07-01 register in a 2025 province")
    for part in (family, middle, given):
        if unicodedata.normalize("NFC", str(part)) != part:
            yield Violation(pin, "names-nfc", f"{part!r} is not NFC")
    deceased = _day(deceased_raw)
    if deceased is not None and not born <= deceased <= today:
        yield Violation(pin, "death-date", f"died {deceased}, born {born}, judged on {today}")
    vietnamese = nationality == "VN"
    if vietnamese != (ethnicity is not None):
        yield Violation(
            pin, "ethnicity", "a Vietnamese citizen has one of the 54 groups, a foreigner none"
        )
    if phone is not None and str(phone)[:3] not in CARRIER_PREFIXES:
        yield Violation(pin, "phone-prefix", f"{phone} has no carrier prefix")
    issued = _day(issued_raw)
    yield from _check_card(
        pin, born, vietnamese, deceased, generation, issued, expires_raw, issued_by, today
    )
    if level is not None:
        activated = _day(activated_raw)
        assert activated is not None
        yield from _check_account(
            pin, born, vietnamese, deceased, issued, phone, int(str(level)), str(status),
            lock_reason, activated, registered_by, device, today,
        )  # fmt: skip
    if bhyt is not None:
        valid_from, valid_to = _day(valid_from_raw), _day(valid_to_raw)
        yield from _check_bhyt(pin, str(bhyt), str(group), benefit, str(social))
        yield from _check_bhyt_validity(pin, born, valid_from, valid_to, today)
        if valid_from is not None:
            yield from _check_bhyt_group(pin, born, str(group), valid_from, valid_to)


def _check_card(
    pin: str, born: date, vietnamese: bool, deceased: date | None, generation: object,
    issued: date | None, expires_raw: object, issued_by: object, today: date,
) -> Iterator[Violation]:  # fmt: skip
    if issued is None:
        # Judged on the reference day (or on today, if that is earlier), not on today: the generator
        # gives every living citizen aged 14 on the reference day a card, and one who turns 14
        # after it must apply (Luật Căn cước 2023 Art. 19) and holds a card only once a procedure
        # issues one; until then they are a citizen without a card, not a fault in the data.
        age = age_on(born, min(today, AS_OF))
        if vietnamese and age >= 14 and deceased is None:
            yield Violation(pin, "card-required", f"aged {age} on {AS_OF} without an identity card")
        return
    if not vietnamese:
        yield Violation(pin, "card-citizens-only", "a foreigner holds a Vietnamese identity card")
    expected_generation = (
        CardGeneration.CAN_CUOC if issued >= CAN_CUOC_FROM else CardGeneration.CCCD_CHIP
    )
    if generation != expected_generation.value:
        yield Violation(pin, "card-generation", f"{generation} issued on {issued}")
    if issued_by != expected_generation.issuing_authority:
        yield Violation(pin, "card-authority", f"{issued_by!r} on a {generation} card")
    if _day(expires_raw) != card_expiry(born, issued):
        yield Violation(pin, "card-expiry", f"issued {issued}, expires {expires_raw}, born {born}")
    if age_on(born, issued) < 14 and issued < CAN_CUOC_FROM:
        yield Violation(pin, "card-age", "cards for children under 14 exist only since 2024-07-01")
    if not _in_life(issued, born, deceased, today):
        yield Violation(pin, "card-issue-date", f"issued {issued}, born {born}")


def _check_account(
    pin: str, born: date, vietnamese: bool, deceased: date | None, card_issued: date | None,
    phone: object, level: int, status: str, lock_reason: object, activated: date,
    registered_by: object, device: object, today: date,
) -> Iterator[Violation]:  # fmt: skip
    """Decree 69/2024 Art. 7: who may hold which account, and how it was registered, judged at the
    activation (a guardian-registered child who has turned 14 since keeps their account as it was)."""
    if level not in (1, 2):
        yield Violation(pin, "account-level", f"level {level}")
    if vietnamese and card_issued is None:
        yield Violation(pin, "account-eligibility", "an account without an identity card")
    age = age_on(born, activated)
    if age < 14 and registered_by is None:
        yield Violation(pin, "account-guardian", f"activated at {age} without a guardian")
    if age < 6 and level == 2:
        yield Violation(pin, "account-eligibility", "level 2 under age 6")
    if age >= 14 and phone is None and deceased is None:
        yield Violation(pin, "account-phone", "an adult account without an own-name phone")
    if (level == 2) != (device is not None):
        yield Violation(
            pin, "account-device", "level 2 accounts, and only they, are bound to a device"
        )
    if not _in_life(activated, born, deceased, today):
        yield Violation(pin, "account-activation", f"activated {activated}, born {born}")
    if deceased is not None and (
        status != AccountStatus.LOCKED.value or lock_reason != LockReason.DECEASED.value
    ):
        yield Violation(pin, "account-deceased", "a deceased citizen's account must be locked")
    if (status == AccountStatus.LOCKED.value) != (lock_reason is not None):
        yield Violation(pin, "account-lock", f"status {status} with reason {lock_reason}")


def _check_bhyt(
    pin: str, card: str, group: str, benefit: object, social: str
) -> Iterator[Violation]:
    if len(card) != 15 or card[:2] != group or card[5:] != social or not card[3:5].isdigit():
        yield Violation(pin, "bhyt-format", f"{card} for group {group}, code {social}")
    if GROUP_LEVELS.get(group) != benefit or card[2:3] != str(benefit):
        yield Violation(pin, "bhyt-level", f"group {group} with level {benefit}")


CHILD_GROUP_UNTIL = 6
"""Age at which a child's health-insurance cover as a child (group TE) ends (Luật Bảo hiểm y tế as
amended in 2014: the card of a child under six is valid until the child is 72 months old)."""


def _check_bhyt_group(
    pin: str, born: date, group: str, valid_from: date, valid_to: date | None
) -> Iterator[Violation]:
    """The beneficiary group fits the age on the card's first day, the day it was issued for; a
    child's (TE) card ends by the day before the sixth birthday. Ages are counted in birthdays as
    :func:`~idp.population_db.cards.birthday_at` dates them (29 February: 28 February)."""
    sixth_birthday = birthday_at(born, CHILD_GROUP_UNTIL)
    child = valid_from < sixth_birthday
    pupil = sixth_birthday <= valid_from < birthday_at(born, 19)
    if (group == "TE") != child or (group == "HS" and not pupil):
        yield Violation(pin, "bhyt-group-age", f"group {group} from {valid_from}, born {born}")
    if group == "HT" and valid_from < birthday_at(born, 50):
        yield Violation(pin, "bhyt-group-age", f"group {group} from {valid_from}, born {born}")
    if group == "TE" and (valid_to is None or valid_to >= sixth_birthday):
        yield Violation(
            pin, "bhyt-child-end", f"group TE valid to {valid_to}, sixth birthday {sixth_birthday}"
        )


def _in_life(day: date, born: date, deceased: date | None, today: date) -> bool:
    """Whether something can have happened to a citizen on ``day``: from birth to their death, or to
    ``today`` for the living."""
    return born <= day <= (deceased or today)


def _check_bhyt_validity(
    pin: str, born: date, valid_from: date | None, valid_to: date | None, today: date
) -> Iterator[Violation]:
    """An issued card is valid from a day between birth and ``today`` (newborns: from birth) to a later
    one; a card whose last day has passed is expired, not wrong."""
    if valid_from is None or valid_to is None or not born <= valid_from <= min(valid_to, today):
        yield Violation(pin, "bhyt-validity", f"valid {valid_from} to {valid_to}, born {born}")


def _check_places(connection: Connection, units: AdministrativeUnits) -> Iterator[Violation]:
    sql = text(
        "SELECT head_pin, province_code, ward_code FROM household UNION ALL "
        "SELECT pin, province_code, ward_code FROM residence"
    )
    for pin, province, ward in connection.execution_options(yield_per=5_000).execute(sql):
        if not units.has_ward(int(ward)) or units.ward(int(ward)).province_code != province:
            yield Violation(str(pin), "address-units", f"ward {ward} is not in province {province}")


def _check_licences(connection: Connection, today: date) -> Iterator[Violation]:
    sql = text(
        "SELECT l.pin, l.license_class, l.issued_on, l.expires_on, c.birth_date, c.deceased_on "
        "FROM drivinglicense l JOIN citizen c ON c.pin = l.pin"
    )
    rows = connection.execution_options(yield_per=5_000).execute(sql)
    for pin, license_class, issued_raw, expires_raw, born_raw, deceased_raw in rows:
        issued, expires, born = _day(issued_raw), _day(expires_raw), _day(born_raw)
        assert issued is not None
        assert born is not None
        if not class_of_era(str(license_class), issued >= NEW_LICENCE_CLASSES_FROM):
            yield Violation(str(pin), "licence-class", f"class {license_class} issued {issued}")
        if issued < birthday_at(born, 18):
            yield Violation(str(pin), "licence-age", f"licence issued {issued} before age 18")
        if not _in_life(issued, born, _day(deceased_raw), today) or (
            expires is not None and expires <= issued
        ):
            yield Violation(
                str(pin), "licence-dates", f"issued {issued}, expires {expires}, born {born}"
            )


# Dated registrations of a citizen: (rule, SQL returning pin, registration day, expiry or NULL, birth
# date and death date).
_REGISTRATIONS: tuple[tuple[str, str], ...] = (
    ("residence-dates", "SELECT r.pin, r.registered_on, r.expires_on, c.birth_date, c.deceased_on "
     "FROM residence r JOIN citizen c ON c.pin = r.pin"),
    ("vehicle-registration-date", "SELECT v.pin, v.registered_on, NULL, c.birth_date, "
     "c.deceased_on FROM vehicleregistration v JOIN citizen c ON c.pin = v.pin"),
)  # fmt: skip


def _check_registrations(connection: Connection, today: date) -> Iterator[Violation]:
    """Residences and vehicles are registered during their holder's life and expire after that."""
    for rule, sql in _REGISTRATIONS:
        rows = connection.execution_options(yield_per=5_000).execute(text(sql))
        for pin, registered_raw, expires_raw, born_raw, deceased_raw in rows:
            registered, expires, born = _day(registered_raw), _day(expires_raw), _day(born_raw)
            assert registered is not None
            assert born is not None
            if not _in_life(registered, born, _day(deceased_raw), today) or (
                expires is not None and expires <= registered
            ):
                yield Violation(
                    str(pin), rule, f"registered {registered}, expires {expires}, born {born}"
                )
