"""The card reader's API as a kiosk's software drives it: a reader opens, waits, takes a card whose access
key is right (the 12-digit PIN or the 9-digit document number), reads nothing with a wrong key and
locks after five until the card is removed; the files it reads pass passive authentication against the
published CSCA, its INTERNAL AUTHENTICATE answers verify with DG15 (another chip's do not), its camera
photographs the card holder (an impostor does not match the card's photo); it expires on the
provider's clock and closes. Errors are RFC 6749 JSON."""

import base64

import pytest
from cryptography import x509
from fastapi.testclient import TestClient
from sqlalchemy import text

from idp.chip.active_auth import verify_answer
from idp.chip.card import FILE_ORDER
from idp.chip.face_match import compare_faces
from idp.chip.lds import portrait_of
from idp.chip.lds import read_dg13
from idp.chip.passive import passive_authentication
from idp.citizen.changes import change_citizen
from idp.state.card_readers import MAX_WRONG_KEYS
from idp.state.card_readers import READER_TTL
from tests.card_reader.readers import API
from tests.card_reader.readers import authenticate
from tests.card_reader.readers import files
from tests.card_reader.readers import key_of
from tests.card_reader.readers import open_reader
from tests.card_reader.readers import opened_with
from tests.card_reader.readers import server_of
from tests.card_reader.readers import state
from tests.card_reader.readers import tap
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import clock_of

SPOUSE = "031190999002"
DECEASED = "036140999008"
FOREIGNER = "079087999009"
WRONG_KEY = {
    "error": "access_denied",
    "error_description": "The chip did not open: wrong access key.",
}


def test_a_reader_opens_waits_and_closes(client: TestClient) -> None:
    opened = client.post(API, json={"label": "Quầy giao dịch số 3"})
    assert opened.status_code == 201
    body = opened.json()
    assert set(body) == {"reader_id", "reader_url", "expires_in"}
    assert len(body["reader_id"]) >= 32
    assert body["reader_url"] == f"{ISSUER}/card-reader/{body['reader_id']}"
    assert body["expires_in"] == READER_TTL
    waiting = state(client, body["reader_id"])
    assert waiting == {"status": "waiting", "label": "Quầy giao dịch số 3", "expires_in": 600}
    assert client.delete(f"{API}/{body['reader_id']}").status_code == 204
    gone = client.get(f"{API}/{body['reader_id']}")
    assert gone.status_code == 404
    assert gone.json()["error"] == "not_found"
    assert client.delete(f"{API}/{body['reader_id']}").status_code == 404


def test_a_reader_needs_no_body_nor_label(client: TestClient) -> None:
    assert client.post(API).status_code == 201
    assert client.post(API, json={}).json()["expires_in"] == READER_TTL


@pytest.mark.parametrize(
    "body", [{"label": "x" * 81}, {"label": "a\nb"}, {"label": 3}, {"name": "x"}, [1]]
)
def test_a_bad_label_is_refused(client: TestClient, body: object) -> None:
    refused = client.post(API, json=body)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


@pytest.mark.parametrize("number", [PIN, PIN[-9:]])
def test_the_right_key_opens_the_chip(client: TestClient, number: str) -> None:
    reader_id = open_reader(client, "Ki-ốt 1")
    tapped = tap(client, reader_id, "level2-full", key_of(client, PIN, card_number=number))
    assert tapped.status_code == 200
    assert tapped.json() == {"status": "card_present"}
    read = state(client, reader_id)
    assert read["status"] == "card_present"
    assert read["application_id"] == "A0000002471001"
    assert read["label"] == "Ki-ốt 1"
    assert list(read["files"]) == list(FILE_ORDER)
    dg13 = read_dg13(base64.b64decode(read["files"]["DG13"]))
    assert (dg13[1], dg13[2]) == (PIN, "Nguyễn Văn Bình")


def test_a_wrong_key_reads_nothing(client: TestClient) -> None:
    reader_id = open_reader(client)
    for wrong in ({"birth_date": "880316"}, {"expiry_date": "<<<<<<"}, {"card_number": "1" * 12}):
        refused = tap(client, reader_id, PIN, key_of(client, PIN, **wrong))
        assert refused.status_code == 403
        assert refused.json() == WRONG_KEY
    assert state(client, reader_id) == {"status": "waiting", "label": "", "expires_in": 600}
    challenge = authenticate(client, reader_id, b"12345678")
    assert challenge.status_code == 409
    assert challenge.json()["error"] == "no_card"
    camera = client.get(f"{API}/{reader_id}/camera")
    assert camera.status_code == 409
    assert camera.json()["error"] == "no_card"


