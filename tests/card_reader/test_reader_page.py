"""The card reader's page as an operator uses it: choose a card, see it as printed, type its access key
(a wrong one is said once, with 403, and counted; after five only "remove the card" is left, 429), the
right one (typed as printed, DD/MM/YYYY) opens the chip the API then reads, change who stands at the
camera, remove the card. Every form needs this browser's CSRF token and answers with a redirect."""

import re

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from idp.state.card_readers import MAX_WRONG_KEYS
from tests.card_reader.readers import API
from tests.card_reader.readers import open_reader
from tests.card_reader.readers import server_of
from tests.card_reader.readers import state
from tests.card_reader.readers import tap
from tests.oidc.conftest import PIN
from tests.oidc.conftest import csrf_of

SPOUSE = "031190999002"
RIGHT = {"card_number": PIN, "birth_date": "15/03/1988", "expiry_date": "15/03/2028"}


def _alert(html: str) -> str | None:
    found = re.search(r'<p role="alert">([^<]*)</p>', html)
    return found.group(1) if found else None


def _post(client: TestClient, reader_id: str, action: str, **fields: str) -> Response:
    """A form of the reader's page, with the CSRF token of the page as this browser sees it."""
    page = client.get(f"/card-reader/{reader_id}")
    return client.post(
        f"/card-reader/{reader_id}/{action}", data={"csrf": csrf_of(page.text), **fields}
    )


def _chosen(client: TestClient, who: str = PIN) -> str:
    reader_id = open_reader(client, "Quầy 3")
    chosen = _post(client, reader_id, "card", who=who)
    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"/card-reader/{reader_id}"
    return reader_id


def test_a_new_reader_waits_for_a_card_and_lists_the_personas(client: TestClient) -> None:
    reader_id = open_reader(client, "Quầy giao dịch số 3")
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 200
    assert "Quầy giao dịch số 3" in page.text
    assert "Chạm thẻ vào đầu đọc" in page.text
    assert f'action="/card-reader/{reader_id}/card"' in page.text
    assert 'value="001088999001"' in page.text
    assert "vneid_card_reader=" in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"]


def test_the_label_a_kiosk_gives_is_shown_as_text(client: TestClient) -> None:
    reader_id = open_reader(client, '<script>alert(1)</script> "Quầy" 3')
    page = client.get(f"/card-reader/{reader_id}").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;Quầy&#34; 3" in page


def test_a_chosen_card_is_shown_as_printed_with_the_key_form(client: TestClient) -> None:
    reader_id = _chosen(client, "level2-full")
    page = client.get(f"/card-reader/{reader_id}", params={"lang": "en"})
    assert page.status_code == 200
    assert "Nguyễn Văn Bình" in page.text
    assert "15/03/1988" in page.text
    assert "15/03/2028" in page.text
    assert "IDVNM0889990012001088999001&lt;&lt;3" in page.text  # the MRZ, escaped
    assert re.search(r'<img src="/portraits/[\w-]+\.svg"', page.text)
    assert 'name="card_number"' in page.text
    assert state(client, reader_id)["status"] == "waiting"  # placed, not opened


def test_a_wrong_key_is_said_once_and_reads_nothing(client: TestClient) -> None:
    reader_id = _chosen(client)
    wrong = _post(client, reader_id, "tap", **(RIGHT | {"birth_date": "16/03/1988"}))
    assert wrong.status_code == 303
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 403
    assert _alert(page.text) == "Không mở được chip: khóa truy cập sai."
    assert "Còn 4 lần nhập khóa." in page.text
    again = client.get(f"/card-reader/{reader_id}")
    assert again.status_code == 200
    assert _alert(again.text) is None
    assert state(client, reader_id)["status"] == "waiting"


def test_five_wrong_keys_leave_only_removing_the_card(client: TestClient) -> None:
    reader_id = _chosen(client)
    for _ in range(MAX_WRONG_KEYS):
        _post(client, reader_id, "tap", **(RIGHT | {"card_number": "123456789"}))
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 429
    assert 'name="card_number"' not in page.text
    assert f'action="/card-reader/{reader_id}/remove"' in page.text
    _post(client, reader_id, "tap", **RIGHT)  # refused: the form is gone, and so is the key
    assert client.get(f"/card-reader/{reader_id}").status_code == 429
    assert state(client, reader_id)["status"] == "waiting"
    assert _post(client, reader_id, "remove").status_code == 303
    assert "Chạm thẻ vào đầu đọc" in client.get(f"/card-reader/{reader_id}").text
    _post(client, reader_id, "card", who=PIN)
    assert "Còn 5 lần nhập khóa." in client.get(f"/card-reader/{reader_id}").text


