"""The citizen's account page, "Tài khoản định danh của tôi": login first (in the page's language), the
document wallet (one card per document, values in words, level-2 documents hidden from a level-1
account), the services shared with, the disclosure history, and withdrawing consent (a confirmation
page, then a form: tokens dead at userinfo and introspection, refresh refused, back-channel logout sent,
and the page says so once). Every page reads as its language (:mod:`tests.page_reading`)."""

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt

from idp.oidc.backchannel import HttpLogoutSender
from idp.web.app import create_app
from tests.oidc.conftest import BCL_URI
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.flows import authorize
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import redeem
from tests.oidc.flows import server_of
from tests.oidc.flows import userinfo
from tests.page_reading import english_words
from tests.page_reading import problems
from tests.page_reading import read

SCOPE = "openid profile identity"
ENGLISH = english_words(Path("idp/web/messages"))
LANGUAGES = ("vi", "en")


class Receiver:
    """The relying parties' back-channel endpoints (an httpx transport): every logout token by URI."""

    def __init__(self) -> None:
        self.received: dict[str, list[str]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        token = parse_qs(request.content.decode())["logout_token"][0]
        self.received.setdefault(str(request.url), []).append(token)
        return httpx.Response(200)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def browser(env: Env, receiver: Receiver) -> Iterator[TestClient]:
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(receiver))
    with TestClient(create_app(env.settings, logout_sender=sender), follow_redirects=False) as c:
        yield c


def _log_in_at_the_account_page(client: TestClient, pin: str = PIN, lang: str = "vi") -> str:
    """Log in from the account page's own login (in ``lang``); the account page after it."""
    page, html = first_page(client.get("/account", params={"lang": lang}))
    assert read(html)[0] == lang  # the login page speaks the account page's language
    data = {"username": pin, "password": PASSWORD, "csrf": csrf_of(html)}
    response = client.post(f"{page}/login", data=data)
    assert response.status_code == 303  # the interaction's next step: back to the account page
    assert response.headers["location"] == f"/account?lang={lang}"  # in the language it began
    account = client.get(response.headers["location"])
    assert account.status_code == 200
    assert read(account.text)[0] == lang
    return account.text


def _visible(html: str) -> str:
    return read(html)[1]


def _page_in(client: TestClient, path: str, lang: str) -> str:
    """``path`` switched to ``lang``, checked to read as that language throughout."""
    response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code == 200, response.text
    assert problems(response.text, lang, ENGLISH) == []
    return response.text


def test_without_a_session_the_citizen_logs_in_first(browser: TestClient) -> None:
    html = _log_in_at_the_account_page(browser)
    text = _visible(html)
    assert "Tài khoản định danh của tôi" in text
    assert "Nguyễn Văn Bình" in text
    assert PIN in text
    assert "Chưa chia sẻ với dịch vụ nào." in text
    assert problems(html, "vi", ENGLISH) == []


def test_the_login_of_the_english_page_is_in_english(browser: TestClient) -> None:
    html = _log_in_at_the_account_page(browser, lang="en")
    assert read(html)[0] == "en"  # the switch's choice is kept by the browser
    assert "My e-identification account" in _visible(html)


def test_every_document_has_its_card_in_words(browser: TestClient) -> None:
    _log_in_at_the_account_page(browser)
    html = _page_in(browser, "/account", "vi")
    text = _visible(html)
    cards = re.findall(r'<section class="card" aria-labelledby="([a-z-]+\d*)"', html)
    assert cards == [
        "card-eid", "card-contact", "card-residence", "card-household", "card-bhyt",
        "card-licence-1", "card-licence-2", "card-vehicle-1", "card-vehicle-2",
    ]  # fmt: skip
    for shown in (
        "Căn cước điện tử",
        "Thẻ căn cước",  # the card's generation
        "15/03/1988",
        "Nam",
        "Việt Nam",
        "Bộ Công an",
        "10/09/2024",  # issued on
        "Nơi thường trú",
        "0199990001",  # the household
        "Chủ hộ",
        "Trần Thị Hoa · Vợ/Chồng",
        "Nguyễn Minh Khang · Con",
        "DN4010199990001",  # the BHYT card
        "Người lao động làm việc trong doanh nghiệp",
        "80 %",  # benefit level 4
        "Từ 01/01/2026 đến 31/12/2026",
        "Giấy phép lái xe hạng A1",
        "Không thời hạn",  # a motorcycle licence
        "Giấy phép lái xe hạng B",
        "02/04/2035",
        "29-Z9 990.01",
        "Xe mô tô",
        "Xe ô tô",
        "+84919990001",
    ):
        assert shown in text, shown
    assert '<dd translate="no">binh.nguyen@example.com</dd>' in html  # an identifier, not words
    assert "Tài khoản định danh điện tử mức 2" in text  # the account's level in words
    assert "chỉ hiển thị với tài khoản định danh điện tử mức 2" not in text
    for code in ("can_cuoc", "head", "spouse", "motorcycle", "SoDinhDanh", "DN4 "):
        assert code not in text, code


