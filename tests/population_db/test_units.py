"""Tests for the administrative units and ethnic groups reference data (idp.population_db.units)."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from idp.population_db.units import AdministrativeUnits
from idp.population_db.units import ethnic_group
from idp.population_db.units import ethnic_groups
from idp.population_db.units import load_units


@pytest.fixture(scope="module")
def units() -> AdministrativeUnits:
    return load_units()


# --- 2025 provinces -------------------------------------------------------------------------


def test_thirty_four_provinces_28_provinces_and_6_cities(units: AdministrativeUnits) -> None:
    assert len(units.provinces) == 34
    types = Counter(p.division_type for p in units.provinces)
    assert types == {"tỉnh": 28, "thành phố trung ương": 6}
    cities = {p.code for p in units.provinces if p.division_type == "thành phố trung ương"}
    assert cities == {1, 31, 46, 48, 79, 92}


def test_provinces_sorted_with_unique_codes(units: AdministrativeUnits) -> None:
    codes = [p.code for p in units.provinces]
    assert codes == sorted(set(codes))
    assert codes[0] == 1
    assert codes[-1] == 96


def test_province_lookup(units: AdministrativeUnits) -> None:
    hcm = units.province(79)
    assert hcm.name == "Thành phố Hồ Chí Minh"
    assert hcm.division_type == "thành phố trung ương"
    assert hcm.phone_code == 28
    assert units.province(1).phone_code == 24
    assert units.province(80).name == "Tây Ninh"


def test_phone_codes_unique_and_positive(units: AdministrativeUnits) -> None:
    phone_codes = [p.phone_code for p in units.provinces]
    assert len(set(phone_codes)) == len(phone_codes)
    assert all(code > 0 for code in phone_codes)


def test_populations_positive_and_plausible(units: AdministrativeUnits) -> None:
    assert all(p.population > 0 for p in units.provinces)
    total = sum(p.population for p in units.provinces)
    # Resolution 202/2025/QH15 counts "quy mô dân số" (permanent residents plus converted
    # temporary residents), so the 23 merged units together exceed their GSO average
    # population; the sum lands above the GSO national figure (~101 million in 2024).
    # See data/SOURCES.md.
    assert 100_000_000 <= total <= 115_000_000
    largest = max(units.provinces, key=lambda p: p.population)
    smallest = min(units.provinces, key=lambda p: p.population)
    assert largest.code == 79
    assert smallest.code == 12  # Lai Châu


@pytest.mark.parametrize("code", [0, 2, 3, 97, 100, -1])
def test_unknown_province_raises_key_error(units: AdministrativeUnits, code: int) -> None:
    with pytest.raises(KeyError):
        units.province(code)


# --- 2025 wards -----------------------------------------------------------------------------


def test_ward_counts_by_type(units: AdministrativeUnits) -> None:
    assert len(units.wards) == 3321
    types = Counter(w.division_type for w in units.wards)
    assert types == {"phường": 687, "xã": 2621, "đặc khu": 13}


def test_ward_codes_unique_and_sorted(units: AdministrativeUnits) -> None:
    codes = [w.code for w in units.wards]
    assert len(set(codes)) == len(codes)
    keys = [(w.province_code, w.code) for w in units.wards]
    assert keys == sorted(keys)


def test_every_ward_belongs_to_a_2025_province(units: AdministrativeUnits) -> None:
    province_codes = {p.code for p in units.provinces}
    assert {w.province_code for w in units.wards} == province_codes
    assert sum(len(units.wards_in(code)) for code in province_codes) == 3321


def test_special_zones(units: AdministrativeUnits) -> None:
    zones = {w.name for w in units.wards if w.division_type == "đặc khu"}
    assert "Đặc khu Phú Quốc" in zones
    assert "Đặc khu Côn Đảo" in zones
    assert "Đặc khu Trường Sa" in zones
    assert all(name.startswith("Đặc khu ") for name in zones)
    assert [w.province_code for w in units.wards if w.name == "Đặc khu Côn Đảo"] == [79]


@pytest.mark.parametrize(
    ("province_code", "total", "phuong", "xa", "dac_khu"),
    [
        (1, 126, 51, 75, 0),
        (22, 54, 30, 22, 2),
        (38, 166, 19, 147, 0),
        (46, 40, 21, 19, 0),
        (79, 168, 113, 54, 1),
        (91, 102, 14, 85, 3),
        (92, 103, 31, 72, 0),
        (12, 38, 2, 36, 0),
    ],
)
def test_ward_counts_per_province_match_appendix_a1(
    units: AdministrativeUnits,
    province_code: int,
    total: int,
    phuong: int,
    xa: int,
    dac_khu: int,
) -> None:
    wards = units.wards_in(province_code)
    types = Counter(w.division_type for w in wards)
    assert len(wards) == total
    assert (types["phường"], types["xã"], types["đặc khu"]) == (phuong, xa, dac_khu)
    assert all(w.province_code == province_code for w in wards)


def test_ward_lookup(units: AdministrativeUnits) -> None:
    ward = units.ward(70)
    assert ward.name == "Phường Hoàn Kiếm"
    assert ward.division_type == "phường"
    assert ward.province_code == 1


@pytest.mark.parametrize("code", [0, -1, 1, 99_999])
def test_unknown_ward_raises_key_error(units: AdministrativeUnits, code: int) -> None:
    with pytest.raises(KeyError):
        units.ward(code)


def test_wards_in_unknown_province_is_empty(units: AdministrativeUnits) -> None:
    assert units.wards_in(2) == ()
    assert units.wards_in(0) == ()


# --- legacy provinces (PIN prefixes) --------------------------------------------------------


def test_sixty_three_legacy_provinces(units: AdministrativeUnits) -> None:
    assert len(units.legacy_provinces) == 63
    codes = [p.code for p in units.legacy_provinces]
    assert codes == sorted(set(codes))
    assert codes[0] == 1
    assert codes[-1] == 96


def test_legacy_names_use_official_style(units: AdministrativeUnits) -> None:
    for legacy in units.legacy_provinces:
        assert legacy.name.startswith(("Tỉnh ", "Thành phố ")), legacy
    cities = {p.code for p in units.legacy_provinces if p.name.startswith("Thành phố ")}
    assert cities == {1, 31, 46, 48, 79, 92}
    assert units.legacy_province(2).name == "Tỉnh Hà Giang"
    assert units.legacy_province(77).name == "Tỉnh Bà Rịa - Vũng Tàu"


def test_every_legacy_successor_is_a_2025_province(units: AdministrativeUnits) -> None:
    province_codes = {p.code for p in units.provinces}
    for legacy in units.legacy_provinces:
        assert legacy.successor_code in province_codes, legacy


def test_every_2025_province_has_a_predecessor(units: AdministrativeUnits) -> None:
    for province in units.provinces:
        assert len(units.legacy_of(province.code)) >= 1, province
    assert sum(len(units.legacy_of(p.code)) for p in units.provinces) == 63


def test_2025_codes_are_old_codes_of_a_member(units: AdministrativeUnits) -> None:
    for province in units.provinces:
        member_codes = {p.code for p in units.legacy_of(province.code)}
        assert province.code in member_codes, province


@pytest.mark.parametrize(
    ("province_code", "predecessors"),
    [
        (1, (1,)),
        (8, (2, 8)),
        (15, (10, 15)),
        (25, (17, 25, 26)),
        (37, (35, 36, 37)),
        (46, (46,)),
        (68, (60, 67, 68)),
        (79, (74, 77, 79)),
        (80, (72, 80)),
        (82, (82, 87)),
        (86, (83, 84, 86)),
        (92, (92, 93, 94)),
    ],
)
def test_predecessors_match_appendix_a1(
    units: AdministrativeUnits, province_code: int, predecessors: tuple[int, ...]
) -> None:
    assert tuple(p.code for p in units.legacy_of(province_code)) == predecessors


def test_legacy_of_unknown_province_is_empty(units: AdministrativeUnits) -> None:
    assert units.legacy_of(2) == ()


@pytest.mark.parametrize("code", [0, 3, 5, 97, 100])
def test_unknown_legacy_province_raises_key_error(units: AdministrativeUnits, code: int) -> None:
    with pytest.raises(KeyError):
        units.legacy_province(code)


def test_pin_prefix(units: AdministrativeUnits) -> None:
    assert units.legacy_province(1).pin_prefix == "001"
    assert units.legacy_province(96).pin_prefix == "096"
    for legacy in units.legacy_provinces:
        assert len(legacy.pin_prefix) == 3
        assert units.is_legacy_pin_prefix(legacy.pin_prefix)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("001", True),
        ("002", True),
        ("079", True),
        ("096", True),
        ("003", False),
        ("000", False),
        ("097", False),
        ("099", False),
        ("100", False),
        ("01", False),
        ("1", False),
        ("0001", False),
        ("", False),
        (" 01", False),
        ("01 ", False),
        ("-01", False),
        ("abc", False),
        ("\uff10\uff10\uff11", False),  # full-width digits U+FF10 U+FF10 U+FF11
    ],
)
def test_is_legacy_pin_prefix(units: AdministrativeUnits, prefix: str, expected: bool) -> None:
    assert units.is_legacy_pin_prefix(prefix) is expected


def test_unassigned_codes_are_not_pin_prefixes(units: AdministrativeUnits) -> None:
    # vneid-domain.md section 2.2: codes never assigned to a province.
    unassigned_codes: tuple[int, ...] = (3, 5, 7, 9, 13, 16, 18, 21, 23, 28, 29, 32, 39, 41, 43)
    unassigned_codes += (47, 50, 53, 55, 57, 59, 61, 63, 65, 69, 71, 73, 76, 78, 81, 85, 88, 90)
    unassigned_codes += (97, 98, 99)
    unassigned = [f"{code:03d}" for code in unassigned_codes]
    assert not any(units.is_legacy_pin_prefix(prefix) for prefix in unassigned)
    assert len(unassigned) + len(units.legacy_provinces) == 99


# --- text hygiene ---------------------------------------------------------------------------


def test_all_names_nfc_normalised(units: AdministrativeUnits) -> None:
    names = [p.name for p in units.provinces]
    names += [p.name for p in units.legacy_provinces]
    names += [w.name for w in units.wards]
    names += [g.name for g in ethnic_groups()]
    for name in names:
        assert unicodedata.is_normalized("NFC", name), name
        assert name == name.strip()
        assert name


def test_load_units_is_cached() -> None:
    assert load_units() is load_units()
    assert ethnic_groups() is ethnic_groups()


# --- ethnic groups --------------------------------------------------------------------------


def test_fifty_four_ethnic_groups_in_code_order() -> None:
    groups = ethnic_groups()
    assert len(groups) == 54
    assert [g.code for g in groups] == list(range(1, 55))
    assert len({g.name for g in groups}) == 54


def test_ethnic_group_lookup() -> None:
    assert ethnic_group(1).name == "Kinh"
    assert ethnic_group(2).name == "Tày"
    assert ethnic_group(5).name == "Khmer"
    assert ethnic_group(54).name == "Rơ Măm"


def test_ethnic_shares() -> None:
    groups = ethnic_groups()
    assert sum(g.share for g in groups) == pytest.approx(1.0, abs=0.001)
    assert all(0 < g.share < 1 for g in groups)
    assert ethnic_group(1).share == pytest.approx(0.8532, abs=0.001)
    assert ethnic_group(2).share == pytest.approx(0.0192, abs=0.0005)
    kinh, *others = groups
    assert all(g.share < kinh.share for g in others)
    assert min(groups, key=lambda g: g.share).name == "Ơ Đu"


@pytest.mark.parametrize("code", [0, 55, -1, 100])
def test_unknown_ethnic_group_raises_key_error(code: int) -> None:
    with pytest.raises(KeyError):
        ethnic_group(code)
