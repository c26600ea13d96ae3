"""The apps' own reading and checking of a chip's files (``clients/rp/chip_files.py``,
``chip_check.py``, ``active_auth.py``), on the files of real cards as the provider's sandbox API gives
them (``/sandbox/cards/{who}``) under the CSCA it publishes (``/pki/csca.pem``): a genuine card passes;
a tampered data group, a tampered signature, a security object of another card, another country
signing CA, a missing or broken EF.SOD are each refused with their reason (a tampered file cannot come
from the reader, so the checker is tested here directly). Active Authentication: the chip's answer to
the app's challenge passes, an answer to another challenge or from another chip does not. Any bytes
at all are refused without an exception."""

import base64
import datetime
from typing import Any

import httpx
import pytest
from cryptography import x509
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from clients.rp.active_auth import ECDSA_PLAIN_SHA256
from clients.rp.active_auth import check_answer
from clients.rp.active_auth import new_challenge
from clients.rp.chip_check import check_files
from clients.rp.chip_files import FILE_NAMES
from clients.rp.chip_files import ChipFileError
from clients.rp.chip_files import aa_algorithm
from clients.rp.chip_files import decoded_files
from clients.rp.chip_files import describe
from clients.rp.chip_files import dg13_fields
from clients.rp.chip_files import holder_facts
from clients.rp.chip_files import mrz_of
from clients.rp.chip_files import portrait_of
from idp.chip.card import build_chip
from idp.chip.holders import load_holder
from idp.chip.pki import authority
from idp.population_db.database import connect
from idp.settings import IdPSettings
from tests.clients.card_steps import card_of
from tests.clients.conftest import Stack
from tests.oidc.conftest import PIN

NOW = datetime.datetime.now(datetime.UTC)
SPOUSE_PIN = "031190999002"


@pytest.fixture(scope="module")
def card(stack: Stack) -> dict[str, Any]:
    return card_of(stack, PIN)


@pytest.fixture(scope="module")
def files(card: dict[str, Any]) -> dict[str, bytes]:
    return decoded_files(card["files"])


@pytest.fixture(scope="module")
def csca(stack: Stack) -> x509.Certificate:
    published = httpx.get(f"{stack.idp}/pki/csca.pem")
    assert published.status_code == 200
    return x509.load_pem_x509_certificate(published.content)


def _flipped(data: bytes, at: int = -1) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_a_genuine_card_passes(files: dict[str, bytes], csca: x509.Certificate) -> None:
    found = check_files(files, csca, NOW)
    assert found.valid
    assert found.chain
    assert found.signature
    assert [group.name for group in found.groups] == ["DG1", "DG2", "DG13", "DG14", "DG15"]
    assert all(group.signed == group.computed for group in found.groups)
    assert found.reasons == []
    assert "CSCA" in found.issuer
    assert found.as_json()["valid"] is True


def test_the_files_say_what_the_card_says(card: dict[str, Any], files: dict[str, bytes]) -> None:
    assert mrz_of(files["DG1"]) == "".join(card["mrz"])
    fields = dg13_fields(files["DG13"])
    assert fields[1] == PIN
    assert fields[2] == card["name"]
    holder = holder_facts(fields)
    assert holder["birth_date"] == card["birth_date"]
    assert holder["expires_on"] == card["expires_on"]
    assert holder["sex"] == "male"
    assert portrait_of(files["DG2"]).startswith(b"\xff\xd8")
    assert aa_algorithm(files["DG14"]) == ECDSA_PLAIN_SHA256
    shown = {file["name"]: file for file in (describe(n, files[n]) for n in FILE_NAMES)}
    assert shown["EF.COM"]["groups"] == ["DG1", "DG2", "DG13", "DG14", "DG15"]
    assert shown["DG13"]["fields"]["2"] == card["name"]
    assert all("unreadable" not in file for file in shown.values())
    assert shown["EF.SOD"]["sha256"] == card["sha256"]["EF.SOD"]


@pytest.mark.parametrize("group", ["DG1", "DG2", "DG13", "DG15"])
def test_a_tampered_data_group_is_refused(
    files: dict[str, bytes], csca: x509.Certificate, group: str
) -> None:
    found = check_files({**files, group: _flipped(files[group])}, csca, NOW)
    assert not found.valid
    assert found.chain  # the signature over the hashes still holds: the group does not
    assert found.signature
    assert {g.name: g.matches for g in found.groups}[group] is False
    assert found.reasons == [f"{group} does not hash to the value EF.SOD signs"]


def test_a_tampered_signature_is_refused(files: dict[str, bytes], csca: x509.Certificate) -> None:
    # EF.SOD ends with the signer info's signature: its last byte changed
    found = check_files({**files, "EF.SOD": _flipped(files["EF.SOD"])}, csca, NOW)
    assert not found.valid
    assert not found.signature
    assert "the Document Signer's signature does not verify" in found.reasons