@pytest.mark.parametrize(
    "key",
    [
        RIGHT,
        {"card_number": PIN[-9:], "birth_date": "880315", "expiry_date": "280315"},
        {"card_number": " 001088999001 ", "birth_date": "880315", "expiry_date": "15/03/2028"},
    ],
)
def test_the_right_key_opens_the_chip_for_the_api(client: TestClient, key: dict[str, str]) -> None:
    reader_id = _chosen(client)
    assert _post(client, reader_id, "tap", **key).status_code == 303
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 200
    assert "Chip đã mở" in page.text
    assert "<code>EF.SOD</code>" in page.text
    assert "Chính chủ thẻ" in page.text
    read = state(client, reader_id)
    assert read["status"] == "card_present"
    assert list(read["files"])[-1] == "EF.SOD"


def test_a_key_of_the_wrong_shape_is_said_and_not_counted(client: TestClient) -> None:
    reader_id = _chosen(client)
    _post(client, reader_id, "tap", card_number="12", birth_date="x", expiry_date="1988")
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 400
    assert (_alert(page.text) or "").startswith("Khóa truy cập không đúng định dạng")
    assert "Còn 5 lần nhập khóa." in page.text


def test_an_impostor_at_the_camera(client: TestClient) -> None:
    reader_id = _chosen(client)
    _post(client, reader_id, "tap", **RIGHT, face=SPOUSE)
    page = client.get(f"/card-reader/{reader_id}")
    assert "Trần Thị Hoa" in page.text
    assert "Không phải chủ thẻ" in page.text
    _post(client, reader_id, "face", face="")
    assert "Chính chủ thẻ" in client.get(f"/card-reader/{reader_id}").text
    _post(client, reader_id, "face", face="level2-spouse")
    assert "Không phải chủ thẻ" in client.get(f"/card-reader/{reader_id}").text
    _post(client, reader_id, "face", face="000000000000")
    unknown = client.get(f"/card-reader/{reader_id}")
    assert unknown.status_code == 400
    assert _alert(unknown.text) == "Không có công dân nào mang số định danh này."


def test_a_citizen_without_a_card_cannot_be_placed(client: TestClient) -> None:
    reader_id = open_reader(client)
    _post(client, reader_id, "card", who="079087999009")
    page = client.get(f"/card-reader/{reader_id}")
    assert page.status_code == 400
    assert _alert(page.text) == "Không có thẻ căn cước nào mang số này."


def test_removing_the_card_ends_the_reading(client: TestClient) -> None:
    reader_id = open_reader(client)
    assert tap(client, reader_id, PIN).status_code == 200  # a scripted tap shows on the page too
    assert "Chip đã mở" in client.get(f"/card-reader/{reader_id}").text
    _post(client, reader_id, "remove")
    assert state(client, reader_id)["status"] == "waiting"
    assert client.get(f"{API}/{reader_id}/camera").status_code == 409


@pytest.mark.parametrize("action", ["card", "tap", "face", "remove"])
def test_a_form_without_this_browsers_token_changes_nothing(
    client: TestClient, action: str
) -> None:
    reader_id = _chosen(client)
    fields = {"who": SPOUSE, "face": SPOUSE, **RIGHT}
    forged = client.post(f"/card-reader/{reader_id}/{action}", data={"csrf": "forged", **fields})
    assert forged.status_code == 400
    assert _alert(forged.text) == "Biểu mẫu đã hết hạn. Vui lòng thử lại."
    token = csrf_of(client.get(f"/card-reader/{reader_id}").text)
    client.cookies.clear()  # another browser, with the token of this one
    other = client.post(f"/card-reader/{reader_id}/{action}", data={"csrf": token, **fields})
    assert other.status_code == 400
    assert state(client, reader_id)["status"] == "waiting"
    reader = server_of(client).store.get(f"card-reader:{reader_id}")
    assert reader is not None
    assert reader["chosen"]["pin"] == PIN
    assert reader["wrong_keys"] == 0


@pytest.mark.parametrize("action", ["card", "tap", "face", "remove"])
def test_the_forms_of_an_unknown_reader_answer_an_error_page(
    client: TestClient, action: str
) -> None:
    answer = client.post(f"/card-reader/nope/{action}", data={"csrf": "x", "who": PIN})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
