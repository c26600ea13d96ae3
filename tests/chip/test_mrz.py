"""The MRZ (ICAO 9303 Part 3 check digits, Part 5 TD1) and the access key."""

from datetime import date

import pytest

from idp.chip.mrz import MrzFields
from idp.chip.mrz import access_key
from idp.chip.mrz import check_digit
from idp.chip.mrz import td1
from idp.chip.mrz import transliterate


def test_the_check_digits_of_icaos_specimen() -> None:
    """ICAO 9303 Part 5's TD1 specimen: I<UTOD231458907 / 7408122F1204159UTO<<<<<<<<<<<6."""
    assert check_digit("D23145890") == "7"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    line1, line2 = "I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6"
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    assert check_digit(composite) == "6"


def _fields(**changes: object) -> MrzFields:
    values: dict[str, object] = {
        "pin": "001088999001",
        "birth_date": date(1988, 3, 15),
        "sex": "male",
        "expires_on": date(2028, 3, 15),
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "Bình",
    }
    return MrzFields(**(values | changes))  # type: ignore[arg-type]


def test_td1_lines_of_a_vietnamese_card() -> None:
    line1, line2, line3 = td1(_fields())
    assert [len(line) for line in (line1, line2, line3)] == [30, 30, 30]
    assert line1 == "IDVNM088999001" + check_digit("088999001") + "001088999001<<" + line1[-1]
    assert line1[-1] == check_digit("001088999001")
    assert line2.startswith("880315" + check_digit("880315") + "M280315" + check_digit("280315"))
    assert line2[15:18] == "VNM"
    assert line2[-1] == check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    assert line3 == "NGUYEN<<VAN<BINH".ljust(30, "<")


def test_a_card_valid_for_life_and_a_long_name() -> None:
    _, line2, line3 = td1(
        _fields(
            expires_on=None,
            sex="female",
            family_name="Đặng",
            middle_name="Thị Ngọc",
            given_name="Phượng Hoàng Anh Thư",
        )
    )
    assert line2[7] == "F"
    assert line2[8:15] == "<<<<<<0"
    assert line3.startswith("DANG<<THI<NGOC<PHUONG<HOANG")
    assert len(line3) == 30


@pytest.mark.parametrize(
    ("text", "plain"), [("Đỗ", "DO"), ("Nguyễn", "NGUYEN"), ("H'Hen Niê", "H<HEN<NIE")]
)
def test_names_lose_their_marks(text: str, plain: str) -> None:
    assert transliterate(text) == plain


def test_the_access_key_takes_the_pin_or_the_document_number() -> None:
    key = access_key("001088999001", "880315", "280315")
    assert key == access_key("088999001", "880315", "280315")
    assert key == "0889990012" + "8803159" + "2803157"  # each field and its check digit
    with pytest.raises(ValueError, match="not an MRZ character"):
        access_key("08899900x", "880315", "280315")
