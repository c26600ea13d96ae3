"""A card's chip as built from the population: the groups present, their contents as an independent
parser reads them, the printed QR string, and the same bytes every time."""

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from idp.chip import lds
from idp.chip.card import build_chip
from idp.chip.holders import LAST_CMND_BIRTH_YEAR
from idp.chip.holders import load_holder
from idp.chip.pki import DEFAULT_SEED
from idp.citizen.changes import change_citizen
from tests.chip import independent
from tests.chip.conftest import HOLDER
from tests.chip.conftest import PORTRAIT_SECRET
from tests.chip.conftest import cards
from tests.chip.conftest import chip_of


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_the_groups_and_what_ef_com_lists(sqlite_cards: Engine, tmp_path: Path) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    assert list(chip.files) == ["EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD"]
    parsed = independent.openssl_parses(chip.files["EF.COM"], tmp_path)
    assert "appl [ 0 ]" in parsed
    assert "appl [ 28 ]" in parsed
    assert chip.files["EF.COM"].endswith(bytes([0x5C, 5, 0x61, 0x75, 0x6D, 0x6E, 0x6F]))
    assert chip.files["EF.COM"][2:9] == b"\x5f\x01\x040107"  # LDS 1.7
    assert "appl [ 31 ]" in independent.openssl_parses(chip.files["DG1"], tmp_path)
    assert chip.files["DG1"][-90:].decode("ascii") == "".join(chip.mrz)


def test_dg13_holds_the_vietnamese_data_with_diacritics(cards_db: Engine) -> None:
    chip = chip_of(cards_db, HOLDER)
    fields = lds.read_dg13(chip.files["DG13"])
    assert fields[1] == HOLDER
    assert fields[2] == "Nguyễn Văn Bình"
    assert fields[3] == "15/03/1988"
    assert fields[4] == "Nam"
    assert fields[5] == "Việt Nam"
    assert fields[9].startswith("Số 12 Hàng Bạc")
    assert fields[11] == chip.holder.issued_on.strftime("%d/%m/%Y")
    assert len(fields[14]) == 9
    assert fields[14].isdigit()


def test_the_portrait_is_a_jpeg_in_an_iso_19794_5_record(sqlite_cards: Engine) -> None:
    dg2 = chip_of(sqlite_cards, HOLDER).files["DG2"]
    record_at = dg2.index(b"FAC\x00010\x00")
    assert int.from_bytes(dg2[record_at + 8 : record_at + 12], "big") == len(dg2) - record_at
    jpeg = lds.portrait_of(dg2)
    assert jpeg.startswith(b"\xff\xd8")
    assert jpeg.endswith(b"\xff\xd9")


def test_a_card_issued_before_six_has_no_portrait(cards_db: Engine) -> None:
    young = [pin for pin, born, issued, _ in cards(cards_db) if _age(born, issued) < 6]
    older = [pin for pin, born, issued, _ in cards(cards_db) if _age(born, issued) >= 6]
    assert young
    assert older
    for pin in young[:3]:
        chip = chip_of(cards_db, pin)
        assert "DG2" not in chip.files
        assert 0x75 not in chip.files["EF.COM"][-5:]
        assert chip.holder.portrait_id is None
        assert lds.read_dg13(chip.files["DG13"]).get(14) is None  # too young for a CMND
    assert "DG2" in chip_of(cards_db, older[0]).files


def test_the_former_number_only_for_those_old_enough(cards_db: Engine) -> None:
    for pin, born, _, _ in cards(cards_db)[:60]:
        with cards_db.connect() as connection:
            holder = load_holder(connection, pin, PORTRAIT_SECRET)
        assert holder is not None
        assert (holder.former_number is not None) == (born.year <= LAST_CMND_BIRTH_YEAR)


def test_the_printed_qr_string(sqlite_cards: Engine) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    parts = chip.qr.split("|")
    assert len(parts) == 7
    assert parts[0] == HOLDER
    assert len(parts[1]) == 9
    assert parts[2] == "Nguyễn Văn Bình"
    assert parts[3] == "15031988"
    assert parts[4] == "Nam"
    assert parts[6] == chip.holder.issued_on.strftime("%d%m%Y")


def test_the_same_card_builds_the_same_bytes(sqlite_cards: Engine) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    rebuilt = build_chip.__wrapped__(chip.holder, DEFAULT_SEED)  # not the cached one
    assert dict(rebuilt.files) == dict(chip.files)
    assert rebuilt.internal_authenticate(b"12345678") == chip.internal_authenticate(b"12345678")


def test_the_access_key_opens_only_its_chip(sqlite_cards: Engine) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    assert chip.opens_with(HOLDER, "880315", "280315")
    assert chip.opens_with(HOLDER[-9:], "880315", "280315")
    assert not chip.opens_with(HOLDER, "880316", "280315")
    assert not chip.opens_with(HOLDER, "880315", "<<<<<<")
    assert not chip.opens_with("not a number", "x", "y")


def test_a_pin_without_a_card(sqlite_cards: Engine) -> None:
    with sqlite_cards.connect() as connection:
        assert load_holder(connection, "000000000000", PORTRAIT_SECRET) is None


def test_the_card_keeps_its_data_when_the_record_changes(cards_db: Engine) -> None:
    """A chip is never rewritten: after the residence changes, the card in the citizen's hands still
    says the old one, the record (what a verifier compares with) the new one; a new card says it."""
    pin = "031190999002"
    today = date(2026, 12, 6)
    before = chip_of(cards_db, pin)
    moved = {"province_code": 1, "ward_code": 4, "street_address": "Số 1 Tràng Tiền"}
    undo = change_citizen(cards_db, pin, {"address": moved}, today=today)
    try:
        assert chip_of(cards_db, pin).files == before.files
        with cards_db.connect() as connection:
            record = load_holder(connection, pin, PORTRAIT_SECRET)
        assert record is not None
        assert record.residence.startswith("Số 1 Tràng Tiền")
        again = {"province_code": 1, "ward_code": 4, "street_address": "Số 2 Tràng Tiền"}
        undo_again = change_citizen(cards_db, pin, {"address": again}, today=today)
        assert chip_of(cards_db, pin).files == before.files  # the first data kept stays
        change_citizen(cards_db, pin, undo_again, today=today)
        undo |= change_citizen(cards_db, pin, {"card": {"action": "renew"}}, today=today)
        renewed = chip_of(cards_db, pin)
        assert renewed.holder.issued_on == today
        assert lds.read_dg13(renewed.files["DG13"])[9].startswith("Số 1 Tràng Tiền")
        assert renewed.holder.portrait_id == before.holder.portrait_id
    finally:
        change_citizen(cards_db, pin, undo, today=today)
    assert chip_of(cards_db, pin).files == before.files