def test_five_wrong_keys_lock_the_reader_until_the_card_is_removed(client: TestClient) -> None:
    reader_id = open_reader(client)
    wrong = key_of(client, PIN, birth_date="000101")
    for _ in range(MAX_WRONG_KEYS):
        assert tap(client, reader_id, PIN, wrong).status_code == 403
    locked = tap(client, reader_id, PIN)  # the right key, too late
    assert locked.status_code == 429
    assert locked.json()["error"] == "too_many_attempts"
    assert tap(client, reader_id, SPOUSE).status_code == 429  # any card, until removed
    assert state(client, reader_id)["status"] == "waiting"
    assert client.delete(f"{API}/{reader_id}/card").status_code == 204
    assert tap(client, reader_id, PIN).status_code == 200


def test_a_right_key_forgets_the_wrong_ones(client: TestClient) -> None:
    reader_id = open_reader(client)
    wrong = key_of(client, PIN, birth_date="000101")
    for _ in range(MAX_WRONG_KEYS - 1):
        assert tap(client, reader_id, PIN, wrong).status_code == 403
    assert tap(client, reader_id, PIN).status_code == 200
    assert client.delete(f"{API}/{reader_id}/card").status_code == 204
    assert tap(client, reader_id, PIN, wrong).status_code == 403  # counted from zero again


def test_a_card_valid_for_life_opens_with_fillers(client: TestClient) -> None:
    reader_id = open_reader(client)
    assert key_of(client, DECEASED)["expiry_date"] == "<<<<<<"
    assert tap(
        client, reader_id, DECEASED, key_of(client, DECEASED, expiry_date="000000")
    ).json() == (WRONG_KEY)
    assert tap(client, reader_id, DECEASED).status_code == 200


def test_one_card_at_a_time(client: TestClient) -> None:
    reader_id = opened_with(client, PIN)
    again = tap(client, reader_id, SPOUSE)
    assert again.status_code == 409
    assert again.json()["error"] == "card_present"
    assert client.delete(f"{API}/{reader_id}/card").status_code == 204
    assert state(client, reader_id)["status"] == "waiting"
    assert tap(client, reader_id, SPOUSE).status_code == 200


@pytest.mark.parametrize(
    ("card", "face"), [(FOREIGNER, None), ("nobody", None), ("999999999999", None), (PIN, "nobody")]
)
def test_an_unknown_card_or_face_is_refused(
    client: TestClient, card: str, face: str | None
) -> None:
    reader_id = open_reader(client)
    key = key_of(client, PIN)
    refused = tap(client, reader_id, card, key, face)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
    assert state(client, reader_id)["status"] == "waiting"


@pytest.mark.parametrize(
    "key",
    [
        {"card_number": "12345678", "birth_date": "880315", "expiry_date": "280315"},
        {"card_number": PIN, "birth_date": "15/03/1988", "expiry_date": "280315"},
        {"card_number": PIN, "birth_date": "880315", "expiry_date": "<<<<<"},
        {"card_number": PIN, "birth_date": "880315"},
        {"card_number": "٠٠١٠٨٨٩٩٩٠٠١", "birth_date": "880315", "expiry_date": "280315"},
    ],
)
def test_a_key_of_the_wrong_shape_is_a_bad_request(client: TestClient, key: dict[str, str]) -> None:
    reader_id = open_reader(client)
    refused = client.post(f"{API}/{reader_id}/tap", json={"card": PIN, "access_key": key})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


def test_the_files_pass_passive_authentication_against_the_published_csca(
    client: TestClient,
) -> None:
    read = files(client, opened_with(client, "level2-full"))
    csca = x509.load_pem_x509_certificate(client.get("/pki/csca.pem").content)
    checked = passive_authentication(read, [csca], clock_of(client).moment())
    assert checked.valid, checked.reasons
    assert set(checked.groups) == {"DG1", "DG2", "DG13", "DG14", "DG15"}
    tampered = {**read, "DG13": read["DG13"].replace("Bình".encode(), b"Binh")}
    assert not passive_authentication(tampered, [csca], clock_of(client).moment()).valid


def test_internal_authenticate_verifies_with_dg15_and_another_chips_answer_does_not(
    client: TestClient,
) -> None:
    mine, other = opened_with(client, PIN), opened_with(client, SPOUSE)
    dg15 = files(client, mine)["DG15"]
    challenge = bytes(range(8))
    answered = authenticate(client, mine, challenge)
    assert answered.status_code == 200
    signature = base64.b64decode(answered.json()["signature"])
    assert len(signature) == 64
    assert verify_answer(dg15, challenge, signature)
    assert not verify_answer(dg15, bytes(8), signature)  # an answer to another challenge
    copied = base64.b64decode(authenticate(client, other, challenge).json()["signature"])
    assert not verify_answer(dg15, challenge, copied)


