"""Passive authentication on a damaged EF.SOD: every byte of it flipped, one at a time, gives an
answer (valid or not, with reasons) or :class:`MalformedFileError`, never another exception or a
warning (a certificate with a serial that is not positive, an X.509 version that does not exist, a key
off its curve or on a curve nobody knows)."""

from datetime import UTC
from datetime import datetime

from idp.chip.card import Chip
from idp.chip.lds import MalformedFileError
from idp.chip.passive import passive_authentication
from idp.chip.pki import DEFAULT_SEED
from idp.chip.pki import authority

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def test_the_chip_as_built_is_genuine(chip: Chip) -> None:
    found = passive_authentication(chip.files, [authority(DEFAULT_SEED).csca], NOW)
    assert found.valid
    assert found.reasons == []


def test_no_flipped_byte_of_ef_sod_breaks_the_check(chip: Chip) -> None:
    trusted = [authority(DEFAULT_SEED).csca]
    sod = chip.files["EF.SOD"]
    outcomes = {"valid": 0, "invalid": 0, "malformed": 0}
    for position in range(len(sod)):
        for mask in (0x01, 0x80):
            damaged = bytearray(sod)
            damaged[position] ^= mask
            try:
                found = passive_authentication(
                    {**chip.files, "EF.SOD": bytes(damaged)}, trusted, NOW
                )
            except MalformedFileError:
                outcomes["malformed"] += 1
                continue
            outcomes["valid" if found.valid else "invalid"] += 1
            assert found.valid == (found.reasons == [])
    assert outcomes["invalid"] > 500  # most damage is caught by the checks themselves
    assert outcomes["malformed"] > 500
