"""Passive and active authentication of the chips, checked by the tests' own eMRTD verifier
(:mod:`tests.chip.independent`: pyasn1 and OpenSSL, not :mod:`idp.chip`): the Document Signer chains to
the country signing CA, EF.SOD's signature verifies, every data group hashes to its signed value; a
tampered group, a chip of another CA and an answer from another chip's key are refused."""

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import Engine

from idp.chip.pki import DEFAULT_SEED
from idp.chip.pki import authority
from tests.chip import independent
from tests.chip.conftest import HOLDER
from tests.chip.conftest import cards
from tests.chip.conftest import chip_of

CSCA_DER = authority().csca.public_bytes(serialization.Encoding.DER)


def _some_pins(engine: Engine) -> list[str]:
    every = cards(engine)
    return [HOLDER] + [pin for pin, *_ in every[:: max(1, len(every) // 12)]]


def test_every_chip_verifies_under_the_ca(sqlite_cards: Engine, tmp_path: Path) -> None:
    for pin in _some_pins(sqlite_cards):
        chip = chip_of(sqlite_cards, pin)
        verdict = independent.verify(dict(chip.files), CSCA_DER)
        assert verdict.chain, pin
        assert verdict.signature, pin
        groups = [int(name[2:]) for name in chip.files if name.startswith("DG")]
        assert verdict.hashes == dict.fromkeys(groups, True)
        assert verdict.listed == sorted(groups)  # EF.SOD lists exactly the groups on the chip
        assert independent.openssl_verifies(chip.files["EF.SOD"], authority().csca_pem, tmp_path)


@pytest.mark.parametrize("group", ["DG1", "DG2", "DG13", "DG15"])
def test_a_tampered_group_is_refused(sqlite_cards: Engine, group: str) -> None:
    files = dict(chip_of(sqlite_cards, HOLDER).files)
    data = bytearray(files[group])
    data[-3] ^= 0x01  # one bit of the content, the TLV left intact
    files[group] = bytes(data)
    verdict = independent.verify(files, CSCA_DER)
    assert verdict.chain
    assert verdict.signature
    assert verdict.hashes[int(group[2:])] is False  # ...but no longer matches the group
    assert not verdict.valid


def test_a_tampered_security_object_is_refused(sqlite_cards: Engine, tmp_path: Path) -> None:
    files = dict(chip_of(sqlite_cards, HOLDER).files)
    sod = bytearray(files["EF.SOD"])
    at = bytes(sod).index(bytes.fromhex("0201010420"))  # DG1's number and its hash's header
    sod[at + 6] ^= 0x80
    files["EF.SOD"] = bytes(sod)
    assert not independent.verify(files, CSCA_DER).signature
    assert not independent.openssl_verifies(files["EF.SOD"], authority().csca_pem, tmp_path)


def test_a_chip_of_another_ca_is_refused(sqlite_cards: Engine, tmp_path: Path) -> None:
    forged = chip_of(sqlite_cards, HOLDER, seed="another country's seed")
    verdict = independent.verify(dict(forged.files), CSCA_DER)
    assert verdict.signature
    assert all(verdict.hashes.values())
    assert not verdict.chain
    assert not independent.openssl_verifies(forged.files["EF.SOD"], authority().csca_pem, tmp_path)
    other_ca = authority("another country's seed")
    assert independent.verify(
        dict(forged.files), other_ca.csca.public_bytes(serialization.Encoding.DER)
    ).valid


def test_active_authentication_answers_only_with_the_chips_key(sqlite_cards: Engine) -> None:
    chip = chip_of(sqlite_cards, HOLDER)
    challenge = bytes.fromhex("0123456789abcdef")
    answer = chip.internal_authenticate(challenge)
    assert independent.answer_verifies(chip.files["DG15"], challenge, answer)
    assert not independent.answer_verifies(chip.files["DG15"], b"\0" * 8, answer)
    another = chip_of(sqlite_cards, cards(sqlite_cards)[0][0])
    assert not independent.answer_verifies(
        chip.files["DG15"], challenge, another.internal_authenticate(challenge)
    )  # a clone of the files without the key cannot answer
    clone = chip_of(sqlite_cards, HOLDER, seed="a cloner's seed")
    assert not independent.answer_verifies(
        chip.files["DG15"], challenge, clone.internal_authenticate(challenge)
    )


def test_the_ca_and_signer_are_sandbox_certificates() -> None:
    signer = authority()
    assert signer.csca.subject.rfc4514_string().startswith("CN=SANDBOX CSCA")
    assert "SANDBOX Document Signer" in signer.document_signer.subject.rfc4514_string()
    assert signer.document_signer.issuer == signer.csca.subject
    rebuilt = authority.__wrapped__(DEFAULT_SEED)  # not the cached one: built again from the seed
    assert rebuilt.csca_pem == signer.csca_pem
    assert rebuilt.document_signer_pem == signer.document_signer_pem
