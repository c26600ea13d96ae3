"""`population check`: clean on a 20,000-citizen population, and it notices each kind of corruption."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.database import connect
from idp.population_db.invariants import check_population
from idp.population_db.seeding import seed_population
from tests.population_db.conftest import Population


def test_a_seeded_population_has_no_violation(population: Population) -> None:
    assert list(check_population(population.engine)) == []


@pytest.fixture
def small(tmp_path: Path) -> Engine:
    engine = connect(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    seed_population(engine, count=1_500, seed=2, password="p", passcode="1")
    return engine


def _one(engine: Engine, sql: str) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text(sql)).scalar_one())


def _corrupt(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def _rules(engine: Engine) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for violation in check_population(engine):
        found.setdefault(violation.rule, set()).add(violation.pin)
    return found


def test_a_pin_that_disagrees_with_the_birth_date(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET birth_date = '1901-01-01' WHERE pin = '001088999001'")
    assert "001088999001" in _rules(small)["pin"]


def test_a_duplicate_phone_number(small: Engine) -> None:
    """The unique index refuses it; the check still finds it where the index is missing."""
    _corrupt(small, "DROP INDEX ix_citizen_phone_number")
    phone = _one(small, "SELECT phone_number FROM citizen WHERE pin = '001088999001'")
    _corrupt(small, "UPDATE citizen SET phone_number = :p WHERE pin = '079195999004'", p=phone)
    assert "unique-phone" in _rules(small)


def test_a_household_with_two_heads(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET relation_to_head = 'head' WHERE pin = '031190999002'")
    assert "001088999001" in _rules(small)["one-head"]


def test_a_wrong_card_expiry(small: Engine) -> None:
    _corrupt(small, "UPDATE identitycard SET expires_on = '2099-01-01' WHERE pin = '001088999001'")
    assert _rules(small)["card-expiry"] == {"001088999001"}


def test_a_child_account_without_guardian(small: Engine) -> None:
    _corrupt(small, "UPDATE vneidaccount SET registered_by_pin = NULL WHERE pin = '001216999003'")
    assert "001216999003" in _rules(small)["account-guardian"]


def test_a_guardian_without_level_2(small: Engine) -> None:
    _corrupt(
        small, "UPDATE vneidaccount SET level = 1, device_id = NULL WHERE pin = '001088999001'"
    )
    assert "001216999003" in _rules(small)["guardian-level-2"]


def test_an_adult_without_a_card(small: Engine) -> None:
    _corrupt(small, "DELETE FROM identitycard WHERE pin = '048079999005'")
    assert "048079999005" in _rules(small)["card-required"]


def test_a_one_sided_marriage(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET spouse_pin = NULL WHERE pin = '031190999002'")
    assert "001088999001" in _rules(small)["spouse-mutual"]


def test_a_link_to_a_missing_parent(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET father_pin = '001088000000' WHERE pin = '001216999003'")
    assert "001216999003" in _rules(small)["father-exists"]


def test_a_bhyt_card_that_does_not_fit_the_age(small: Engine) -> None:
    _corrupt(
        small,
        "UPDATE socialinsurance SET beneficiary_group = 'TE', "
        "bhyt_card_number = 'TE101' || social_insurance_code, benefit_level = 1 "
        "WHERE pin = '001088999001'",
    )
    assert "001088999001" in _rules(small)["bhyt-group-age"]


def test_a_deceased_citizen_with_an_active_account(small: Engine) -> None:
    _corrupt(
        small,
        "UPDATE vneidaccount SET status = 'active', lock_reason = NULL WHERE pin = '036140999008'",
    )
    assert "036140999008" in _rules(small)["account-deceased"]


def test_a_ward_outside_its_province(small: Engine) -> None:
    _corrupt(small, "UPDATE household SET ward_code = 26740 WHERE number = '0199990001'")
    assert "001088999001" in _rules(small)["address-units"]


def test_a_licence_class_of_the_wrong_era(small: Engine) -> None:
    _corrupt(small, "UPDATE drivinglicense SET license_class = 'B2' WHERE number = '019999990002'")
    assert "001088999001" in _rules(small)["licence-class"]


def test_a_parent_too_young(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET birth_date = '2001-01-01' WHERE pin = '001216999003'")
    assert "001216999003" in _rules(small)["father-plausible"]


def test_a_health_insurance_card_valid_before_birth(small: Engine) -> None:
    _corrupt(
        small, "UPDATE socialinsurance SET valid_from = '1988-03-14' WHERE pin = '001088999001'"
    )
    assert _rules(small)["bhyt-validity"] == {"001088999001"}


def test_a_licence_issued_after_the_reference_day(small: Engine) -> None:
    _corrupt(
        small, "UPDATE drivinglicense SET issued_on = '2026-07-02' WHERE number = '019999990002'"
    )
    assert _rules(small)["licence-dates"] == {"001088999001"}


def test_a_vehicle_registered_before_birth(small: Engine) -> None:
    _corrupt(
        small,
        "UPDATE vehicleregistration SET registered_on = '1988-03-14' WHERE plate = '29-Z9 990.01'",
    )
    assert _rules(small)["vehicle-registration-date"] == {"001088999001"}


def test_a_residence_registered_after_the_reference_day(small: Engine) -> None:
    _corrupt(small, "UPDATE residence SET registered_on = '2026-07-02' WHERE pin = '001088999001'")
    assert _rules(small)["residence-dates"] == {"001088999001"}
