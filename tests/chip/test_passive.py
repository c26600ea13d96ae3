"""The provider's own passive authentication (:mod:`idp.chip.passive`, what the verification service
runs) agrees with the independent verifier, names what failed, and reads any bytes without an error
other than :class:`MalformedFileError`, every byte of EF.SOD flipped in turn among them."""

import base64
import contextlib
import datetime
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from idp.chip import lds
from idp.chip.active_auth import public_key_of
from idp.chip.active_auth import verify_answer
from idp.chip.lds import MalformedFileError
from idp.chip.passive import passive_authentication
from idp.chip.pki import authority
from tests.chip.conftest import HOLDER
from tests.chip.conftest import chip_of

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
TRUSTED = [authority().csca]


def test_a_genuine_chip_passes(sqlite_cards: Engine) -> None:
    result = passive_authentication(chip_of(sqlite_cards, HOLDER).files, TRUSTED, NOW)
    assert result.valid
    assert result.reasons == []
    assert set(result.groups) == {"DG1", "DG2", "DG13", "DG14", "DG15"}
    assert "SANDBOX Document Signer" in result.signer


def test_each_failure_is_named(sqlite_cards: Engine) -> None:
    files = dict(chip_of(sqlite_cards, HOLDER).files)
    files["DG13"] = files["DG13"].replace("Bình".encode(), b"Binh")
    result = passive_authentication(files, TRUSTED, NOW)
    assert not result.valid
    assert result.groups["DG13"] is False
    assert result.reasons == ["DG13 does not hash to the value EF.SOD signs"]
    forged = chip_of(sqlite_cards, HOLDER, seed="another seed").files
    other = passive_authentication(forged, TRUSTED, NOW)
    assert not other.chain
    assert other.signature
    assert "not issued by a trusted country signing CA" in other.reasons[0]
    expired = passive_authentication(
        chip_of(sqlite_cards, HOLDER).files, TRUSTED, NOW.replace(year=2046)
    )
    assert not expired.chain
    assert "not valid now" in expired.reasons[0]
    without = {k: v for k, v in files.items() if k != "DG1"}
    assert "DG1 is missing" in passive_authentication(without, TRUSTED, NOW).reasons


def test_active_authentication(sqlite_cards: Engine) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    challenge = b"\x01\x02\x03\x04\x05\x06\x07\x08"
    assert verify_answer(chip.files["DG15"], challenge, chip.internal_authenticate(challenge))
    clone = chip_of(sqlite_cards, HOLDER, seed="a cloner's seed")
    assert not verify_answer(chip.files["DG15"], challenge, clone.internal_authenticate(challenge))
    assert not verify_answer(chip.files["DG15"], challenge, b"short")
    with pytest.raises(ValueError, match="8 bytes"):
        chip.internal_authenticate(b"too long challenge")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("EF.SOD", b""),
        ("EF.SOD", b"\x77\x03abc"),
        ("EF.SOD", b"\x30\x00"),
        ("DG1", b"\x61\x03\x5f\x1f\x00"),
        ("DG13", b"\x6d\x03\x30\x01\x05"),
    ],
)
def test_malformed_files_are_refused_by_name(sqlite_cards: Engine, name: str, data: bytes) -> None:
    files = dict(chip_of(sqlite_cards, HOLDER).files) | {name: data}
    readers: dict[str, Callable[[], object]] = {
        "EF.SOD": lambda: passive_authentication(files, TRUSTED, NOW),
        "DG1": lambda: lds.read_dg1(data),
        "DG13": lambda: lds.read_dg13(data),
    }
    with pytest.raises(MalformedFileError, match=name.replace(".", r"\.")):
        readers[name]()


@given(data=st.binary(max_size=300), name=st.sampled_from(["EF.SOD", "DG1", "DG2", "DG13", "DG15"]))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_bytes_read_or_are_refused(data: bytes, name: str) -> None:
    readers: dict[str, Callable[[], object]] = {
        "EF.SOD": lambda: passive_authentication({"EF.SOD": data}, TRUSTED, NOW),
        "DG1": lambda: lds.read_dg1(data),
        "DG2": lambda: lds.portrait_of(data),
        "DG13": lambda: lds.read_dg13(data),
        "DG15": lambda: public_key_of(data),
    }
    with contextlib.suppress(MalformedFileError):
        readers[name]()


@given(cut=st.integers(min_value=1, max_value=1000), flip=st.integers(min_value=0, max_value=2000))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_damaged_security_object_is_refused_or_fails(
    sqlite_cards: Engine, cut: int, flip: int
) -> None:
    files = dict(chip_of(sqlite_cards, HOLDER).files)
    sod = bytearray(files["EF.SOD"][: max(2, len(files["EF.SOD"]) - cut)])
    sod[flip % len(sod)] ^= 0x04
    try:
        result = passive_authentication(files | {"EF.SOD": bytes(sod)}, TRUSTED, NOW)
    except MalformedFileError:
        return
    assert not result.valid


def test_the_files_travel_as_base64(sqlite_cards: Engine) -> None:
    files = chip_of(sqlite_cards, HOLDER).files
    again = {k: base64.b64decode(base64.b64encode(v)) for k, v in files.items()}
    assert passive_authentication(again, TRUSTED, NOW).valid


def test_no_flipped_byte_of_the_security_object_breaks_the_check(sqlite_cards: Engine) -> None:
    """Every byte of EF.SOD flipped, one at a time: an answer (valid or not, with reasons) or
    :class:`MalformedFileError`, never another exception or a warning (a certificate whose serial is
    not positive, an X.509 version that does not exist, a key off its curve or on an unknown one)."""
    files = dict(chip_of(sqlite_cards, HOLDER).files)
    sod = files["EF.SOD"]
    outcomes = {"valid": 0, "invalid": 0, "malformed": 0}
    for position in range(len(sod)):
        for mask in (0x01, 0x80):
            damaged = bytearray(sod)
            damaged[position] ^= mask
            try:
                found = passive_authentication(files | {"EF.SOD": bytes(damaged)}, TRUSTED, NOW)
            except MalformedFileError:
                outcomes["malformed"] += 1
                continue
            outcomes["valid" if found.valid else "invalid"] += 1
            assert found.valid == (found.reasons == [])
    assert outcomes["invalid"] > 500  # most damage is caught by the checks themselves
    assert outcomes["malformed"] > 500