def test_the_english_cards(browser: TestClient) -> None:
    _log_in_at_the_account_page(browser)
    text = _visible(_page_in(browser, "/account", "en"))
    for shown in (
        "Electronic identity card",
        "Male",
        "Viet Nam",
        "Head of household",
        "Spouse",
        "80 %",
        "Employee of an enterprise",
        "From 01/01/2026 to 31/12/2026",
        "Driving licence, class B",
        "No expiry",
        "Motorcycle",
        "Level-2 e-identification account",
    ):
        assert shown in text, shown


def test_level_two_documents_are_hidden_from_a_level_one_account(browser: TestClient) -> None:
    _log_in_at_the_account_page(browser, LEVEL1_PIN)
    for lang in LANGUAGES:
        html = _page_in(browser, "/account", lang)
        cards = re.findall(r'<section class="card" aria-labelledby="([a-z-]+\d*)"', html)
        assert cards == ["card-person", "card-contact"]
        # the household and social-insurance number, the BHYT card, ethnicity, the portrait
        for hidden in ("7999990004", "DN4797999990004", "Kinh", "/portraits/"):
            assert hidden not in html, hidden
    vietnamese = _visible(_page_in(browser, "/account", "vi"))
    assert "Lê Thị Mai" in vietnamese
    assert "08/11/1995" in vietnamese
    assert "Nữ" in vietnamese
    assert "Tài khoản định danh điện tử mức 1" in vietnamese
    assert "chỉ hiển thị với tài khoản định danh điện tử mức 2" in vietnamese
    assert "Thẻ bảo hiểm y tế" in vietnamese  # named among what level 2 brings
    assert "cơ quan Công an" in vietnamese
    assert "thẻ căn cước gắn chip" in vietnamese
    english = _visible(_page_in(browser, "/account", "en"))
    assert "shown only to a level-2 e-identification account" in english
    assert "go to the police with your chip identity card" in english


def test_clients_and_disclosure_history(browser: TestClient, env: Env) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    userinfo(browser, redeem(browser, env, "data", code, verifier)["access_token"])
    html = _page_in(browser, "/account", "vi")
    assert "Ngân hàng &lt;Thử nghiệm&gt;" in html  # escaped
    text = _visible(html)
    shared = "Mã định danh ẩn danh và mức độ tài khoản; Họ tên, ngày sinh, giới tính; Số định danh"
    assert shared in text
    assert "mức 1 (mật khẩu)" in text
    assert re.search(r"Từ \d\d:\d\d \d\d/\d\d/\d{4}", text)
    history = text.split("Lịch sử cung cấp thông tin")[1]
    assert "mức độ tài khoản, họ tên, ngày sinh, giới tính, số định danh cá nhân" in history
    assert 'action="/account/withdraw"' in html
    assert 'name="client_id" value="data"' in html
    english = _visible(_page_in(browser, "/account", "en"))
    assert "account level, full name, date of birth, sex, personal identification number" in english
    assert "level 1 (password)" in english


def _confirm(client: TestClient, client_id: str = "data") -> str:
    response = client.get("/account/withdraw", params={"client_id": client_id})
    assert response.status_code == 200, response.text
    return str(response.text)


def test_withdrawal_is_confirmed_first(browser: TestClient) -> None:
    authorize(browser, "data", SCOPE)
    for lang in LANGUAGES:
        html = _page_in(browser, "/account/withdraw?client_id=data", lang)
        assert '<form method="post" action="/account/withdraw">' in html
        assert 'name="client_id" value="data"' in html
        assert '<a href="/account">' in html  # cancel
    text = _visible(_confirm(browser))  # the language chosen last: English
    assert "Stop sharing your information with Ngân hàng <Thử nghiệm>?" in text
    assert "will be logged out" in text
    text = _visible(_page_in(browser, "/account/withdraw?client_id=data", "vi"))
    assert "Ngừng chia sẻ thông tin với Ngân hàng <Thử nghiệm>?" in text
    assert "Số định danh cá nhân, họ tên, ngày sinh, giới tính" in text
    assert "sẽ bị đăng xuất" in text
    assert "Ngân hàng <Thử nghiệm>" in browser.get("/account").text.replace("&lt;", "<").replace(
        "&gt;", ">"
    )  # nothing withdrawn by looking


