"""`population check`: clean on a 20,000-citizen population on the reference day and as the years pass,
and it notices each kind of corruption, judged on the day it is asked about."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.cards import birthday_at
from idp.population_db.database import connect
from idp.population_db.generator import AS_OF
from idp.population_db.invariants import check_population
from idp.population_db.seeding import seed_population
from tests.population_db.conftest import Population


def _later(years: int) -> date:
    return birthday_at(AS_OF, years)


def test_a_seeded_population_has_no_violation(population: Population) -> None:
    assert list(check_population(population.engine)) == []


@pytest.mark.parametrize("years", [1, 10, 30])
def test_a_seeded_population_stays_clean_as_the_years_pass(
    population: Population, years: int
) -> None:
    """Children turn 14 without a card yet, cards and insurance cards pass their last day, children
    outgrow the child's insurance group: none of it is a fault in the data."""
    assert list(check_population(population.engine, today=_later(years))) == []


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


def _rules_on(engine: Engine, today: date) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for violation in check_population(engine, today=today):
        found.setdefault(violation.rule, set()).add(violation.pin)
    return found


def test_a_child_who_turns_14_after_the_reference_day_is_eligible_not_in_breach(
    small: Engine,
) -> None:
    born_after = birthday_at(AS_OF, -14).isoformat()
    child = _one(
        small,
        "SELECT min(c.pin) FROM citizen c LEFT JOIN identitycard k ON k.pin = c.pin "
        f"WHERE k.pin IS NULL AND c.deceased_on IS NULL AND c.birth_date > '{born_after}' "
        f"AND c.birth_date <= '{birthday_at(AS_OF, -13).isoformat()}'",
    )
    assert child != "None"
    assert child not in _rules_on(small, _later(1)).get("card-required", set())
    assert "card-required" not in _rules_on(small, _later(10))


def test_an_adult_without_a_card_is_flagged_years_later_too(small: Engine) -> None:
    _corrupt(small, "DELETE FROM identitycard WHERE pin = '048079999005'")
    assert "048079999005" in _rules_on(small, _later(10))["card-required"]


def test_a_death_after_the_day_judged(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET deceased_on = '2026-07-02' WHERE pin = '048079999005'")
    assert _rules(small)["death-date"] == {"048079999005"}
    assert "death-date" not in _rules_on(small, date(2026, 7, 2))


def test_a_licence_issued_after_the_reference_day_is_fine_once_that_day_has_come(
    small: Engine,
) -> None:
    _corrupt(
        small, "UPDATE drivinglicense SET issued_on = '2026-07-02' WHERE number = '019999990002'"
    )
    assert "licence-dates" not in _rules_on(small, _later(1))


def test_a_health_insurance_card_valid_from_after_the_day_judged(small: Engine) -> None:
    _corrupt(
        small,
        "UPDATE socialinsurance SET valid_from = '2027-01-01', valid_to = '2027-12-31' "
        "WHERE pin = '001088999001'",
    )
    assert _rules(small)["bhyt-validity"] == {"001088999001"}
    assert "bhyt-validity" not in _rules_on(small, _later(1))


def test_a_childs_insurance_card_running_past_the_sixth_birthday(small: Engine) -> None:
    pin, born = _youngest_insured(small)
    sixth = birthday_at(born, 6).isoformat()
    _corrupt(small, "UPDATE socialinsurance SET valid_to = :d WHERE pin = :p", d=sixth, p=pin)
    assert _rules(small)["bhyt-child-end"] == {pin}


def _youngest_insured(engine: Engine) -> tuple[str, date]:
    with engine.connect() as connection:
        pin, born = connection.execute(
            text(
                "SELECT c.pin, c.birth_date FROM citizen c JOIN socialinsurance i ON i.pin = c.pin "
                "WHERE i.beneficiary_group = 'TE' ORDER BY c.birth_date DESC, c.pin LIMIT 1"
            )
        ).one()
    return str(pin), born if isinstance(born, date) else date.fromisoformat(str(born))


def test_a_childs_insurance_card_issued_to_a_seven_year_old(small: Engine) -> None:
    """The child level-1 persona, born 2016-05-20, is 9 on the card's first day (2026-01-01)."""
    _corrupt(
        small,
        "UPDATE socialinsurance SET beneficiary_group = 'TE', benefit_level = 1, "
        "bhyt_card_number = 'TE101' || social_insurance_code, valid_to = '2026-05-19' "
        "WHERE pin = '001216999003'",
    )
    assert "001216999003" in _rules(small)["bhyt-group-age"]


def test_a_pupils_card_that_started_before_the_sixth_birthday(small: Engine) -> None:
    """The group is judged on the card's first day: on the reference day the persona is a pupil of
    10, but a pupil's card from 2022 was issued to a child of 5."""
    _corrupt(
        small, "UPDATE socialinsurance SET valid_from = '2022-01-01' WHERE pin = '001216999003'"
    )
    assert _rules(small)["bhyt-group-age"] == {"001216999003"}


def test_a_childs_card_and_the_group_after_it_stay_clean_as_the_child_grows(
    small: Engine,
) -> None:
    pin, born = _youngest_insured(small)
    assert pin not in _rules_on(small, birthday_at(born, 7)).get("bhyt-group-age", set())
    assert pin not in _rules_on(small, birthday_at(born, 7)).get("bhyt-child-end", set())


def test_an_adult_account_without_an_own_name_phone(small: Engine) -> None:
    _corrupt(small, "UPDATE citizen SET phone_number = NULL WHERE pin = '079195999004'")
    assert _rules(small)["account-phone"] == {"079195999004"}


def test_a_guardian_registered_child_who_turns_14_keeps_their_account(small: Engine) -> None:
    """The child level-1 persona, born 2016-05-20, was registered by a parent and has no phone; at 24
    they are not an adult who opened an account without one."""
    assert "account-phone" not in _rules_on(small, _later(10))
    assert _one(small, "SELECT phone_number FROM citizen WHERE pin = '001216999003'") == "None"
