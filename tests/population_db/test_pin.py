"""The personal identification number: composition, decoding and every reason a PIN is invalid."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idp.population_db.codes import Sex
from idp.population_db.pin import century_sex_digit
from idp.population_db.pin import compose_pin
from idp.population_db.pin import decode_pin
from idp.population_db.pin import validate_pin
from idp.population_db.units import load_units

LEGACY_CODES = [p.code for p in load_units().legacy_provinces]
UNASSIGNED = [c for c in range(1000) if c not in set(LEGACY_CODES)]

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(list(Sex))


def test_a_known_pin_decodes() -> None:
    decoded = decode_pin("001088999001")
    assert (decoded.province_code, decoded.sex, decoded.birth_year, decoded.serial) == (
        1,
        Sex.MALE,
        1988,
        999001,
    )
    assert decode_pin("079305123456").sex is Sex.FEMALE
    assert decode_pin("079305123456").birth_year == 2005


@pytest.mark.parametrize(
    ("year", "sex", "digit"),
    [(1950, Sex.MALE, 0), (1999, Sex.FEMALE, 1), (2000, Sex.MALE, 2), (2024, Sex.FEMALE, 3),
     (2150, Sex.MALE, 4), (2301, Sex.FEMALE, 9)],
)  # fmt: skip
def test_century_sex_digit(year: int, sex: Sex, digit: int) -> None:
    assert century_sex_digit(year, sex) == digit


def test_century_digit_refuses_years_outside_the_scheme() -> None:
    with pytest.raises(ValueError, match="1899"):
        century_sex_digit(1899, Sex.MALE)


@given(
    province=st.sampled_from(LEGACY_CODES),
    born=births,
    sex=sexes,
    serial=st.integers(0, 999_999),
)
def test_a_composed_pin_is_valid_and_decodes_back(
    province: int, born: date, sex: Sex, serial: int
) -> None:
    pin = compose_pin(province, born.year, sex, serial)
    assert validate_pin(pin, birth_date=born, sex=sex) == []
    decoded = decode_pin(pin)
    assert (decoded.province_code, decoded.birth_year, decoded.sex, decoded.serial) == (
        province,
        born.year,
        sex,
        serial,
    )


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) != 12))
def test_wrong_length_is_reported(pin: str) -> None:
    reasons = validate_pin(pin)
    assert any("length" in reason for reason in reasons)


@given(st.text(min_size=12, max_size=12).filter(lambda s: not (s.isascii() and s.isdigit())))
def test_non_digits_are_reported(pin: str) -> None:
    assert any("digits 0-9" in reason for reason in validate_pin(pin))


def test_unicode_digits_are_not_digits() -> None:
    assert any("digits 0-9" in r for r in validate_pin("00108899900١"))  # Arabic-Indic one


@given(code=st.sampled_from(UNASSIGNED), rest=st.from_regex(r"\A[0-9]{9}\Z"))
def test_unknown_province_code_is_reported(code: int, rest: str) -> None:
    reasons = validate_pin(f"{code:03d}{rest}")
    assert f"unknown province code {code:03d}" in reasons


@given(
    province=st.sampled_from(LEGACY_CODES), born=births, sex=sexes, serial=st.integers(0, 999_999)
)
def test_disagreeing_birth_year_and_sex_are_both_reported(
    province: int, born: date, sex: Sex, serial: int
) -> None:
    pin = compose_pin(province, born.year, sex, serial)
    other_sex = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
    other_year = born.replace(year=born.year + 1 if born.year < 2099 else born.year - 1, day=1)
    reasons = validate_pin(pin, birth_date=other_year, sex=other_sex)
    assert len(reasons) == 2
    assert any("born in" in r for r in reasons)
    assert any("sex" in r for r in reasons)


def test_every_reason_at_once() -> None:
    reasons = validate_pin("003190999001", birth_date=date(1985, 1, 1), sex=Sex.MALE)
    assert reasons == [
        "unknown province code 003",
        "century/year digits say born in 1990, birth date is in 1985",
        "century/sex digit 1 says female, sex is male",
    ]


def test_compose_refuses_a_serial_out_of_range() -> None:
    with pytest.raises(ValueError, match="serial"):
        compose_pin(1, 1990, Sex.MALE, 1_000_000)
