"""Active Authentication's DG15 damaged: a key that refuses the chip's answer, or
:class:`MalformedFileError` when it holds no key a verifier can use (a damaged algorithm or curve
identifier among them), never another error."""

import pytest
from sqlalchemy import Engine

from idp.chip.active_auth import verify_answer
from idp.chip.card import Chip
from idp.chip.lds import MalformedFileError
from tests.chip.conftest import HOLDER
from tests.chip.conftest import chip_of

CHALLENGE = b"\x01\x02\x03\x04\x05\x06\x07\x08"


@pytest.fixture
def chip(sqlite_cards: Engine) -> Chip:
    return chip_of(sqlite_cards, HOLDER)


def test_every_flipped_byte_of_dg15_is_a_key_or_malformed(chip: Chip) -> None:
    dg15 = chip.files["DG15"]
    answer = chip.internal_authenticate(CHALLENGE)
    malformed = 0
    for position in range(len(dg15)):
        damaged = bytearray(dg15)
        damaged[position] ^= 0x01
        try:
            assert not verify_answer(bytes(damaged), CHALLENGE, answer)
        except MalformedFileError:
            malformed += 1
    assert malformed > 0


def test_an_unknown_curve_is_malformed(chip: Chip) -> None:
    curve = bytes.fromhex(
        "2a8648ce3d030107"
    )  # prime256v1's OID, one byte of which is damaged below
    dg15 = chip.files["DG15"]
    assert curve in dg15
    damaged = dg15.replace(curve, curve[:-1] + b"\x08")
    with pytest.raises(MalformedFileError, match="DG15 is not a public key"):
        verify_answer(damaged, CHALLENGE, chip.internal_authenticate(CHALLENGE))