@pytest.mark.parametrize(
    "challenge", ["", "not base64!", "MTIzNDU2Nw==", "MTIzNDU2Nzg5", "MTIzNDU2Nzg"]
)
def test_a_bad_challenge_is_a_bad_request(client: TestClient, challenge: str) -> None:
    reader_id = opened_with(client, PIN)
    refused = client.post(f"{API}/{reader_id}/internal-authenticate", json={"challenge": challenge})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


def test_the_camera_photographs_the_holder_and_an_impostor_does_not_match(
    client: TestClient,
) -> None:
    holder = opened_with(client, PIN)
    portrait = portrait_of(files(client, holder)["DG2"])
    first, second = (client.get(f"{API}/{holder}/camera") for _ in range(2))
    assert first.headers["content-type"] == "image/jpeg"
    assert first.headers["cache-control"] == "no-store"
    assert first.content != second.content  # each photo a new shot
    assert compare_faces(first.content, portrait).matched
    assert compare_faces(second.content, portrait).matched
    impostor = opened_with(client, PIN, face=SPOUSE)
    photo = client.get(f"{API}/{impostor}/camera").content
    assert not compare_faces(photo, portrait).matched


def test_a_reader_expires_on_the_providers_clock(client: TestClient) -> None:
    reader_id = opened_with(client, PIN)
    clock_of(client).advance(READER_TTL - 1)
    assert state(client, reader_id)["expires_in"] == 1
    clock_of(client).advance(1)
    for answer in (
        client.get(f"{API}/{reader_id}"),
        client.get(f"{API}/{reader_id}/camera"),
        authenticate(client, reader_id, bytes(8)),
        tap(client, reader_id, SPOUSE),
        client.delete(f"{API}/{reader_id}/card"),
        client.delete(f"{API}/{reader_id}"),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"] == "not_found"
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Đầu đọc thẻ này đã đóng hoặc hết hạn" in page.text


def test_an_unknown_path_under_the_api_answers_json(client: TestClient) -> None:
    unknown = client.get("/api/card-reader/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"


def test_the_api_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths[API]) == {"post"}
    assert set(paths[f"{API}/{{reader_id}}"]) == {"get", "delete"}
    for operation in ("tap", "internal-authenticate"):
        assert set(paths[f"{API}/{{reader_id}}/{operation}"]) == {"post"}
    assert (
        "image/jpeg" in paths[f"{API}/{{reader_id}}/camera"]["get"]["responses"]["200"]["content"]
    )
    assert f"{API}/{{reader_id}}/card" in paths
    assert not [path for path in paths if path.startswith("/card-reader")]  # the page is not an API


def _young_card_holder(client: TestClient) -> str:
    """A generated citizen whose card was made before the age of 6 (it has no photo)."""
    query = text(
        "SELECT c.pin FROM citizen c JOIN identitycard k ON k.pin = c.pin "
        "WHERE julianday(k.issued_on) - julianday(c.birth_date) < 6 * 365 ORDER BY c.pin LIMIT 1"
    )
    with server_of(client).engine.connect() as connection:
        pin: str = connection.execute(query).scalar_one()
    return pin


def test_a_card_without_a_photo_is_read_and_the_camera_still_photographs_the_child(
    populated: TestClient,
) -> None:
    child = _young_card_holder(populated)
    reader_id = opened_with(populated, child)
    read = files(populated, reader_id)
    assert "DG2" not in read
    assert list(read) == [name for name in FILE_ORDER if name != "DG2"]
    photo = populated.get(f"{API}/{reader_id}/camera")
    assert photo.status_code == 200
    assert photo.content.startswith(b"\xff\xd8")
    page = populated.get(f"/card-reader/{reader_id}")
    assert "Thẻ không có ảnh" in page.text


def test_the_card_on_the_reader_keeps_what_it_said_when_it_was_placed(
    populated: TestClient,
) -> None:
    """A change to the citizen's record after the card was made is not on the card, whether it is on
    the reader or tapped again (a chip is never rewritten): a verifier compares. A new card has it."""
    reader_id = opened_with(populated, SPOUSE)
    before = files(populated, reader_id)
    address = {"province_code": 1, "ward_code": 4, "street_address": "Số 1 Tràng Tiền"}
    server = server_of(populated)
    undo = change_citizen(server.engine, SPOUSE, {"address": address}, today=server.clock.today())
    try:
        assert files(populated, reader_id) == before
        assert not read_dg13(before["DG13"])[9].startswith("Số 1 Tràng Tiền")
        again = files(populated, opened_with(populated, SPOUSE))
        assert again == before
        renewed = change_citizen(
            server.engine, SPOUSE, {"card": {"action": "renew"}}, today=server.clock.today()
        )
        undo |= renewed
        new_card = files(populated, opened_with(populated, SPOUSE))
        assert read_dg13(new_card["DG13"])[9].startswith("Số 1 Tràng Tiền")
    finally:
        change_citizen(server.engine, SPOUSE, undo, today=server.clock.today())
