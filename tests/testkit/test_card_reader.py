"""``vneid.card(who)`` and ``vneid.card_reader()``: a card's chip document, and a reader driven as a
kiosk drives it: the scripted tap with the right key (or a wrong one, refused and locked after five),
the files, INTERNAL AUTHENTICATE, the camera (the holder, or an impostor), removing the card and
closing the reader; the reader's page is where a person taps."""

import base64
from datetime import UTC
from datetime import datetime

import httpx
import pytest
from cryptography import x509

from idp.chip.active_auth import verify_answer
from idp.chip.face_match import compare_faces
from idp.chip.lds import portrait_of
from idp.chip.passive import passive_authentication
from idp.testkit.card_reader import CardReaderError
from idp.testkit.card_reader import access_key_of
from idp.testkit.mock import VneidMock

PIN = "001088999001"


def test_a_card_is_its_chip_document(vneid: VneidMock) -> None:
    card = vneid.card("level2-full")
    assert card["card_number"] == PIN
    assert list(card["files"]) == ["EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD"]
    assert access_key_of(card) == {
        "card_number": PIN,
        "birth_date": "880315",
        "expiry_date": "280315",
    }
    assert access_key_of(vneid.card("deceased"))["expiry_date"] == "<<<<<<"


def test_a_reader_reads_the_tapped_card(vneid: VneidMock) -> None:
    with vneid.card_reader("Quầy 1") as reader:
        assert reader.reader_url == f"{vneid.issuer}/card-reader/{reader.reader_id}"
        assert reader.expires_in == 600
        assert reader.state() == {"status": "waiting", "label": "Quầy 1", "expires_in": 600}
        assert reader.files() == {}
        reader.tap("level2-full")
        files = reader.files()
        assert files == {
            name: base64.b64decode(data)
            for name, data in vneid.card("level2-full")["files"].items()
        }
        csca = x509.load_pem_x509_certificate(vneid.card(PIN)["csca_pem"].encode())
        assert passive_authentication(files, [csca], datetime.now(UTC)).valid
        challenge = b"kiosk-01"
        assert verify_answer(files["DG15"], challenge, reader.internal_authenticate(challenge))
        assert compare_faces(reader.camera(), portrait_of(files["DG2"])).matched
        assert "Chip" in httpx.get(reader.reader_url).text  # its page, for a person
    with pytest.raises(CardReaderError) as closed:
        reader.state()
    assert closed.value.status == 404


def test_a_wrong_key_is_refused_and_five_lock_the_reader(vneid: VneidMock) -> None:
    reader = vneid.card_reader()
    for _ in range(5):
        with pytest.raises(CardReaderError) as refused:
            reader.tap(PIN, access_key={"birth_date": "000101"})
        assert (refused.value.status, refused.value.error) == (403, "access_denied")
    with pytest.raises(CardReaderError) as locked:
        reader.tap(PIN)
    assert (locked.value.status, locked.value.error) == (429, "too_many_attempts")
    reader.remove()
    reader.tap(PIN, access_key={"card_number": PIN[-9:]})
    assert reader.state()["status"] == "card_present"
    reader.close()


def test_an_impostor_at_the_camera(vneid: VneidMock) -> None:
    reader = vneid.card_reader()
    reader.tap("level2-full", face="level2-spouse")
    portrait = portrait_of(reader.files()["DG2"])
    assert not compare_faces(reader.camera(), portrait).matched
    reader.remove()
    with pytest.raises(CardReaderError) as nobody:
        reader.camera()
    assert (nobody.value.status, nobody.value.error) == (409, "no_card")
    reader.close()


def test_a_reader_an_app_opened_is_tapped_by_its_id(vneid: VneidMock) -> None:
    """A kiosk under test opens its own reader (here over the API, as the kiosk's software does); the
    test taps a card on it by the id its page links to."""
    opened = httpx.post(f"{vneid.issuer}/api/card-reader/sessions", json={"label": "Kiosk 2"})
    reader_id = opened.json()["reader_id"]
    reader = vneid.card_reader(reader_id=reader_id)
    assert reader.reader_url == opened.json()["reader_url"]
    reader.tap("level2-full")
    state = httpx.get(f"{vneid.issuer}/api/card-reader/sessions/{reader_id}").json()
    assert state["status"] == "card_present"
    assert state["label"] == "Kiosk 2"
    reader.close()
    with pytest.raises(CardReaderError) as gone:
        vneid.card_reader(reader_id=reader_id)
    assert gone.value.status == 404
