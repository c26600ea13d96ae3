"""The persona catalogue: present in every database whatever the seed, with the stated properties."""

from datetime import date

import pytest

from idp.population_db.codes import AccountStatus
from idp.population_db.codes import LockReason
from idp.population_db.generator import AS_OF
from idp.population_db.generator import age_on
from idp.population_db.lookup import CitizenRecord
from idp.population_db.lookup import find_citizen
from idp.population_db.personas import PERSONAS
from idp.population_db.personas import persona
from idp.population_db.pin import validate_pin
from tests.population_db.conftest import Population


def _record(population: Population, key: str) -> CitizenRecord:
    with population.engine.connect() as connection:
        record = find_citizen(connection, persona(key).pin)
    assert record is not None, key
    return record


def test_every_persona_is_in_the_database(population: Population) -> None:
    with population.engine.connect() as connection:
        for p in PERSONAS:
            record = find_citizen(connection, p.pin)
            assert record is not None, p.key
            assert record.citizen.full_name == p.full_name
            assert validate_pin(p.pin, birth_date=p.birth_date, sex=p.sex) == []


def test_persona_keys_pins_and_phones_are_unique() -> None:
    for attribute in ("key", "pin", "phone_number", "social_insurance_code"):
        values = [getattr(p, attribute) for p in PERSONAS if getattr(p, attribute)]
        assert len(values) == len(set(values)), attribute


def test_level2_full_has_every_integrated_document(population: Population) -> None:
    record = _record(population, "level2-full")
    assert record.account is not None
    assert record.account.level == 2
    assert record.account.device_id is not None
    assert record.card is not None
    assert record.card.expires_on is not None
    assert record.card.expires_on > AS_OF
    assert record.insurance is not None
    assert record.insurance.bhyt_card_number == "DN4010199990001"
    assert {lic.license_class for lic in record.licences} == {"A1", "B"}
    assert {v.vehicle_type for v in record.vehicles} == {"motorcycle", "car"}
    assert {m.pin for m in record.household_members} == {"031190999002", "001216999003"}
    assert [c.pin for c in record.children] == ["001216999003"]


def test_level1_only(population: Population) -> None:
    record = _record(population, "level1-only")
    assert record.account is not None
    assert (record.account.level, record.account.status) == (1, AccountStatus.ACTIVE.value)
    assert record.account.device_id is None


def test_no_account_has_a_valid_card(population: Population) -> None:
    record = _record(population, "no-account")
    assert record.account is None
    assert record.card is not None
    assert record.card.expires_on is not None
    assert record.card.expires_on > AS_OF


def test_locked_account(population: Population) -> None:
    account = _record(population, "locked").account
    assert account is not None
    assert (account.status, account.lock_reason) == ("locked", LockReason.CITIZEN_REQUEST.value)


def test_child_registered_by_a_level2_guardian(population: Population) -> None:
    record = _record(population, "child-level1")
    assert 6 <= age_on(record.citizen.birth_date, AS_OF) < 14
    assert record.account is not None
    assert record.account.level == 1
    assert record.account.registered_by_pin == "001088999001"
    guardian = _record(population, "level2-full")
    assert guardian.account is not None
    assert guardian.account.level == 2
    assert record.citizen.father_pin == guardian.citizen.pin


def test_elderly_with_an_expired_card(population: Population) -> None:
    record = _record(population, "expired-card")
    assert age_on(record.citizen.birth_date, AS_OF) >= 60
    assert record.card is not None
    assert record.card.expires_on == date(2024, 10, 5)


def test_deceased(population: Population) -> None:
    record = _record(population, "deceased")
    assert record.citizen.deceased_on == date(2025, 12, 3)
    assert record.account is not None
    assert record.account.lock_reason == "deceased"


def test_foreign_resident(population: Population) -> None:
    record = _record(population, "foreign-resident")
    assert record.citizen.nationality == "KR"
    assert record.citizen.ethnicity_code is None
    assert record.card is None
    assert record.account is not None
    assert record.account.level == 1
    assert record.temporary is not None


def test_two_members_of_one_household(population: Population) -> None:
    head, spouse = _record(population, "level2-full"), _record(population, "level2-spouse")
    assert head.household.number == spouse.household.number
    assert head.citizen.spouse_pin == spouse.citizen.pin
    assert spouse.citizen.spouse_pin == head.citizen.pin


def test_unknown_persona() -> None:
    with pytest.raises(KeyError):
        persona("nobody")