def test_no_confirmation_for_a_service_not_shared_with(browser: TestClient) -> None:
    authorize(browser, "rp", "openid profile")
    for client_id in ("data", "nobody"):
        response = browser.get("/account/withdraw", params={"client_id": client_id})
        assert response.status_code == 400
        assert "Không thể tiếp tục" in response.text  # the error page


def test_withdrawing_consent_revokes_and_logs_out(
    browser: TestClient, env: Env, receiver: Receiver
) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    tokens = redeem(browser, env, "data", code, verifier)
    claims = id_token_claims(browser, tokens["id_token"])
    html = _confirm(browser)
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf_of(html)})
    assert response.status_code == 303
    assert response.headers["location"] == "/account?withdrawn=data"
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert browser.get("/userinfo", headers=bearer).status_code == 401
    auth = ("data", env.secrets["data"])
    introspected = browser.post("/introspect", data={"token": tokens["access_token"]}, auth=auth)
    assert introspected.json() == {"active": False}
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refused = browser.post("/token", data=refresh, auth=auth)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    keys = server_of(browser).keys.key_set
    sent = [jwt.decode(token, keys) for token in receiver.received[BCL_URI + "-data"]]
    (logout,) = [token for token in sent if token.claims.get("sid") == claims["sid"]]
    assert logout.header["typ"] == "logout+jwt"
    assert logout.claims["sub"] == claims["sub"]
    assert logout.claims["aud"] == "data"
    assert "nonce" not in logout.claims
    assert "Chưa chia sẻ với dịch vụ nào." in browser.get("/account").text
    _, challenge = pkce()
    again = browser.get("/authorize", params=auth_params("data", code_challenge=challenge))
    assert 'name="decision"' in first_page(again)[1]


def test_the_page_says_once_that_sharing_stopped(browser: TestClient) -> None:
    authorize(browser, "data", SCOPE)
    html = _confirm(browser)
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf_of(html)})
    after = browser.get(response.headers["location"])
    assert problems(after.text, "vi", ENGLISH) == []
    told = "Bạn đã ngừng chia sẻ thông tin với Ngân hàng <Thử nghiệm>."
    assert told in _visible(after.text)
    assert "Ngân hàng &lt;Thử nghiệm&gt;" in after.text
    assert told not in _visible(browser.get(response.headers["location"]).text)  # once
    assert told not in _visible(browser.get("/account").text)


def test_a_crafted_link_cannot_make_the_page_say_anything(browser: TestClient) -> None:
    authorize(browser, "data", SCOPE)
    for withdrawn in ("data", "rp", "<b>Bạn đã bị khóa</b>"):
        html = browser.get("/account", params={"withdrawn": withdrawn}).text
        assert "Bạn đã ngừng chia sẻ" not in html
        assert "<b>" not in html
        assert "Bạn đã bị khóa" not in html


def test_withdrawal_needs_the_session_and_its_csrf_token(browser: TestClient) -> None:
    authorize(browser, "data", SCOPE)
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": "forged"})
    assert response.status_code == 400
    assert "Không thể tiếp tục" in response.text
    csrf = csrf_of(_confirm(browser))
    assert "Ngừng chia sẻ" in browser.get("/account").text  # still shared
    browser.cookies.clear()
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf})
    assert response.status_code == 400
    confirm = browser.get("/account/withdraw", params={"client_id": "data"})
    page, html = first_page(confirm)  # logging in first, then back to the confirmation
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    back = browser.post(f"{page}/login", data=data)
    assert back.headers["location"] == "/account/withdraw?client_id=data"


def test_withdrawing_from_a_client_never_shared_with_tells_it_nothing(
    browser: TestClient, receiver: Receiver
) -> None:
    authorize(browser, "rp", "openid profile")  # shares with rp (no back channel), not with logout
    csrf = csrf_of(_confirm(browser, "rp"))
    response = browser.post("/account/withdraw", data={"client_id": "logout", "csrf": csrf})
    assert response.status_code == 303
    assert receiver.received == {}


def test_a_code_in_flight_dies_with_the_withdrawal(browser: TestClient, env: Env) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    html = _confirm(browser)
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf_of(html)})
    assert response.status_code == 303
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    refused = browser.post("/token", data=data, auth=("data", env.secrets["data"]))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_grant"