def test_another_cards_security_object_is_refused(
    stack: Stack, files: dict[str, bytes], csca: x509.Certificate
) -> None:
    other = decoded_files(card_of(stack, SPOUSE_PIN)["files"])
    found = check_files({**files, "EF.SOD": other["EF.SOD"]}, csca, NOW)
    assert found.chain
    assert found.signature  # a genuine security object, of another card
    assert not found.valid
    assert {g.name for g in found.groups if not g.matches} >= {"DG1", "DG13", "DG15"}


def test_another_country_signing_ca_is_refused(files: dict[str, bytes]) -> None:
    stranger = authority("another sandbox's seed").csca
    found = check_files(files, stranger, NOW)
    assert not found.valid
    assert not found.chain
    assert (
        found.reasons[0] == "the Document Signer was not issued by the trusted country signing CA"
    )


def test_a_certificate_out_of_its_validity_is_refused(
    files: dict[str, bytes], csca: x509.Certificate
) -> None:
    found = check_files(files, csca, datetime.datetime(2060, 1, 1, tzinfo=datetime.UTC))
    assert not found.chain
    assert "the country signing CA's certificate is not valid now" in found.reasons


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        ({"EF.SOD": None}, "EF.SOD is missing"),
        ({"EF.SOD": b"\x77\x03\x30\x01\x00"}, "EF.SOD is not a CMS SignedData"),
        ({"EF.SOD": b"\x61\x00"}, "EF.SOD does not start with tag 77"),
        ({"DG1": None}, "DG1 is missing"),
    ],
)
def test_missing_or_broken_files_are_refused_with_their_reason(
    files: dict[str, bytes], csca: x509.Certificate, changed: dict[str, bytes | None], reason: str
) -> None:
    shown = {**files, **changed}
    found = check_files({n: data for n, data in shown.items() if data is not None}, csca, NOW)
    assert not found.valid
    assert any(r.startswith(reason) for r in found.reasons), found.reasons


@pytest.fixture(scope="module")
def chips(stack: Stack) -> dict[str, Any]:
    """The chips of two citizens as the provider builds them (their private keys sign answers)."""
    defaults = IdPSettings()
    engine = connect(stack.database_url)
    seed, secret = defaults.chip_seed.get_secret_value(), defaults.subject_secret.get_secret_value()
    with engine.connect() as connection:
        holders = {pin: load_holder(connection, pin, secret) for pin in (PIN, SPOUSE_PIN)}
    engine.dispose()
    return {pin: build_chip(holder, seed) for pin, holder in holders.items() if holder}


def test_active_authentication_with_the_apps_challenge(chips: dict[str, Any]) -> None:
    chip, other = chips[PIN], chips[SPOUSE_PIN]
    challenge = new_challenge()
    assert len(challenge) == 8
    assert challenge != new_challenge()
    files = dict(chip.files)
    assert check_answer(files, challenge, chip.internal_authenticate(challenge)).valid
    replayed = check_answer(files, challenge, chip.internal_authenticate(new_challenge()))
    assert not replayed.valid
    assert replayed.reason == "the chip's answer does not verify with DG15's key"
    cloned = check_answer(files, challenge, other.internal_authenticate(challenge))
    assert not cloned.valid  # the files copied, the other chip's key answering
    assert not check_answer(files, challenge, b"\x00" * 10).valid
    without_key = {n: d for n, d in files.items() if n != "DG15"}
    assert "DG15 is missing" in check_answer(without_key, challenge, b"").reason


def test_base64_files_from_a_reader_are_checked(card: dict[str, Any]) -> None:
    assert set(decoded_files(card["files"])) == set(FILE_NAMES)
    refused: list[object] = [{}, [], {"DG99": "AA=="}, {"DG1": "not base64!"}, {"DG1": 5}]
    for sent in refused:
        with pytest.raises(ChipFileError):
            decoded_files(sent)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(FILE_NAMES),
    data=st.binary(max_size=300),
    challenge=st.binary(min_size=8, max_size=8),
    answer=st.binary(max_size=80),
)
def test_any_bytes_are_refused_never_raised(
    files: dict[str, bytes],
    csca: x509.Certificate,
    name: str,
    data: bytes,
    challenge: bytes,
    answer: bytes,
) -> None:
    changed = {**files, name: data}
    assert "sha256" in describe(name, data)
    unsigned = name == "EF.COM" or data == files[name]  # ICAO signs the data groups, not EF.COM
    assert unsigned or not check_files(changed, csca, NOW).valid
    assert not check_answer(changed, challenge, answer).valid


@settings(max_examples=100)
@given(st.dictionaries(st.sampled_from(FILE_NAMES), st.text(max_size=40), max_size=7))
def test_any_reader_answer_is_decoded_or_refused(sent: dict[str, str]) -> None:
    try:
        decoded = decoded_files(sent)
    except ChipFileError:
        return
    assert {name: base64.b64encode(data).decode() for name, data in decoded.items()} == sent
