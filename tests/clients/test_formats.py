"""Values as a Vietnamese service shows them: dd/mm/yyyy, Vietnam's wall clock, đồng with the
language's separator, and the provider's codes in words in either language."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from clients.rp import formats


def test_dates_are_day_month_year() -> None:
    assert formats.day("1988-03-15") == "15/03/1988"
    assert formats.day(date(2024, 9, 10)) == "10/09/2024"
    assert formats.day(None) == ""
    assert formats.day("") == ""


def test_moments_are_vietnams_wall_clock() -> None:
    # 17:30 UTC is half past midnight the next day in Hanoi (UTC+7 all year).
    moment = datetime(2025, 12, 31, 17, 30, tzinfo=UTC).timestamp()
    assert formats.moment(moment) == "00:30 01/01/2026"
    assert formats.moment(int(moment)) == "00:30 01/01/2026"
    assert formats.moment(None) == ""
    assert formats.moment(True) == ""


@pytest.mark.parametrize(
    ("amount", "lang", "shown"),
    [
        (1_000_000, "vi", "1.000.000 ₫"),
        (1_000_000, "en", "1,000,000 ₫"),
        (500, "vi", "500 ₫"),
        (50_000_000, "vi", "50.000.000 ₫"),
    ],
)
def test_money_is_dong_with_separators(amount: int, lang: str, shown: str) -> None:
    assert formats.money(amount, lang) == shown


def test_codes_are_words() -> None:
    assert formats.sex("male", "vi") == "Nam"
    assert formats.sex("female", "vi") == "Nữ"
    assert formats.sex("female", "en") == "Female"
    assert formats.country("VN", "vi") == "Việt Nam"
    assert formats.country("VN", "en") == "Viet Nam"
    assert formats.country("ZZ", "vi") == "không rõ"  # never the raw code


def test_relations_are_words_and_say_who_when_they_can() -> None:
    assert formats.relation("head", "male", "vi") == "Chủ hộ"
    assert formats.relation("spouse", "female", "vi") == "Vợ"
    assert formats.relation("spouse", "male", "en") == "Husband"
    assert formats.relation("spouse", None, "vi") == "Vợ/Chồng"
    assert formats.relation("child_in_law", "female", "vi") == "Con dâu"
    assert formats.relation("other", "male", "en") == "Other"
    assert formats.relation("", "male", "vi") == ""


@pytest.mark.parametrize(
    ("level", "share"),
    [(1, 100), (2, 100), (3, 95), (4, 80), (5, 100), ("4", 80)],
)
def test_benefit_levels_are_the_share_they_pay(level: int | str, share: int) -> None:
    assert formats.benefit(level, "vi").startswith(f"{share}% ")
    assert f"mức {level}" in formats.benefit(level, "vi")
    assert formats.benefit(level, "en").startswith(f"{share}% ")


def test_an_unknown_benefit_level_is_not_a_number() -> None:
    assert formats.benefit(9, "vi") == "không rõ"
    assert formats.benefit(None, "vi") == ""
    assert formats.benefit("", "vi") == ""


def test_places_are_one_line() -> None:
    place = {"street_address": "Số 12 Hàng Bạc", "ward": "Phường Hoàn Kiếm", "province": "Hà Nội"}
    assert formats.place(place) == "Số 12 Hàng Bạc, Phường Hoàn Kiếm, Hà Nội"
    assert formats.place({"province": "Hà Nội"}) == "Hà Nội"
    assert formats.place(None) == ""
